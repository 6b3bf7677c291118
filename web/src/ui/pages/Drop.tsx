// Drop mode: transcripts dropped or picked here are read and analysed in this tab by the wasm
// build of the core. Nothing leaves the browser.
import { useState } from 'preact/hooks';
import { errorMessage } from '../../api/source';
import { type LoadProgress, type PickedFile, type Summary, createWorkspace, droppedTranscripts, loadInto, pickTranscripts } from '../../drop/load';
import type { Queryable } from '../../api/wasm';
import { formatBytes, formatInt } from '../../format';

interface Props {
  hostAvailable: boolean;
  onLoaded: (workspace: Queryable, summary: Summary) => void;
}

export function Drop({ hostAvailable, onLoaded }: Props) {
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<LoadProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pricing, setPricing] = useState<{ name: string; text: string } | null>(null);

  const load = async (files: PickedFile[]) => {
    setError(null);
    if (files.length === 0) {
      setError('No .jsonl transcripts there. Pick your ~/.claude/projects folder (or one project folder inside it).');
      return;
    }
    setProgress({ filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal: files.reduce((s, f) => s + f.file.size, 0), current: '' });
    const started = performance.now();
    try {
      const workspace = await createWorkspace();
      if (pricing) workspace.setPricing(pricing.text);
      const summary = await loadInto(workspace, files, setProgress);
      // Kept for benchmarks: how long reading and analysing took in this tab.
      performance.measure('cc-analytics:drop', { start: started, end: performance.now() });
      onLoaded(workspace, summary);
    } catch (e) {
      setError(errorMessage(e));
      setProgress(null);
    }
  };

  const onPick = (e: Event) => {
    const files = (e.currentTarget as HTMLInputElement).files;
    if (files) void load(pickTranscripts(Array.from(files)));
  };

  const percent = progress && progress.bytesTotal ? Math.floor((100 * progress.bytesDone) / progress.bytesTotal) : 0;

  return (
    <div class="page drop" data-testid="page-drop">
      <div
        class={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          if (e.dataTransfer && !progress) void droppedTranscripts(e.dataTransfer).then(load, (err: unknown) => setError(errorMessage(err)));
        }}
      >
        <h1>Analyse your Claude Code history in this browser</h1>
        <p>
          Drop your <code>~/.claude/projects</code> folder here (or some <code>.jsonl</code> transcripts), or pick it below.
        </p>
        <label class="btn primary big">
          Choose folder…
          <input
            type="file"
            multiple
            {...{ webkitdirectory: true }}
            data-testid="drop-input"
            class="visually-hidden"
            disabled={progress !== null}
            onChange={onPick}
          />
        </label>
        <label class="link small">
          or choose files
          <input
            type="file"
            multiple
            accept=".jsonl"
            data-testid="drop-files-input"
            class="visually-hidden"
            disabled={progress !== null}
            onChange={onPick}
          />
        </label>
        <p class="muted small">
          On macOS press <kbd>⌘</kbd>
          <kbd>⇧</kbd>
          <kbd>.</kbd> in the picker to see the hidden <code>.claude</code> folder. Nothing is uploaded: the files are read and analysed on this device.
        </p>
        {progress && (
          <div class="progress-wrap" data-testid="drop-progress">
            <progress max={100} value={percent} />
            <span class="muted small">
              {percent}% · {formatInt(progress.filesDone)} / {formatInt(progress.filesTotal)} files · {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)}
            </span>
          </div>
        )}
        {error && (
          <p class="error-text" role="alert" data-testid="drop-error">
            {error}
          </p>
        )}
      </div>
      <div class="drop-extra">
        <label class="small">
          Prices (optional): a CSV with the columns of the built-in price table{' '}
          <input
            type="file"
            accept=".csv,text/csv"
            data-testid="pricing-input"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              setPricing(file ? { name: file.name, text: await file.text() } : null);
            }}
          />
        </label>
        {pricing && <span class="muted small"> using {pricing.name}</span>}
        {hostAvailable && (
          <p class="small">
            <a href="#/overview">← Back to the host's data</a>
          </p>
        )}
      </div>
    </div>
  );
}
