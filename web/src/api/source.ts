// The one interface the pages read data through: the native host over HTTP, or the wasm
// analysis of dropped files. Both answer API paths with the API's envelope; this module unwraps it.

export type SourceKind = 'http' | 'wasm';

export interface Download {
  filename: string;
  blob: Blob;
}

export interface DataSource {
  readonly kind: SourceKind;
  /** GET an API path (with query string); resolves to the envelope's `data`, throws ApiError. */
  get<T>(path: string): Promise<T>;
  /** POST a JSON body (host only). */
  post<T>(path: string, body?: unknown): Promise<T>;
  /** GET a file answer (CSV export): its bytes and the filename from Content-Disposition. */
  download(path: string): Promise<Download>;
}

/** An error answer of the API, or a failure to reach it. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, code: string, status: number, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

interface Envelope {
  success: boolean;
  data?: unknown;
  error?: { message?: unknown; code?: unknown; details?: unknown };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `data` of a success envelope, or the ApiError of an error envelope (or of a non-envelope). */
export function unwrap<T>(status: number, bodyText: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    throw new ApiError(
      status >= 200 && status < 300
        ? 'The server answered with something other than JSON'
        : `The server answered ${status} without an API error`,
      status === 404 ? 'NOT_FOUND' : 'BAD_RESPONSE',
      status,
    );
  }
  if (!isObject(parsed) || typeof parsed.success !== 'boolean') {
    throw new ApiError('The server answered JSON that is not an API envelope', 'BAD_RESPONSE', status);
  }
  const envelope = parsed as unknown as Envelope;
  if (envelope.success) return envelope.data as T;
  const error = isObject(envelope.error) ? envelope.error : {};
  const message = typeof error.message === 'string' ? error.message : `Request failed (${status})`;
  const code = typeof error.code === 'string' ? error.code : 'UNKNOWN_ERROR';
  const details = isObject(error.details) ? error.details : undefined;
  throw new ApiError(message, code, status, details);
}

/** The filename of a `Content-Disposition: attachment; filename="..."` header. */
export function filenameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through to the plain form */
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
  const name = plain?.[2] ?? plain?.[1]?.trim();
  return name ? name : fallback;
}

/** A readable line for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
