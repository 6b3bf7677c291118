// Overview: headline figures, daily cost and tokens by model, models, tools, the weekly rhythm,
// top projects and the 5-hour blocks.
import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'preact/hooks';
import type { DataSource } from '../../api/source';
import type { Block, DailyUsage, HeatmapCell, ModelUsage, Overview as OverviewData, ProjectUsage, SyncPreview, ToolUsage } from '../../api/types';
import { addDays, dateInZone } from '../../state/dates';
import { type Filters, apiPath } from '../../state/url';
import {
  formatCalendarDay,
  formatCost,
  formatCostExact,
  formatDateTime,
  formatDuration,
  formatInt,
  formatPercent,
  formatTokens,
  plural,
  projectName,
  shortModel,
} from '../../format';
import { ChartView } from '../components/Chart';
import { Card, Empty, ErrorBox, Loading, Panel } from '../components/common';
import { useApi } from '../hooks';
import { PALETTE, colourFor, cssVar } from '../theme';

/** One colour per model for every chart of the page, in the order of the model distribution of
 * all the data: a model keeps its colour whatever the filters. */
type Colours = (model: string) => string;

function modelColours(models: ModelUsage[] | null): Colours {
  const order = new Map((models ?? []).map((m, i) => [m.model, i]));
  return (model) => colourFor(order.get(model) ?? order.size + model.length);
}

interface Props {
  source: DataSource;
  filters: Filters;
  zone: string;
  refresh: number;
  theme: string;
  emptyHint: string;
  sessionsHref: (filters: Partial<Filters>) => string;
}

