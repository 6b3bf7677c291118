// Drop-files mode: the same API answered by the wasm build of the core, in this tab.
import { ApiError, type DataSource, type Download, filenameFromDisposition, unwrap } from './source';

/** The wasm Workspace's query surface (see wasm/src/lib.rs). */
export interface Queryable {
  query(target: string, nowMs: number, zone: string): {
    status: number;
    contentType: string;
    headers: [string, string][];
    body: string;
  };
}

export class WasmSource implements DataSource {
  readonly kind = 'wasm' as const;
  private readonly workspace: Queryable;
  private readonly zone: () => string;
  private readonly now: () => number;

  constructor(workspace: Queryable, zone: () => string, now: () => number = Date.now) {
    this.workspace = workspace;
    this.zone = zone;
    this.now = now;
  }

  private answer(path: string) {
    try {
      return this.workspace.query(path, this.now(), this.zone());
    } catch (error) {
      throw new ApiError(error instanceof Error ? error.message : String(error), 'INTERNAL_ERROR', 500);
    }
  }

  async get<T>(path: string): Promise<T> {
    const reply = this.answer(path);
    return unwrap<T>(reply.status, reply.body);
  }

  async post<T>(path: string): Promise<T> {
    throw new ApiError(
      `${path} needs the native host (cc-analytics serve): this page analyses dropped files in the browser`,
      'NOT_FOUND',
      404,
    );
  }

  async download(path: string): Promise<Download> {
    const reply = this.answer(path);
    if (reply.status < 200 || reply.status >= 300) unwrap(reply.status, reply.body);
    const disposition = reply.headers.find(([name]) => name.toLowerCase() === 'content-disposition')?.[1];
    return {
      filename: filenameFromDisposition(disposition, 'cc-analytics-export.csv'),
      blob: new Blob([reply.body], { type: reply.contentType }),
    };
  }
}
