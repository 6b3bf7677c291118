// Number, time and name formatting for display. The API's exact numbers stay in data-value
// attributes and titles; these are for reading.

const LOCALE = 'en-US';
const grouped = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

/** US dollars: cents from one cent up, four decimals below (per-response costs are small). */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd)) return '–';
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs === 0) return '$0.00';
  if (abs < 0.01) return `${sign}$${abs.toFixed(4)}`;
  return `${sign}$${new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(abs)}`;
}

/** US dollars to the API's six decimals, for tooltips. */
export function formatCostExact(usd: number): string {
  if (!Number.isFinite(usd)) return '–';
  return `${usd < 0 ? '-' : ''}$${Math.abs(usd).toFixed(6)}`;
}

/** A whole number with thousands separators. */
export function formatInt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return grouped.format(Math.round(n));
}

/** A token count, compact: 950, 73.9K, 8.43M, 1.2B. */
export function formatTokens(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  const scaled = (value: number, unit: string) => {
    const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
    return `${sign}${Number(value.toFixed(digits))}${unit}`;
  };
  if (abs >= 1e9) return scaled(abs / 1e9, 'B');
  if (abs >= 1e6) return scaled(abs / 1e6, 'M');
  if (abs >= 1e4) return scaled(abs / 1e3, 'K');
  return `${sign}${grouped.format(abs)}`;
}

/** A duration in whole seconds: 45s, 1m 52s, 2h 42m, 3d 4h. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return s % 60 ? `${minutes}m ${s % 60}s` : `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}

/** Milliseconds, for sync timings: 94 ms, 1.2 s. */
export function formatMillis(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A percentage as the API gives it (already ×100), one decimal. */
export function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) return '–';
  return `${percent.toFixed(1)}%`;
}

/** Bytes: 512 B, 1.5 KB, 45.6 MB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

function zoned(iso: string, zone: string, options: Intl.DateTimeFormatOptions): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: zone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: 'UTC' }).format(date);
  }
}

/** "Apr 18, 2026, 15:09" in `zone`. */
export function formatDateTime(iso: string | null | undefined, zone: string): string {
  if (!iso) return '–';
  return zoned(iso, zone, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/** "15:09:30" in `zone`. */
export function formatTime(iso: string, zone: string): string {
  return zoned(iso, zone, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

/** "Apr 18, 2026" in `zone`. */
export function formatDay(iso: string | null | undefined, zone: string): string {
  if (!iso) return '–';
  return zoned(iso, zone, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "Apr 18" for a calendar date `YYYY-MM-DD` (no zone: it is already a day). */
export function formatCalendarDay(date: string): string {
  return calendar(date, { month: 'short', day: 'numeric' });
}

/** A calendar date `YYYY-MM-DD` with its year: `Sep 30, 2025`. */
export function formatCalendarDate(date: string): string {
  return calendar(date, { year: 'numeric', month: 'short', day: 'numeric' });
}

function calendar(date: string, parts: Intl.DateTimeFormatOptions): string {
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return date;
  return new Intl.DateTimeFormat(LOCALE, { ...parts, timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** A friendly model name: claude-opus-4-7 → Opus 4.7, claude-3-5-sonnet-20241022 → Sonnet 3.5. */
export function shortModel(model: string | null | undefined): string {
  if (!model) return '–';
  const id = model.replace(/^claude-/, '').replace(/-\d{8}$/, '');
  const family = /(opus|sonnet|haiku)/.exec(id)?.[1];
  if (!family) return model;
  const version = id
    .replace(family, '')
    .split('-')
    .filter((part) => /^\d+$/.test(part))
    .join('.');
  const name = family[0]!.toUpperCase() + family.slice(1);
  return version ? `${name} ${version}` : name;
}

/** The last part of a project path, for tight spaces. */
export function projectName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const last = trimmed.split(/[\\/]/).pop();
  return last || path;
}

/** The text cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/** `1 error`, `2 errors`: a count and its noun. */
export function plural(n: number, word: string): string {
  return `${formatInt(n)} ${word}${n === 1 ? '' : 's'}`;
}
