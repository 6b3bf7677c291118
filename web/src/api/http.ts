// The native host's API over HTTP: same origin by default, or VITE_API_BASE_URL.
import { ApiError, type DataSource, type Download, filenameFromDisposition, unwrap } from './source';

type Fetch = typeof fetch;

/** The API base URL without a trailing slash: '' means the page's own origin. */
export function apiBase(configured: string | undefined): string {
  const base = (configured ?? '').trim();
  return base.replace(/\/+$/, '');
}

export class HttpSource implements DataSource {
  readonly kind = 'http' as const;
  readonly base: string;
  private readonly fetchImpl: Fetch;

  constructor(base: string, fetchImpl: Fetch = (...args) => globalThis.fetch(...args)) {
    this.base = apiBase(base);
    this.fetchImpl = fetchImpl;
  }

  url(path: string): string {
    return `${this.base}${path.startsWith('/') ? path : `/${path}`}`;
  }

  private async request(path: string, init?: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(this.url(path), { ...init, headers: { Accept: 'application/json', ...init?.headers } });
    } catch (error) {
      throw new ApiError(
        `Cannot reach the cc-analytics server${this.base ? ` at ${this.base}` : ''}: ${error instanceof Error ? error.message : String(error)}`,
        'NETWORK_ERROR',
        0,
      );
    }
  }

  async get<T>(path: string): Promise<T> {
    const response = await this.request(path);
    return unwrap<T>(response.status, await response.text());
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    const response = await this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? '' : JSON.stringify(body),
    });
    return unwrap<T>(response.status, await response.text());
  }

  async download(path: string): Promise<Download> {
    const response = await this.request(path);
    if (!response.ok) unwrap(response.status, await response.text());
    const blob = await response.blob();
    return { filename: filenameFromDisposition(response.headers.get('content-disposition'), 'cc-analytics-export.csv'), blob };
  }

  /** The live event stream (sync progress, data changes). */
  events(): EventSource {
    return new EventSource(this.url('/api/events'));
  }
}
