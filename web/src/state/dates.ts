// Date range presets and time zones. "Now" and the zone are parameters, so tests fix the clock.

import { formatCalendarDate } from '../format';

export type Preset = '7d' | '30d' | '90d' | 'all';
export const PRESETS: readonly Preset[] = ['7d', '30d', '90d', 'all'];

export type DateRange = { kind: 'preset'; preset: Preset } | { kind: 'custom'; from: string; to: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date `YYYY-MM-DD` that exists. */
export function isDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Whether `zone` is an IANA zone this browser knows. */
export function isZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The browser's zone (UTC when it has none). */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The calendar date of the instant `nowMs` in `zone`, as `YYYY-MM-DD`. */
export function dateInZone(nowMs: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(nowMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** `date` plus `days` (negative: minus), as `YYYY-MM-DD`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The API's date bounds for a range: presets end today (in `zone`) and include it. */
export function rangeBounds(range: DateRange, nowMs: number, zone: string): { dateFrom?: string; dateTo?: string } {
  if (range.kind === 'custom') return { dateFrom: range.from, dateTo: range.to };
  if (range.preset === 'all') return {};
  const days = Number.parseInt(range.preset, 10);
  const today = dateInZone(nowMs, zone);
  return { dateFrom: addDays(today, -(days - 1)), dateTo: today };
}

/** A short label for a range, for headings. */
export function rangeLabel(range: DateRange): string {
  if (range.kind === 'custom') return `${formatCalendarDate(range.from)} – ${formatCalendarDate(range.to)}`;
  switch (range.preset) {
    case '7d':
      return 'Last 7 days';
    case '30d':
      return 'Last 30 days';
    case '90d':
      return 'Last 90 days';
    default:
      return 'All time';
  }
}
