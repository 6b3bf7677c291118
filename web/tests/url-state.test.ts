import { describe, expect, it } from 'vitest';
import { addDays, dateInZone, isDate, rangeBounds, rangeLabel } from '../src/state/dates';
import { apiParams, exportPath, formatHash, parseHash, sessionsPath, withRoute } from '../src/state/url';

// 2026-04-18T23:30:00Z: still the 18th in UTC, already the 19th in Berlin, the 18th in New York.
const NOW = Date.UTC(2026, 3, 18, 23, 30);
const zone = () => 'UTC';

describe('date presets with a fixed clock', () => {
  it('ends presets today in the zone and includes today', () => {
    expect(rangeBounds({ kind: 'preset', preset: '7d' }, NOW, 'UTC')).toEqual({ dateFrom: '2026-04-12', dateTo: '2026-04-18' });
    expect(rangeBounds({ kind: 'preset', preset: '7d' }, NOW, 'Europe/Berlin')).toEqual({ dateFrom: '2026-04-13', dateTo: '2026-04-19' });
    expect(rangeBounds({ kind: 'preset', preset: '30d' }, NOW, 'America/New_York')).toEqual({ dateFrom: '2026-03-20', dateTo: '2026-04-18' });
    expect(rangeBounds({ kind: 'preset', preset: '90d' }, NOW, 'UTC')).toEqual({ dateFrom: '2026-01-19', dateTo: '2026-04-18' });
  });

  it('leaves all time unbounded and custom ranges as given', () => {
    expect(rangeBounds({ kind: 'preset', preset: 'all' }, NOW, 'UTC')).toEqual({});
    expect(rangeBounds({ kind: 'custom', from: '2025-01-01', to: '2025-01-31' }, NOW, 'UTC')).toEqual({ dateFrom: '2025-01-01', dateTo: '2025-01-31' });
  });

  it('does calendar arithmetic across months, years and leap days', () => {
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(dateInZone(NOW, 'Asia/Tokyo')).toBe('2026-04-19');
    expect(isDate('2025-02-29')).toBe(false);
    expect(isDate('2024-02-29')).toBe(true);
  });

  it('labels ranges', () => {
    expect(rangeLabel({ kind: 'preset', preset: '30d' })).toBe('Last 30 days');
    expect(rangeLabel({ kind: 'custom', from: '2025-01-01', to: '2025-01-31' })).toBe('Jan 1, 2025 – Jan 31, 2025');
  });
});

describe('URL state', () => {
  it('reads defaults from an empty hash', () => {
    const route = parseHash('');
    expect(route.page).toBe('overview');
    expect(route.filters).toEqual({ range: { kind: 'preset', preset: 'all' }, tz: null, project: null, model: null });
    expect(formatHash(route)).toBe('#/overview');
  });

  it('round-trips a sessions route with every parameter', () => {
    const hash = '#/sessions?from=2026-01-01&to=2026-01-31&tz=Europe%2FBerlin&project=%2Fhome%2Fme%2Fapp&model=claude-opus-4-7&sort=cost&order=asc&offset=50&limit=50';
    const route = parseHash(hash);
    expect(route).toMatchObject({
      page: 'sessions',
      filters: { range: { kind: 'custom', from: '2026-01-01', to: '2026-01-31' }, tz: 'Europe/Berlin', project: '/home/me/app', model: 'claude-opus-4-7' },
      sort: 'cost',
      order: 'asc',
      offset: 50,
      limit: 50,
    });
    expect(parseHash(formatHash(route))).toEqual(route);
  });

  it('reads session ids and presets, ignores invalid values', () => {
    const route = parseHash('#/sessions/ef958aa1-0e93?range=7d&tz=Mars%2FOlympus&sort=bogus&offset=-3&limit=0');
    expect(route.page).toBe('session');
    expect(route.sessionId).toBe('ef958aa1-0e93');
    expect(route.filters.range).toEqual({ kind: 'preset', preset: '7d' });
    expect(route.filters.tz).toBeNull();
    expect(route.sort).toBe('startTime');
    expect(route.offset).toBe(0);
    expect(route.limit).toBe(1);
    expect(formatHash(route)).toBe('#/sessions/ef958aa1-0e93?range=7d');
  });

  it('swaps a reversed custom range and ignores impossible dates', () => {
    expect(parseHash('#/?from=2026-02-01&to=2026-01-01').filters.range).toEqual({ kind: 'custom', from: '2026-01-01', to: '2026-02-01' });
    expect(parseHash('#/?from=2026-02-30&to=2026-03-01&range=90d').filters.range).toEqual({ kind: 'preset', preset: '90d' });
  });

  it('maps filters to the API parameters', () => {
    const route = parseHash('#/overview?range=7d&tz=Europe%2FBerlin&project=p&model=m');
    expect(Object.fromEntries(apiParams(route.filters, NOW, zone))).toEqual({
      dateFrom: '2026-04-13',
      dateTo: '2026-04-19',
      tz: 'Europe/Berlin',
      project: 'p',
      model: 'm',
    });
    // Without tz in the URL the browser's zone is used.
    expect(Object.fromEntries(apiParams(parseHash('#/').filters, NOW, () => 'Asia/Tokyo'))).toEqual({ tz: 'Asia/Tokyo' });
  });

  it('builds the sessions page and export paths', () => {
    const route = parseHash('#/sessions?range=30d&sort=tokens&offset=25');
    expect(sessionsPath(route, NOW, zone)).toBe(
      '/api/analytics/sessions?dateFrom=2026-03-20&dateTo=2026-04-18&tz=UTC&limit=25&offset=25&sort=tokens&order=desc',
    );
    expect(exportPath(route, NOW, zone)).toBe(
      '/api/analytics/export?dateFrom=2026-03-20&dateTo=2026-04-18&tz=UTC&format=csv&entity=sessions&sort=tokens&order=desc',
    );
  });

  it('goes back to the first page when filters or sorting change', () => {
    const route = parseHash('#/sessions?offset=50');
    expect(withRoute(route, { filters: { model: 'x' } }).offset).toBe(0);
    expect(withRoute(route, { sort: 'cost' }).offset).toBe(0);
    expect(withRoute(route, { offset: 75 }).offset).toBe(75);
    expect(withRoute(route, { page: 'overview' }).offset).toBe(50);
  });
});
