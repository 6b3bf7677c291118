import { describe, expect, it } from 'vitest';
import { type Queryable, WasmSource } from '../src/api/wasm';

function workspace(answer: ReturnType<Queryable['query']>) {
  const calls: [string, number, string][] = [];
  const ws: Queryable = {
    query(target, nowMs, zone) {
      calls.push([target, nowMs, zone]);
      return answer;
    },
  };
  return { ws, calls };
}

describe('WasmSource', () => {
  it('queries with the clock and zone and unwraps the envelope', async () => {
    const { ws, calls } = workspace({ status: 200, contentType: 'application/json', headers: [], body: '{"success":true,"data":{"totalSessions":3}}' });
    const source = new WasmSource(ws, () => 'Europe/Berlin', () => 1_700_000_000_000);
    await expect(source.get('/api/analytics/overview?tz=Europe/Berlin')).resolves.toEqual({ totalSessions: 3 });
    expect(calls).toEqual([['/api/analytics/overview?tz=Europe/Berlin', 1_700_000_000_000, 'Europe/Berlin']]);
  });

  it('answers sync paths with the NOT_FOUND message of the core', async () => {
    const body = '{"success":false,"error":{"message":"Not available here: sync needs the native host","code":"NOT_FOUND","details":{}}}';
    const { ws } = workspace({ status: 404, contentType: 'application/json', headers: [], body });
    const source = new WasmSource(ws, () => 'UTC');
    await expect(source.get('/api/sync/status')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(source.post('/api/sync/run')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('builds a download from the answer body and Content-Disposition', async () => {
    const { ws } = workspace({
      status: 200,
      contentType: 'text/csv; charset=utf-8',
      headers: [['Content-Disposition', 'attachment; filename="cc-analytics-sessions-2026-01-01-2026-01-31.csv"']],
      body: 'id\nabc\n',
    });
    const file = await new WasmSource(ws, () => 'UTC').download('/api/analytics/export?format=csv&entity=sessions');
    expect(file.filename).toBe('cc-analytics-sessions-2026-01-01-2026-01-31.csv');
    expect(file.blob.type).toBe('text/csv; charset=utf-8');
    expect(await file.blob.text()).toBe('id\nabc\n');
  });
});
