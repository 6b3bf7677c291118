// One session: summary, token and cost breakdown, and the conversation as a timeline.
// Transcript text is untrusted: it is only ever rendered as text nodes.
import { useMemo, useState } from 'preact/hooks';
import type { DataSource } from '../../api/source';
import type { Message, SessionDetail as Detail } from '../../api/types';
import { type Route, formatHash } from '../../state/url';
import { formatCost, formatCostExact, formatDateTime, formatDuration, formatInt, formatTime, formatTokens, plural, projectName, shortModel } from '../../format';
import { Card, ErrorBox, Loading, Panel } from '../components/common';
import { useApi } from '../hooks';
import { splitToolCalls, writtenByClaudeCode } from '../../content';

interface Props {
  source: DataSource;
  route: Route;
  zone: string;
  refresh: number;
}

export function SessionDetail({ source, route, zone, refresh }: Props) {
  const id = route.sessionId ?? '';
  const detail = useApi<Detail>(source, `/api/analytics/sessions/${encodeURIComponent(id)}`, refresh);
  const back = formatHash({ ...route, page: 'sessions', sessionId: null });
  if (detail.error) {
    return (
      <div class="page">
        <a href={back} class="back">
          ← Sessions
        </a>
        <ErrorBox error={detail.error} />
      </div>
    );
  }
  if (!detail.data) return <Loading label="Reading the conversation…" />;
  const { session: s, messages } = detail.data;
  const totalTokens = s.inputTokens + s.outputTokens + s.cacheCreationTokens + s.cacheReadTokens;

  return (
    <div class="page session-detail" data-testid="page-session">
      <a href={back} class="back">
        ← Sessions
      </a>
      <header class="session-head">
        <h1 data-testid="session-title">{s.title || s.id}</h1>
        <p class="muted">
          <span title={s.projectPath}>{projectName(s.projectPath)}</span>
          {s.gitBranch && <> · branch {s.gitBranch}</>}
          {s.version && <> · Claude Code {s.version}</>} · {formatDateTime(s.startTime, zone)} – {formatDateTime(s.endTime, zone)}
        </p>
        <p class="muted small mono">{s.id}</p>
      </header>
      <div class="cards">
        <Card label="Cost" value={formatCost(s.cost)} raw={s.cost} title={formatCostExact(s.cost)} accent testid="session-cost" />
        <Card label="Duration" value={formatDuration(s.duration)} raw={s.duration} testid="session-duration" />
        <Card label="Tokens" value={formatTokens(totalTokens)} raw={totalTokens} title={formatInt(totalTokens)} sub="with cache" testid="session-tokens" />
        <Card label="Responses" value={formatInt(s.responses)} raw={s.responses} sub={`${s.userPrompts} prompts`} />
        <Card label="Tool calls" value={formatInt(s.toolCalls)} raw={s.toolCalls} sub={s.toolErrors ? plural(s.toolErrors, 'error') : 'no errors'} />
        <Card label="Sub-agents" value={formatInt(s.subagents)} raw={s.subagents} sub={s.compactions ? plural(s.compactions, 'compaction') : 'no compactions'} />
      </div>
      <Breakdown messages={messages} session={s} />
      <Timeline messages={messages} zone={zone} />
    </div>
  );
}

