// Sessions: one page of the matching sessions, sortable, with a CSV export of all of them.
import { useMemo, useState } from 'preact/hooks';
import type { DataSource } from '../../api/source';
import type { SessionPage } from '../../api/types';
import { type Route, type SortKey, exportPath, formatHash, sessionsPath, withRoute } from '../../state/url';
import { formatCost, formatCostExact, formatDateTime, formatDuration, formatInt, formatTokens, plural, projectName, shortModel } from '../../format';
import { Empty, ErrorBox, Loading } from '../components/common';
import { useApi } from '../hooks';

interface Props {
  source: DataSource;
  route: Route;
  zone: string;
  refresh: number;
  navigate: (route: Route) => void;
}

/** The sortable columns; on a phone only the cost stays (start and duration go under the title). */
const COLUMNS: { key: SortKey; label: string; phone: boolean }[] = [
  { key: 'startTime', label: 'Started', phone: false },
  { key: 'duration', label: 'Duration', phone: false },
  { key: 'tokens', label: 'Tokens (with cache)', phone: false },
  { key: 'cost', label: 'Cost', phone: true },
];

export function Sessions({ source, route, zone, refresh, navigate }: Props) {
  const now = useMemo(() => Date.now(), [refresh, route]);
  const page = useApi<SessionPage>(source, sessionsPath(route, now), refresh);
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);

  const exportCsv = async () => {
    setExporting('Exporting…');
    setExportError(null);
    try {
      const { filename, blob } = await source.download(exportPath(route, Date.now()));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      setExporting(`Saved ${filename}`);
    } catch (error) {
      setExportError(error);
      setExporting(null);
    }
  };

  const sortBy = (key: SortKey) => {
    const order = route.sort === key ? (route.order === 'desc' ? 'asc' : 'desc') : 'desc';
    navigate(withRoute(route, { sort: key, order }));
  };

  const data = page.data;
  const total = data?.pagination.total ?? 0;
  const first = total ? route.offset + 1 : 0;
  const last = data ? route.offset + data.sessions.length : 0;

  return (
    <div class="page sessions" data-testid="page-sessions">
      <div class="toolbar">
        <div class="muted" data-testid="sessions-count">
          {data ? (first === last ? `${formatInt(first)} of ${plural(total, 'session')}` : `${formatInt(first)}–${formatInt(last)} of ${plural(total, 'session')}`) : ' '}
        </div>
        <div class="toolbar-actions">
          {exporting && <span class="muted small">{exporting}</span>}
          <button class="btn" onClick={exportCsv} disabled={!total} data-testid="export-csv">
            Export CSV
          </button>
        </div>
      </div>
      {exportError !== null && <ErrorBox error={exportError} />}
      {page.error ? (
        <ErrorBox error={page.error} />
      ) : !data ? (
        <Loading />
      ) : data.sessions.length === 0 ? (
        <Empty title="No sessions match">
          <p>Try a longer date range or clear the project and model filters.</p>
        </Empty>
      ) : (
        <div class="table-scroll">
          <table class="sessions-table" data-testid="sessions-table">
            <thead>
              <tr>
                <th>Session</th>
                {COLUMNS.map((c) => (
                  <th key={c.key} class={`num sortable${c.key === 'startTime' ? ' left' : ''}${c.phone ? '' : ' hide-sm'}`} aria-sort={route.sort === c.key ? (route.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
                    <button onClick={() => sortBy(c.key)} data-testid={`sort-${c.key}`}>
                      {c.label}
                      <span class="sort-mark">{route.sort === c.key ? (route.order === 'asc' ? '▲' : '▼') : ''}</span>
                    </button>
                  </th>
                ))}
                <th class="hide-sm">Model</th>
                <th class="num hide-sm">Activity</th>
              </tr>
            </thead>
            <tbody>
              {data.sessions.map((s) => {
                const href = formatHash({ ...route, page: 'session', sessionId: s.id });
                return (
                  <tr key={s.id} data-testid="session-row" data-session-id={s.id}>
                    <td class="session-cell">
                      <a href={href} class="session-title">
                        {s.title || s.id}
                      </a>
                      <div class="muted small" title={s.projectPath}>
                        {projectName(s.projectPath)}
                        {s.gitBranch ? ` · ${s.gitBranch}` : ''}
                      </div>
                      <div class="muted small show-sm">
                        {formatDateTime(s.startTime, zone)} · {formatDuration(s.duration)}
                      </div>
                    </td>
                    <td class="num left nowrap hide-sm">{formatDateTime(s.startTime, zone)}</td>
                    <td class="num hide-sm">{formatDuration(s.duration)}</td>
                    <td class="num hide-sm" title={`${formatInt(s.inputTokens)} in · ${formatInt(s.outputTokens)} out · ${formatInt(s.cacheCreationTokens)} cache write · ${formatInt(s.cacheReadTokens)} cache read`}>
                      {formatTokens(s.inputTokens + s.outputTokens + s.cacheCreationTokens + s.cacheReadTokens)}
                    </td>
                    <td class="num strong" title={formatCostExact(s.cost)}>
                      {formatCost(s.cost)}
                    </td>
                    <td class="hide-sm" title={s.models.join(', ')}>
                      {shortModel(s.model)}
                      {s.models.length > 1 && <span class="muted"> +{s.models.length - 1}</span>}
                    </td>
                    <td class="num hide-sm muted nowrap">
                      {plural(s.userPrompts, 'prompt')} · {plural(s.toolCalls, 'tool call')}
                      {s.subagents ? ` · ${plural(s.subagents, 'agent')}` : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {data && total > route.limit && (
        <nav class="pager" aria-label="Pages">
          <button class="btn" disabled={route.offset === 0} onClick={() => navigate(withRoute(route, { offset: Math.max(0, route.offset - route.limit) }))} data-testid="page-prev">
            ← Previous
          </button>
          <span class="muted">
            Page {Math.floor(route.offset / route.limit) + 1} of {Math.ceil(total / route.limit)}
          </span>
          <button class="btn" disabled={!data.pagination.hasMore} onClick={() => navigate(withRoute(route, { offset: route.offset + route.limit }))} data-testid="page-next">
            Next →
          </button>
        </nav>
      )}
    </div>
  );
}

