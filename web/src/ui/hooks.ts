// Loading API data for a page: re-fetched when the path, the source or the refresh tick changes.
import { useEffect, useState } from 'preact/hooks';
import type { DataSource } from '../api/source';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
}

export function useApi<T>(source: DataSource, path: string | null, refresh: number): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: path !== null });
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setState((previous) => ({ data: previous.data, error: null, loading: true }));
    source.get<T>(path).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: unknown) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [source, path, refresh]);
  return state;
}