function Breakdown({ messages, session }: { messages: Message[]; session: Detail['session'] }) {
  const rows = useMemo(() => {
    const byModel = new Map<string, { responses: number; input: number; output: number; write: number; read: number; cost: number }>();
    for (const m of messages) {
      if (m.kind !== 'response' || !m.model) continue;
      const row = byModel.get(m.model) ?? { responses: 0, input: 0, output: 0, write: 0, read: 0, cost: 0 };
      row.responses += 1;
      row.input += m.inputTokens;
      row.output += m.outputTokens;
      row.write += m.cacheCreationTokens;
      row.read += m.cacheReadTokens;
      row.cost += m.cost;
      byModel.set(m.model, row);
    }
    return [...byModel.entries()].sort((a, b) => b[1].cost - a[1].cost);
  }, [messages]);
  return (
    <Panel title="Tokens and cost" testid="session-breakdown">
      <div class="table-scroll">
        <table class="mini">
          <thead>
            <tr>
              <th>Model</th>
              <th class="num">Responses</th>
              <th class="num">Input</th>
              <th class="num">Output</th>
              <th class="num">Cache write</th>
              <th class="num">Cache read</th>
              <th class="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([model, r]) => (
              <tr key={model}>
                <td title={model}>{shortModel(model)}</td>
                <td class="num">{formatInt(r.responses)}</td>
                <td class="num">{formatInt(r.input)}</td>
                <td class="num">{formatInt(r.output)}</td>
                <td class="num">{formatInt(r.write)}</td>
                <td class="num">{formatInt(r.read)}</td>
                <td class="num" title={formatCostExact(r.cost)}>
                  {formatCost(r.cost)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th>Session</th>
              <th class="num">{formatInt(session.responses)}</th>
              <th class="num">{formatInt(session.inputTokens)}</th>
              <th class="num">{formatInt(session.outputTokens)}</th>
              <th class="num">{formatInt(session.cacheCreationTokens)}</th>
              <th class="num">{formatInt(session.cacheReadTokens)}</th>
              <th class="num" title={formatCostExact(session.cost)}>
                {formatCost(session.cost)}
              </th>
            </tr>
          </tfoot>
        </table>
      </div>
    </Panel>
  );
}

function Collapsible({ text, limit = 700, mono = false }: { text: string; limit?: number; mono?: boolean }) {
  const long = text.length > limit || text.split('\n').length > 14;
  const [open, setOpen] = useState(false);
  return (
    <div class={`content${mono ? ' mono' : ''}${long && !open ? ' clamped' : ''}`}>
      <div class="content-text">{long && !open ? text.slice(0, limit) : text}</div>
      {long && (
        <button class="link small" onClick={() => setOpen(!open)} data-testid="expand">
          {open ? 'Show less' : `Show all (${formatInt(text.length)} characters)`}
        </button>
      )}
    </div>
  );
}

type Filter = 'all' | 'conversation';

function Timeline({ messages, zone }: { messages: Message[]; zone: string }) {
  const [filter, setFilter] = useState<Filter>('all');
  const shown = filter === 'all' ? messages : messages.filter((m) => m.kind === 'prompt' || m.kind === 'response' || m.kind === 'compact_summary');
  const agents = new Map<string, number>();
  for (const m of messages) if (m.agentId && !agents.has(m.agentId)) agents.set(m.agentId, agents.size);
  const actions = (
    <div class="segmented small" role="group" aria-label="Show">
      <button class={filter === 'all' ? 'on' : ''} onClick={() => setFilter('all')}>
        Everything
      </button>
      <button class={filter === 'conversation' ? 'on' : ''} onClick={() => setFilter('conversation')} data-testid="hide-tools">
        Prompts and responses
      </button>
    </div>
  );
  return (
    <Panel title={`Conversation (${formatInt(messages.length)} messages)`} actions={actions} testid="timeline">
      <ol class="timeline">
        {shown.map((m, i) => {
          const previous = shown[i - 1];
          const agentStart = m.isSidechain && (!previous?.isSidechain || previous.agentId !== m.agentId);
          return <MessageItem key={m.id} message={m} zone={zone} agentIndex={m.agentId ? agents.get(m.agentId) ?? 0 : 0} agentStart={agentStart} />;
        })}
      </ol>
    </Panel>
  );
}

function MessageItem({ message: m, zone, agentIndex, agentStart }: { message: Message; zone: string; agentIndex: number; agentStart: boolean }) {
  const classes = ['msg', `kind-${m.kind}`, `role-${m.role}`];
  if (failed(m)) classes.push('tool-error');
  if (m.isSidechain) classes.push('sidechain', `agent-${agentIndex % 6}`);
  return (
    <li class={classes.join(' ')} data-testid="message" data-kind={m.kind} data-sidechain={m.isSidechain ? 'true' : undefined}>
      {agentStart && (
        <div class="agent-start" data-testid="subagent">
          Sub-agent {m.agentId ? <span class="mono">{m.agentId}</span> : null}
        </div>
      )}
      <div class="msg-head">
        <span class="msg-kind">{label(m)}</span>
        {m.kind === 'response' && m.model && (
          <span class="badge" title={m.model}>
            {shortModel(m.model)}
          </span>
        )}
        <span class="msg-time muted" title={m.timestamp}>
          {formatTime(m.timestamp, zone)}
        </span>
        {m.kind === 'response' && (
          <span class="msg-cost" title={`${formatCostExact(m.cost)} · ${formatInt(m.inputTokens)} in · ${formatInt(m.outputTokens)} out · ${formatInt(m.cacheCreationTokens)} cache write · ${formatInt(m.cacheReadTokens)} cache read`} data-testid="message-cost">
            {formatCost(m.cost)} <span class="muted">· {formatTokens(m.outputTokens)} out</span>
          </span>
        )}
      </div>
      <MessageBody message={m} />
    </li>
  );
}

/** A tool result that says its call failed. */
function failed(m: Message): boolean {
  return m.kind === 'tool_result' && m.content.startsWith('[tool error]');
}

function label(m: Message): string {
  switch (m.kind) {
    case 'prompt':
      return m.isSidechain ? 'Task' : 'You';
    case 'response':
      return 'Claude';
    case 'tool_result':
      return failed(m) ? 'Tool error' : 'Tool result';
    case 'compact_summary':
      return 'Compacted';
    case 'meta':
      return 'Meta';
    default:
      return m.kind || m.role;
  }
}

function MessageBody({ message: m }: { message: Message }) {
  if (m.kind === 'response') {
    const parts = splitToolCalls(m.content);
    return (
      <div class="msg-body">
        {parts.map((part, i) =>
          part.kind === 'tool' ? (
            <div class="tool-call" key={i} data-testid="tool-call">
              <span class="tool-name">{part.name}</span>
              {part.text && <Collapsible text={part.text} limit={300} mono />}
            </div>
          ) : (
            <Collapsible key={i} text={part.text} limit={1500} />
          ),
        )}
      </div>
    );
  }
  if (m.kind === 'tool_result') {
    const text = m.content.replace(/^\[tool (result|error)\] ?/, '');
    return <div class="msg-body">{text ? <Collapsible text={text} limit={400} mono /> : <span class="muted small">(empty)</span>}</div>;
  }
  if (m.kind === 'compact_summary') {
    return (
      <div class="msg-body">
        <Collapsible text={m.content} limit={300} />
      </div>
    );
  }
  const written = writtenByClaudeCode(m.content);
  if (written) {
    return (
      <div class="msg-body" data-testid={`written-${written.kind}`}>
        {written.kind === 'command' && <code class="command">{written.text}</code>}
        {written.kind === 'output' && <Collapsible text={written.text} limit={400} mono />}
        {written.kind === 'note' && <span class="muted">{written.text}</span>}
        {written.kind === 'interrupted' && <span class="content-text muted interrupted">{written.text}</span>}
      </div>
    );
  }
  return (
    <div class="msg-body">
      <Collapsible text={m.content} limit={m.kind === 'meta' ? 200 : 1500} />
    </div>
  );
}
