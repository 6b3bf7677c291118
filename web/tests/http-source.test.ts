import { describe, expect, it, vi } from 'vitest';
import { HttpSource, apiBase } from '../src/api/http';
import { ApiError, filenameFromDisposition, unwrap } from '../src/api/source';

function fakeFetch(status: number, body: string, headers: Record<string, string> = {}) {
  return vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => new Response(body, { status, headers }));
}

describe('HttpSource', () => {
  it('unwraps the success envelope', async () => {
    const fetch = fakeFetch(200, '{"success":true,"data":{"totalSessions":8,"totalCost":9.278057}}');
    const source = new HttpSource('', fetch);
    await expect(source.get('/api/analytics/overview')).resolves.toEqual({ totalSessions: 8, totalCost: 9.278057 });
    expect(fetch).toHaveBeenCalledWith('/api/analytics/overview', expect.anything());
  });

  it('turns the error envelope into an ApiError with message, code and details', async () => {
    const body =
      '{"success":false,"error":{"message":"dateFrom must be an ISO 8601 date","code":"VALIDATION_ERROR","details":{"field":"dateFrom"}}}';
    const source = new HttpSource('', fakeFetch(400, body));
    const error = await source.get('/api/analytics/overview?dateFrom=bad').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      message: 'dateFrom must be an ISO 8601 date',
      code: 'VALIDATION_ERROR',
      status: 400,
      details: { field: 'dateFrom' },
    });
  });

  it('reports a 404 without JSON as NOT_FOUND', async () => {
    const source = new HttpSource('', fakeFetch(404, '<html>not here</html>'));
    await expect(source.get('/api/health')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('reports an unreachable server as NETWORK_ERROR naming the base', async () => {
    const source = new HttpSource('http://127.0.0.1:3001/', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(source.get('/api/health')).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      message: expect.stringContaining('http://127.0.0.1:3001'),
    });
  });

  it('prefixes paths with the configured base URL', async () => {
    const fetch = fakeFetch(200, '{"success":true,"data":[]}');
    await new HttpSource('http://127.0.0.1:3999///', fetch).get('/api/analytics/daily-usage?tz=UTC');
    expect(fetch.mock.calls[0]?.[0]).toBe('http://127.0.0.1:3999/api/analytics/daily-usage?tz=UTC');
  });

  it('posts JSON bodies and reads 202 answers', async () => {
    const fetch = fakeFetch(202, '{"success":true,"data":{"started":true,"syncId":"x","message":"Synchronization started"}}');
    const started = await new HttpSource('', fetch).post('/api/sync/run', { incremental: false, dryRun: true });
    expect(started).toMatchObject({ started: true });
    const init = fetch.mock.calls[0]?.[1];
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{"incremental":false,"dryRun":true}');
  });

  it('downloads a CSV with the filename from Content-Disposition', async () => {
    const fetch = fakeFetch(200, 'id,cost\nabc,1.5\n', {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="cc-analytics-sessions-2025-06-14-2026-04-18.csv"',
    });
    const file = await new HttpSource('', fetch).download('/api/analytics/export?format=csv&entity=sessions');
    expect(file.filename).toBe('cc-analytics-sessions-2025-06-14-2026-04-18.csv');
    expect(await file.blob.text()).toBe('id,cost\nabc,1.5\n');
  });

  it('throws the API error of a failed download', async () => {
    const body = '{"success":false,"error":{"message":"unknown time zone","code":"VALIDATION_ERROR","details":{"field":"tz"}}}';
    await expect(new HttpSource('', fakeFetch(400, body)).download('/api/analytics/export')).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });
});

describe('envelope helpers', () => {
  it('apiBase trims spaces and trailing slashes', () => {
    expect(apiBase(undefined)).toBe('');
    expect(apiBase(' http://host:1/ ')).toBe('http://host:1');
  });

  it('rejects JSON that is not an envelope', () => {
    expect(() => unwrap(200, '[1,2]')).toThrow(ApiError);
  });

  it('keeps a default message and code for odd error envelopes', () => {
    expect(() => unwrap(500, '{"success":false}')).toThrow(/Request failed \(500\)/);
  });

  it('reads both filename forms of Content-Disposition', () => {
    expect(filenameFromDisposition('attachment; filename="a b.csv"', 'x')).toBe('a b.csv');
    expect(filenameFromDisposition("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.csv", 'x')).toBe('résumé.csv');
    expect(filenameFromDisposition('attachment; filename=plain.csv', 'x')).toBe('plain.csv');
    expect(filenameFromDisposition(null, 'fallback.csv')).toBe('fallback.csv');
  });
});