export function Overview({ source, filters, zone, refresh, theme, emptyHint, sessionsHref }: Props) {
  const now = useMemo(() => Date.now(), [refresh, filters]);
  const path = (endpoint: string) => apiPath(`/api/analytics/${endpoint}`, filters, now);
  const overview = useApi<OverviewData>(source, path('overview'), refresh);
  const daily = useApi<DailyUsage[]>(source, path('daily-usage'), refresh);
  const modelsPath = path('model-distribution');
  const models = useApi<ModelUsage[]>(source, modelsPath, refresh);
  const tools = useApi<ToolUsage[]>(source, path('tool-usage'), refresh);
  const heatmap = useApi<HeatmapCell[]>(source, path('heatmap'), refresh);
  const projects = useApi<ProjectUsage[]>(source, path('projects'), refresh);
  const blocks = useApi<Block[]>(source, path('blocks'), refresh);

  // Unfiltered, the page's own distribution is that of all the data: not asked for twice.
  const everyPath = apiPath('/api/analytics/model-distribution', { ...filters, range: { kind: 'preset', preset: 'all' }, project: null, model: null }, now);
  const everyOther = useApi<ModelUsage[]>(source, everyPath === modelsPath ? null : everyPath, refresh);
  const everyModel = everyPath === modelsPath ? models.data : everyOther.data;
  const colours = useMemo(() => modelColours(everyModel), [everyModel]);
  // With no data at all, the host may still have transcripts it has not synced (`serve --no-sync`).
  const nothing = everyModel !== null && everyModel.length === 0 && overview.data?.totalSessions === 0;
  const pending = useApi<SyncPreview>(source, nothing && source.kind === 'http' ? '/api/sync/preview' : null, refresh);
  if (overview.error) return <ErrorBox error={overview.error} />;
  if (!overview.data) return <Loading label="Reading usage…" />;
  const o = overview.data;
  const filtered = filters.range.kind !== 'preset' || filters.range.preset !== 'all' || filters.project || filters.model;

  if (o.totalSessions === 0 && o.totalResponses === 0) {
    return filtered ? (
      <Empty title="No activity in this range" testid="empty-range">
        <p>Nothing matches these filters. Try a longer range or “All”.</p>
      </Empty>
    ) : (
      <Empty title="No Claude Code sessions yet" testid="empty-data">
        {pending.data && pending.data.totalPendingFiles > 0 ? (
          <p>
            {plural(pending.data.totalPendingFiles, 'transcript')} {pending.data.totalPendingFiles === 1 ? 'is' : 'are'} not synced yet: <a href="#/sync">sync them</a>.
          </p>
        ) : (
          <p>
            {emptyHint.split(/(--[a-z-]+(?: [A-Z]+)?)/).map((part, i) => (i % 2 ? <code key={i} class="nowrap">{part}</code> : part))}
          </p>
        )}
        <p>
          Or <a href="#/drop">analyse transcript files in this browser</a>.
        </p>
      </Empty>
    );
  }

  return (
    <div class="page overview" data-testid="page-overview">
      <div class="cards">
        <Card label="Sessions" value={formatInt(o.totalSessions)} raw={o.totalSessions} testid="overview-total-sessions" sub={`${formatInt(o.totalResponses)} responses`} title={`${formatInt(o.totalResponses)} responses · ${formatInt(o.totalToolCalls)} tool calls`} />
        <Card label="Cost" value={formatCost(o.totalCost)} raw={o.totalCost} testid="overview-total-cost" title={formatCostExact(o.totalCost)} accent sub={o.unpricedModels.length ? `unpriced: ${o.unpricedModels.join(', ')}` : `${formatCost(o.totalSessions ? o.totalCost / o.totalSessions : 0)} per session`} />
        <Card label="Tokens" value={formatTokens(o.totalTokens)} raw={o.totalTokens} testid="overview-total-tokens" title={`${formatInt(o.totalTokens)} input + output`} sub="input + output" />
        <Card label="With cache" value={formatTokens(o.tokensWithCache)} raw={o.tokensWithCache} testid="overview-tokens-with-cache" title={formatInt(o.tokensWithCache)} sub="incl. cache" />
        <Card label="Input tokens" value={formatTokens(o.inputTokens)} raw={o.inputTokens} testid="overview-input-tokens" title={formatInt(o.inputTokens)} sub={`cache write ${formatTokens(o.cacheCreationTokens)}`} />
        <Card label="Output tokens" value={formatTokens(o.outputTokens)} raw={o.outputTokens} testid="overview-output-tokens" title={formatInt(o.outputTokens)} sub={`cache read ${formatTokens(o.cacheReadTokens)}`} />
        <Card label="Avg duration" value={formatDuration(o.avgSessionDuration)} raw={o.avgSessionDuration} testid="overview-avg-duration" />
        <Card label="Cache hit rate" value={formatPercent(o.cacheHitRate)} raw={o.cacheHitRate} testid="overview-cache-hit-rate" sub={o.rateLimitHits ? `${o.rateLimitHits} rate-limit hits` : 'of input from cache'} />
      </div>
      {o.dateRange && (
        <p class="muted small range-note" data-testid="overview-range">
          {formatDateTime(o.dateRange.from, zone)} – {formatDateTime(o.dateRange.to, zone)} ({zone})
        </p>
      )}

      <ActiveBlock blocks={blocks.data} zone={zone} />

      <DailyPanel daily={daily} theme={theme} colours={colours} span={o.dateRange ? { from: dateInZone(Date.parse(o.dateRange.from), zone), to: dateInZone(Date.parse(o.dateRange.to), zone) } : null} />

      <div class="grid two">
        <Panel title="Models" testid="models-panel">
          {models.data ? <ModelsChart models={models.data} theme={theme} colours={colours} /> : <Loading />}
        </Panel>
        <Panel title="Tools" testid="tools-panel">
          {tools.data ? tools.data.length ? <ToolsChart tools={tools.data} theme={theme} /> : <p class="muted">No tool calls.</p> : <Loading />}
        </Panel>
      </div>

      <div class="grid two">
        <Panel title={`When you work (${zone})`} testid="heatmap-panel">
          {heatmap.data ? <HeatmapChart cells={heatmap.data} theme={theme} /> : <Loading />}
        </Panel>
        <Panel title="Top projects" testid="projects-panel">
          {projects.data ? <ProjectsTable projects={projects.data} zone={zone} sessionsHref={sessionsHref} /> : <Loading />}
        </Panel>
      </div>

      <Panel title="5-hour blocks" testid="blocks-panel">
        {blocks.data ? <BlocksTable blocks={blocks.data} zone={zone} /> : <Loading />}
      </Panel>
    </div>
  );
}

type Span = { from: string; to: string } | null;

