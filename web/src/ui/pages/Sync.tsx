// Sync (host only): status, what is pending, running a sync with live progress, reset, and the
// database's size.
import { useEffect, useState } from 'preact/hooks';
import type { DataSource } from '../../api/source';
import type { SyncPreview, SyncStarted, SyncStats, SyncStatus } from '../../api/types';
import { formatBytes, formatDateTime, formatDay, formatInt, formatMillis, plural } from '../../format';
import { Card, Empty, ErrorBox, Loading, Panel } from '../components/common';
import { useApi } from '../hooks';

interface Props {
  source: DataSource;
  zone: string;
  refresh: number;
  live: SyncStatus | null;
}

export function Sync({ source, zone, refresh, live }: Props) {
  const [tick, setTick] = useState(0);
  const status = useApi<SyncStatus>(source, source.kind === 'http' ? '/api/sync/status' : null, refresh + tick);
  const preview = useApi<SyncPreview>(source, source.kind === 'http' ? '/api/sync/preview' : null, refresh + tick);
  const stats = useApi<SyncStats>(source, source.kind === 'http' ? '/api/sync/stats' : null, refresh + tick);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [full, setFull] = useState(false);
  const [dryRun, setDryRun] = useState(false);

  // A finished sync (from the event stream) refreshes the panels.
  useEffect(() => {
    if (live && !live.isRunning) setTick((t) => t + 1);
  }, [live?.isRunning, live?.syncId]);

  if (source.kind !== 'http') {
    return (
      <Empty title="Sync needs the native host" testid="sync-unavailable">
        <p>This page analyses dropped files in your browser; nothing is stored. Run <code>cc-analytics serve</code> to keep a database of your history.</p>
      </Empty>
    );
  }

  const current = live ?? status.data;
  const running = current?.isRunning ?? false;
  const progress = current?.progress ?? null;

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await source.post<SyncStarted>('/api/sync/run', { incremental: !full, dryRun });
      setNote(`${answer.message}${dryRun ? ' (dry run: nothing is stored)' : ''}`);
      setTick((t) => t + 1);
      // Then how it ended: the status panel shows a real run's figures, the note a dry run's.
      let ended = await source.get<SyncStatus>('/api/sync/status');
      while (ended.isRunning) {
        await new Promise((done) => setTimeout(done, 400));
        ended = await source.get<SyncStatus>('/api/sync/status');
      }
      setNote(dryRun ? dryRunNote(ended, answer.syncId) : null);
      setTick((t) => t + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const reset = async () => {
    if (!window.confirm('Forget file positions? The next sync re-reads every file; stored sessions stay.')) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await source.post<{ message: string }>('/api/sync/reset');
      setNote(answer.message);
      setTick((t) => t + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page sync" data-testid="page-sync">
      {error !== null && <ErrorBox error={error} />}
      <Panel title="Status" testid="sync-status">
        {status.error ? (
          <ErrorBox error={status.error} />
        ) : !current ? (
          <Loading />
        ) : (
          <>
            <div class="sync-state">
              <span class={`badge ${running ? 'live' : 'ok'}`} data-testid="sync-state">
                {running ? 'running' : 'idle'}
              </span>
              <span>
                Last sync {current.lastSync ? formatDateTime(current.lastSync, zone) : 'never'}
                {current.lastSync && <span class="muted"> · took {formatMillis(current.lastSyncDuration)}</span>}
              </span>
            </div>
            {current.lastSync && (
              <p class="muted">
                {formatInt(current.lastSyncStats.filesProcessed)} files read · {formatInt(current.lastSyncStats.sessionsAdded)} sessions and {formatInt(current.lastSyncStats.messagesAdded)} messages added · {formatInt(current.lastSyncStats.errors)} line errors
              </p>
            )}
            {current.lastError && <p class="error-text">Last error: {current.lastError}</p>}
            {running && progress && (
              <div class="progress-wrap" data-testid="sync-progress">
                <progress max={Math.max(1, progress.bytesTotal)} value={progress.bytesDone} />
                <span class="muted small">
                  {formatInt(progress.filesDone)} / {formatInt(progress.filesTotal)} files · {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)}
                </span>
              </div>
            )}
          </>
        )}
        <div class="sync-controls">
          <label>
            <input type="checkbox" checked={full} onChange={(e) => setFull(e.currentTarget.checked)} data-testid="sync-full" /> Full (re-read every file)
          </label>
          <label>
            <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} data-testid="sync-dry-run" /> Dry run (store nothing)
          </label>
          <button class="btn primary" onClick={run} disabled={busy || running} data-testid="sync-run">
            {running ? 'Syncing…' : 'Sync now'}
          </button>
          <button class="btn danger" onClick={reset} disabled={busy || running} data-testid="sync-reset">
            Reset
          </button>
        </div>
        {note && <p class="muted small" data-testid="sync-note">{note}</p>}
      </Panel>

      <div class="grid two">
        <Panel title="Pending changes" testid="sync-preview">
          {preview.error ? (
            <ErrorBox error={preview.error} />
          ) : !preview.data ? (
            <Loading />
          ) : preview.data.totalPendingFiles === 0 ? (
            <p class="muted">Up to date: no new, grown or rewritten files.</p>
          ) : (
            <>
              <p>
                {formatInt(preview.data.totalPendingFiles)} files · about {formatInt(preview.data.estimatedNewSessions)} sessions and {formatInt(preview.data.estimatedNewMessages)} messages
              </p>
              <ul class="file-list">
                {preview.data.pendingFiles.slice(0, 20).map((f) => (
                  <li key={f.path}>
                    <span class="mono small">{f.path}</span>
                    <span class="muted small"> · {f.estimatedMessages} messages</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </Panel>
        <Panel title="Database" testid="sync-db-stats">
          {stats.error ? (
            <ErrorBox error={stats.error} />
          ) : !stats.data ? (
            <Loading />
          ) : (
            <div class="cards compact">
              <Card label="Sessions" value={formatInt(stats.data.totalSessions)} raw={stats.data.totalSessions} />
              <Card label="Messages" value={formatInt(stats.data.totalMessages)} raw={stats.data.totalMessages} />
              <Card label="Size" value={stats.data.databaseSize} raw={stats.data.databaseSizeBytes} />
              <Card label="Keeps" value={stats.data.retentionDays === null ? 'forever' : `${stats.data.retentionDays} days`} />
              <Card label="Oldest" value={formatDay(stats.data.oldestSession, zone)} />
              <Card label="Newest" value={formatDay(stats.data.newestSession, zone)} />
            </div>
          )}
        </Panel>
      </div>
    </div>
  );
}

/** What a finished dry run would have done, from the status that followed it. */
function dryRunNote(status: SyncStatus, syncId: string): string {
  const dry = status.lastDryRun;
  if (!dry || dry.syncId !== syncId) return 'Dry run finished: nothing was stored.';
  if (dry.error) return `Dry run failed: ${dry.error}. Nothing was stored.`;
  const { filesProcessed, sessionsAdded, messagesAdded, errors } = dry.stats;
  if (filesProcessed === 0) return 'Dry run finished: every transcript is up to date, so a sync would add nothing. Nothing was stored.';
  return `Dry run finished: a sync would read ${plural(filesProcessed, 'file')}, adding ${plural(sessionsAdded, 'session')} and ${plural(messagesAdded, 'message')}, with ${plural(errors, 'line error')}. Nothing was stored.`;
}
