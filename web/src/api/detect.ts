// Which data source the page starts with: the native host when its API answers, else drop mode.
import { HttpSource } from './http';
import type { Health } from './types';

export interface Detected {
  host: HttpSource | null;
  health: Health | null;
}

/** Tries `${base}/api/health` once, with a short time limit. */
export async function detectHost(base: string, timeoutMs = 4000): Promise<Detected> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const source = new HttpSource(base, (input, init) => fetch(input, { ...init, signal: controller.signal }));
  try {
    const health = await source.get<Health>('/api/health');
    if (health && typeof health === 'object' && typeof health.status === 'string') {
      return { host: new HttpSource(base), health };
    }
  } catch {
    /* no host: drop mode */
  } finally {
    clearTimeout(timer);
  }
  return { host: null, health: null };
}