function DailyPanel({ daily, theme, colours, span }: { daily: ReturnType<typeof useApi<DailyUsage[]>>; theme: string; colours: Colours; span: Span }) {
  const [metric, setMetric] = useState<'cost' | 'tokens'>('cost');
  const weekly = daily.data ? dayAxis(daily.data, span).length > WEEKLY_AFTER : false;
  const actions = (
    <div class="segmented small" role="group" aria-label="Metric">
      <button class={metric === 'cost' ? 'on' : ''} onClick={() => setMetric('cost')} data-testid="daily-cost">
        Cost
      </button>
      <button class={metric === 'tokens' ? 'on' : ''} onClick={() => setMetric('tokens')} data-testid="daily-tokens">
        Tokens
      </button>
    </div>
  );
  return (
    <Panel title={`${weekly ? 'Weekly' : 'Daily'} ${metric === 'cost' ? 'cost' : 'tokens (with cache)'} by model`} actions={actions} testid="daily-panel">
      {daily.error ? <ErrorBox error={daily.error} /> : daily.data ? <DailyChart days={daily.data} metric={metric} theme={theme} colours={colours} span={span} /> : <Loading />}
    </Panel>
  );
}

/** Past this many days the chart shows weeks, so bars stay readable. */
const WEEKLY_AFTER = 120;

/** Every day of the range (else from the first to the last active day), oldest first. */
function dayAxis(days: DailyUsage[], span: Span): string[] {
  const dates = days.map((d) => d.date).sort();
  const first = [span?.from, dates[0]].filter(Boolean).sort()[0];
  const last = [span?.to, dates[dates.length - 1]].filter(Boolean).sort().pop();
  if (!first || !last) return [];
  const filled: string[] = [];
  for (let d = first; d <= last && filled.length < 4000; d = addDays(d, 1)) filled.push(d);
  return filled;
}

/** The Monday starting the week of a calendar date. */
function weekStart(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}

/** Buckets (days, or weeks on long spans) with each model's cost and tokens. */
function buckets(days: DailyUsage[], span: Span): { labels: string[]; values: Map<string, { cost: number; tokens: number }>[] } {
  const axis = dayAxis(days, span);
  const weekly = axis.length > WEEKLY_AFTER;
  const keys = weekly ? [...new Set(axis.map(weekStart))] : axis;
  const index = new Map(keys.map((k, i) => [k, i]));
  const values = keys.map(() => new Map<string, { cost: number; tokens: number }>());
  for (const day of days) {
    const bucket = values[index.get(weekly ? weekStart(day.date) : day.date) ?? -1];
    if (!bucket) continue;
    for (const m of day.models) {
      const v = bucket.get(m.model) ?? { cost: 0, tokens: 0 };
      v.cost += m.cost;
      v.tokens += m.tokens;
      bucket.set(m.model, v);
    }
  }
  return { labels: keys.map((k) => (weekly ? `Week of ${formatCalendarDay(k)}` : formatCalendarDay(k))), values };
}

function DailyChart({ days, metric, theme, colours, span }: { days: DailyUsage[]; metric: 'cost' | 'tokens'; theme: string; colours: Colours; span: Span }) {
  const config = (): ChartConfiguration => {
    const { labels, values } = buckets(days, span);
    const totals = new Map<string, number>();
    for (const d of days) for (const m of d.models) totals.set(m.model, (totals.get(m.model) ?? 0) + m.cost);
    const models = [...totals.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0));
    return {
      type: 'bar',
      data: {
        labels,
        datasets: models.map((model) => ({
          label: shortModel(model),
          data: values.map((bucket) => bucket.get(model)?.[metric] ?? 0),
          backgroundColor: colours(model),
          borderRadius: 3,
          stack: 'day',
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: { stacked: true, ticks: { callback: (v) => (metric === 'cost' ? formatCost(Number(v)) : formatTokens(Number(v))) } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10 } },
          tooltip: {
            filter: (item) => Number(item.raw) > 0,
            callbacks: {
              label: (item) => ` ${item.dataset.label}: ${metric === 'cost' ? formatCost(Number(item.raw)) : formatTokens(Number(item.raw))}`,
              footer: (items) => {
                const total = items.reduce((sum, item) => sum + Number(item.raw), 0);
                return `Total: ${metric === 'cost' ? formatCost(total) : formatTokens(total)}`;
              },
            },
          },
        },
      },
    };
  };
  if (days.length === 0) return <p class="muted">No responses in this range.</p>;
  return <ChartView config={config} deps={[days, metric, colours, span?.from, span?.to]} theme={theme} height={300} label="Daily usage by model" testid="daily-chart" />;
}

