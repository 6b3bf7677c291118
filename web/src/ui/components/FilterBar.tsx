// Date range presets, custom dates, time zone, project and model filters: all kept in the URL.
import { useMemo, useState } from 'preact/hooks';
import type { DataSource } from '../../api/source';
import type { ModelUsage, ProjectUsage } from '../../api/types';
import { PRESETS, type Preset, browserZone, isDate, rangeLabel } from '../../state/dates';
import { type Filters, apiPath } from '../../state/url';
import { projectName, shortModel } from '../../format';
import { useApi } from '../hooks';

interface Props {
  source: DataSource;
  filters: Filters;
  refresh: number;
  onChange: (change: Partial<Filters>) => void;
}

const PRESET_LABEL: Record<Preset, string> = { '7d': '7d', '30d': '30d', '90d': '90d', all: 'All' };

function zones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

export function FilterBar({ source, filters, refresh, onChange }: Props) {
  const [custom, setCustom] = useState(filters.range.kind === 'custom');
  const now = useMemo(() => Date.now(), [refresh]);
  // Choices come from all time (not the current range), so a filter can always be changed back.
  const base = { ...filters, range: { kind: 'preset', preset: 'all' } as const, project: null, model: null };
  const projects = useApi<ProjectUsage[]>(source, apiPath('/api/analytics/projects', base, now), refresh);
  const models = useApi<ModelUsage[]>(source, apiPath('/api/analytics/model-distribution', base, now), refresh);
  const zoneList = useMemo(zones, []);
  const zone = filters.tz ?? browserZone();
  const from = filters.range.kind === 'custom' ? filters.range.from : '';
  const to = filters.range.kind === 'custom' ? filters.range.to : '';

  return (
    <div class="filters" data-testid="filters">
      <div class="segmented" role="group" aria-label="Date range">
        {PRESETS.map((preset) => (
          <button
            key={preset}
            class={filters.range.kind === 'preset' && filters.range.preset === preset && !custom ? 'on' : ''}
            data-testid={`range-${preset}`}
            onClick={() => {
              setCustom(false);
              onChange({ range: { kind: 'preset', preset } });
            }}
          >
            {PRESET_LABEL[preset]}
          </button>
        ))}
        <button class={custom || filters.range.kind === 'custom' ? 'on' : ''} data-testid="range-custom" onClick={() => setCustom(true)}>
          Custom
        </button>
      </div>
      {(custom || filters.range.kind === 'custom') && (
        <form
          class="custom-range"
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            const f = String(data.get('from') ?? '');
            const t = String(data.get('to') ?? '');
            if (isDate(f) && isDate(t)) onChange({ range: f <= t ? { kind: 'custom', from: f, to: t } : { kind: 'custom', from: t, to: f } });
          }}
        >
          <input type="date" name="from" value={from} aria-label="From" required data-testid="range-from" />
          <span class="muted">to</span>
          <input type="date" name="to" value={to} aria-label="To" required data-testid="range-to" />
          <button class="btn small" type="submit">
            Apply
          </button>
        </form>
      )}
      <select
        aria-label="Project"
        data-testid="filter-project"
        value={filters.project ?? ''}
        onChange={(e) => onChange({ project: e.currentTarget.value || null })}
      >
        <option value="">All projects</option>
        {(projects.data ?? []).map((p) => (
          <option key={p.projectPath} value={p.projectPath} title={p.projectPath}>
            {projectName(p.projectPath)}
          </option>
        ))}
        {filters.project && !(projects.data ?? []).some((p) => p.projectPath === filters.project) && (
          <option value={filters.project}>{projectName(filters.project)}</option>
        )}
      </select>
      <select aria-label="Model" data-testid="filter-model" value={filters.model ?? ''} onChange={(e) => onChange({ model: e.currentTarget.value || null })}>
        <option value="">All models</option>
        {(models.data ?? []).map((m) => (
          <option key={m.model} value={m.model} title={m.model}>
            {shortModel(m.model)}
          </option>
        ))}
        {filters.model && !(models.data ?? []).some((m) => m.model === filters.model) && <option value={filters.model}>{filters.model}</option>}
      </select>
      <select aria-label="Time zone" data-testid="filter-tz" value={zone} onChange={(e) => onChange({ tz: e.currentTarget.value === browserZone() ? null : e.currentTarget.value })}>
        {!zoneList.includes(zone) && <option value={zone}>{zone}</option>}
        {zoneList.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </select>
      <span class="range-label muted" data-testid="range-label">
        {rangeLabel(filters.range)}
      </span>
    </div>
  );
}
