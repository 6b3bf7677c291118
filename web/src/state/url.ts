// The dashboard's state lives in the URL hash: `#/<page>[/<id>]?range=30d&tz=...&project=...`.
// Hash routing keeps every page reachable from a static file server at any path.
import { type DateRange, PRESETS, type Preset, browserZone, isDate, isZone, rangeBounds } from './dates';

export type Page = 'overview' | 'sessions' | 'session' | 'sync' | 'drop';

export type SortKey = 'startTime' | 'cost' | 'duration' | 'tokens';
export const SORT_KEYS: readonly SortKey[] = ['startTime', 'cost', 'duration', 'tokens'];
export type Order = 'asc' | 'desc';

export interface Filters {
  range: DateRange;
  /** The zone named in the URL; null means the browser's. */
  tz: string | null;
  project: string | null;
  model: string | null;
}

export interface Route {
  page: Page;
  sessionId: string | null;
  filters: Filters;
  sort: SortKey;
  order: Order;
  offset: number;
  limit: number;
}

export const DEFAULT_LIMIT = 25;
export const DEFAULT_PRESET: Preset = 'all';
export const DEFAULT_RANGE: DateRange = { kind: 'preset', preset: DEFAULT_PRESET };

function parseRange(params: URLSearchParams): DateRange {
  const from = params.get('from');
  const to = params.get('to');
  if (from && to && isDate(from) && isDate(to)) {
    return from <= to ? { kind: 'custom', from, to } : { kind: 'custom', from: to, to: from };
  }
  const range = params.get('range');
  if (range && (PRESETS as readonly string[]).includes(range)) return { kind: 'preset', preset: range as Preset };
  return DEFAULT_RANGE;
}

function nonNegativeInt(text: string | null, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (text === null || !/^\d+$/.test(text)) return fallback;
  const value = Number.parseInt(text, 10);
  return value <= max ? value : fallback;
}

/** Reads a location hash (with or without the leading `#`). */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = raw.split(/\?(.*)/s, 2);
  const params = new URLSearchParams(queryPart);
  const segments = pathPart.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  let page: Page = 'overview';
  let sessionId: string | null = null;
  const [first, second] = segments;
  if (first === 'sessions' && second) {
    page = 'session';
    sessionId = second;
  } else if (first === 'sessions' || first === 'sync' || first === 'drop' || first === 'overview') {
    page = first;
  }
  const tz = params.get('tz');
  const sort = params.get('sort');
  const order = params.get('order');
  return {
    page,
    sessionId,
    filters: {
      range: parseRange(params),
      tz: tz && isZone(tz) ? tz : null,
      project: params.get('project') || null,
      model: params.get('model') || null,
    },
    sort: sort && (SORT_KEYS as readonly string[]).includes(sort) ? (sort as SortKey) : 'startTime',
    order: order === 'asc' ? 'asc' : 'desc',
    offset: nonNegativeInt(params.get('offset'), 0),
    limit: Math.max(1, nonNegativeInt(params.get('limit'), DEFAULT_LIMIT, 1000)),
  };
}

/** Writes a route as a hash; default values are left out so URLs stay short. */
export function formatHash(route: Route): string {
  const path =
    route.page === 'session' && route.sessionId
      ? `/sessions/${encodeURIComponent(route.sessionId)}`
      : route.page === 'session'
        ? '/sessions'
        : `/${route.page}`;
  const params = new URLSearchParams();
  const { range, tz, project, model } = route.filters;
  if (range.kind === 'custom') {
    params.set('from', range.from);
    params.set('to', range.to);
  } else if (range.preset !== DEFAULT_PRESET) {
    params.set('range', range.preset);
  }
  if (tz) params.set('tz', tz);
  if (project) params.set('project', project);
  if (model) params.set('model', model);
  if (route.page === 'sessions') {
    if (route.sort !== 'startTime') params.set('sort', route.sort);
    if (route.order !== 'desc') params.set('order', route.order);
    if (route.offset) params.set('offset', String(route.offset));
    if (route.limit !== DEFAULT_LIMIT) params.set('limit', String(route.limit));
  }
  const query = params.toString();
  return `#${path}${query ? `?${query}` : ''}`;
}

/** The zone the API is asked to use: the URL's, else the browser's. */
export function effectiveZone(filters: Filters, fallback: () => string = browserZone): string {
  return filters.tz ?? fallback();
}

/** The API's common query parameters (dateFrom, dateTo, tz, project, model) for the filters. */
export function apiParams(filters: Filters, nowMs: number, fallbackZone: () => string = browserZone): URLSearchParams {
  const zone = effectiveZone(filters, fallbackZone);
  const params = new URLSearchParams();
  const { dateFrom, dateTo } = rangeBounds(filters.range, nowMs, zone);
  if (dateFrom) params.set('dateFrom', dateFrom);
  if (dateTo) params.set('dateTo', dateTo);
  params.set('tz', zone);
  if (filters.project) params.set('project', filters.project);
  if (filters.model) params.set('model', filters.model);
  return params;
}

/** An API path with the filters' parameters plus `extra`. */
export function apiPath(
  path: string,
  filters: Filters,
  nowMs: number,
  extra: Record<string, string | number> = {},
  fallbackZone: () => string = browserZone,
): string {
  const params = apiParams(filters, nowMs, fallbackZone);
  for (const [key, value] of Object.entries(extra)) params.set(key, String(value));
  return `${path}?${params.toString()}`;
}

/** The sessions list query (page, sort) for a route. */
export function sessionsPath(route: Route, nowMs: number, fallbackZone: () => string = browserZone): string {
  return apiPath(
    '/api/analytics/sessions',
    route.filters,
    nowMs,
    { limit: route.limit, offset: route.offset, sort: route.sort, order: route.order },
    fallbackZone,
  );
}

/** The CSV export of every session matching the filters (no paging). */
export function exportPath(route: Route, nowMs: number, fallbackZone: () => string = browserZone): string {
  return apiPath(
    '/api/analytics/export',
    route.filters,
    nowMs,
    { format: 'csv', entity: 'sessions', sort: route.sort, order: route.order },
    fallbackZone,
  );
}

/** A route with some fields changed; filter changes go back to the first page. */
export function withRoute(route: Route, change: Partial<Omit<Route, 'filters'>> & { filters?: Partial<Filters> }): Route {
  const filters = change.filters ? { ...route.filters, ...change.filters } : route.filters;
  const resetsPaging = change.filters !== undefined || change.sort !== undefined || change.order !== undefined;
  return {
    ...route,
    ...change,
    filters,
    offset: change.offset ?? (resetsPaging ? 0 : route.offset),
  };
}