function ModelsChart({ models, theme, colours }: { models: ModelUsage[]; theme: string; colours: Colours }) {
  const config = (): ChartConfiguration => ({
    type: 'doughnut' as const,
    data: {
      labels: models.map((m) => shortModel(m.model)),
      datasets: [{ data: models.map((m) => m.totalCost), backgroundColor: models.map((m) => colours(m.model)), borderColor: cssVar('--panel'), borderWidth: 2, cutout: '62%' } as never],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => {
              const m = models[item.dataIndex]!;
              return [` ${m.model}`, ` ${formatCost(m.totalCost)} · ${formatTokens(m.totalTokens)} tokens`, ` main model of ${m.count} sessions (${formatPercent(m.percentage)})`];
            },
          },
        },
      },
    },
  });
  return (
    <>
      <ChartView config={config} deps={[models, colours]} theme={theme} height={220} label="Cost by model" testid="models-chart" />
      <table class="mini">
        <thead>
          <tr>
            <th>Model</th>
            <th class="num">Sessions</th>
            <th class="num">Cost</th>
            <th class="num">Tokens</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <tr key={m.model} data-testid="model-row">
              <td title={m.model}>
                <span class={`swatch c${PALETTE.indexOf(colours(m.model))}`} />
                {shortModel(m.model)}
              </td>
              <td class="num">
                {m.count} <span class="muted">({formatPercent(m.percentage)})</span>
              </td>
              <td class="num" title={formatCostExact(m.totalCost)}>
                {formatCost(m.totalCost)}
              </td>
              <td class="num" title={formatInt(m.totalTokens)}>
                {formatTokens(m.totalTokens)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function ToolsChart({ tools, theme }: { tools: ToolUsage[]; theme: string }) {
  const top = tools.slice(0, 12);
  const config = (): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels: top.map((t) => (t.tool.length > 28 ? `${t.tool.slice(0, 27)}…` : t.tool)),
      datasets: [
        { label: 'Calls', data: top.map((t) => t.count - t.errors), backgroundColor: colourFor(1), borderRadius: 3, stack: 't' },
        { label: 'Errors', data: top.map((t) => t.errors), backgroundColor: colourFor(6), borderRadius: 3, stack: 't' },
      ],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, grid: { display: false } } },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => top[items[0]?.dataIndex ?? 0]?.tool ?? '',
            label: (item) => {
              const t = top[item.dataIndex]!;
              return item.datasetIndex === 0 ? ` ${formatInt(t.count)} calls (${formatPercent(t.percentage)}) in ${t.sessions} sessions` : ` ${plural(t.errors, 'error')}`;
            },
          },
        },
      },
    },
  });
  return (
    <>
      <ChartView config={config} deps={[tools]} theme={theme} height={Math.max(160, top.length * 24) > 260 ? 320 : 260} label="Tool calls" testid="tools-chart" />
      <p class="muted small chart-note">
        <span class="swatch c1" />calls <span class="swatch c6" />errors
        {tools.length > top.length ? ` · the ${top.length} most called of ${formatInt(tools.length)} tools` : ''}
      </p>
    </>
  );
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function HeatmapChart({ cells, theme }: { cells: HeatmapCell[]; theme: string }) {
  const max = Math.max(1, ...cells.map((c) => c.responses));
  const config = (): ChartConfiguration => {
    const accent = cssVar('--accent-rgb') || '217, 119, 87';
    const empty = cssVar('--cell-empty');
    return {
      type: 'matrix',
      data: {
        datasets: [
          {
            label: 'Responses',
            data: cells.map((c) => ({ x: String(c.hour), y: WEEKDAYS[c.weekday] ?? String(c.weekday), v: c.responses })),
            backgroundColor: (ctx: { raw?: unknown }) => {
              const v = (ctx.raw as { v?: number } | undefined)?.v ?? 0;
              return v === 0 ? empty : `rgba(${accent}, ${0.18 + 0.82 * Math.sqrt(v / max)})`;
            },
            borderWidth: 0,
            borderRadius: 3,
            width: ({ chart }: { chart: Chart }) => (chart.chartArea?.width ?? 0) / 24 - 2,
            height: ({ chart }: { chart: Chart }) => (chart.chartArea?.height ?? 0) / 7 - 2,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { type: 'category', labels: Array.from({ length: 24 }, (_, h) => String(h)), grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
          // The first label is drawn at the bottom: Sunday there, Monday on top.
          y: { type: 'category', labels: [...WEEKDAYS].reverse(), offset: true, grid: { display: false } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: () => '',
              label: (item: { dataIndex: number }) => {
                const c = cells[item.dataIndex]!;
                return ` ${WEEKDAYS[c.weekday]} ${String(c.hour).padStart(2, '0')}:00 — ${formatInt(c.responses)} responses, ${formatCost(c.cost)}`;
              },
            },
          },
        },
      },
    } as unknown as ChartConfiguration;
  };
  return <ChartView config={config} deps={[cells]} theme={theme} height={260} label="Responses by weekday and hour" testid="heatmap-chart" />;
}

type Chart = import('chart.js').Chart;

function ProjectsTable({ projects, zone, sessionsHref }: { projects: ProjectUsage[]; zone: string; sessionsHref: Props['sessionsHref'] }) {
  if (projects.length === 0) return <p class="muted">No projects.</p>;
  const max = Math.max(...projects.map((p) => p.cost), 1e-9);
  return (
    <table class="mini projects">
      <thead>
        <tr>
          <th>Project</th>
          <th class="num">Sessions</th>
          <th class="num">Cost</th>
          <th class="hide-sm">Last active</th>
        </tr>
      </thead>
      <tbody>
        {projects.slice(0, 10).map((p) => (
          <tr key={p.projectPath} data-testid="project-row">
            <td title={p.projectPath}>
              <a href={sessionsHref({ project: p.projectPath })}>{projectName(p.projectPath)}</a>
              <div class="bar">
                <meter min={0} max={max} value={p.cost} aria-label="Share of cost" />
              </div>
            </td>
            <td class="num">{p.sessions}</td>
            <td class="num" title={formatCostExact(p.cost)}>
              {formatCost(p.cost)}
            </td>
            <td class="hide-sm muted">{formatDateTime(p.lastActivity, zone)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ActiveBlock({ blocks, zone }: { blocks: Block[] | null; zone: string }) {
  const active = blocks?.find((b) => b.isActive);
  if (!active) return null;
  return (
    <section class="active-block" data-testid="active-block">
      <div>
        <span class="pulse" aria-hidden="true" /> <strong>Active 5-hour block</strong>
        <span class="muted">
          {' '}
          since {formatDateTime(active.startTime, zone)}, ends {formatDateTime(active.endTime, zone)}
        </span>
      </div>
      <div class="block-figures">
        <span>
          <b>{formatCost(active.cost)}</b> so far
        </span>
        <span>
          <b>{formatTokens(active.tokensWithCache)}</b> tokens
        </span>
        {active.burnRate ? (
          <span data-testid="burn-rate">
            burning <b>{formatCost(active.burnRate.costPerHour)}/h</b> · {formatTokens(active.burnRate.tokensPerMinute)} tokens/min
          </span>
        ) : (
          <span class="muted">burn rate after a minute of activity</span>
        )}
        {active.projection && (
          <span data-testid="projection">
            projected <b>{formatCost(active.projection.cost)}</b> · {formatTokens(active.projection.tokensWithCache)} tokens · {formatDuration(active.projection.remainingMinutes * 60)} left
          </span>
        )}
      </div>
    </section>
  );
}

function BlocksTable({ blocks, zone }: { blocks: Block[]; zone: string }) {
  if (blocks.length === 0) return <p class="muted">No blocks in this range.</p>;
  const max = Math.max(...blocks.map((b) => b.cost), 1e-9);
  return (
    <div class="table-scroll">
      <table class="mini blocks">
        <thead>
          <tr>
            <th>Start</th>
            <th class="num">Responses</th>
            <th class="num">Tokens</th>
            <th class="num">Cost</th>
            <th class="hide-sm">Models</th>
            <th class="hide-sm">Burn / projection</th>
          </tr>
        </thead>
        <tbody>
          {blocks.slice(0, 10).map((b) => (
            <tr key={b.id} class={b.isActive ? 'active' : ''} data-testid="block-row">
              <td>
                {b.isActive && <span class="badge live">active</span>} {formatDateTime(b.startTime, zone)}
              </td>
              <td class="num">{formatInt(b.responses)}</td>
              <td class="num" title={formatInt(b.tokensWithCache)}>
                {formatTokens(b.tokensWithCache)}
              </td>
              <td class="num" title={formatCostExact(b.cost)}>
                <meter class="inline" min={0} max={max} value={b.cost} aria-hidden="true" /> {formatCost(b.cost)}
              </td>
              <td class="hide-sm">{b.models.map(shortModel).join(', ')}</td>
              <td class="hide-sm muted">
                {b.burnRate ? `${formatCost(b.burnRate.costPerHour)}/h` : '–'}
                {b.projection ? ` → ${formatCost(b.projection.cost)}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {blocks.length > 10 && <p class="muted small">Latest 10 of {blocks.length} blocks.</p>}
    </div>
  );
}
