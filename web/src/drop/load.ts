// Reading dropped transcripts into the wasm Workspace, chunk by chunk, in this tab.
import { isTranscript, transcriptPath } from './paths';

/** A file to read and the path the core sees it under. */
export interface PickedFile {
  file: File;
  path: string;
}

export interface LoadProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  current: string;
}

export interface Summary {
  files: number;
  lines: number;
  bytes: number;
  lineErrors: number;
  firstErrors: string[];
}

export interface Pushable {
  push(path: string, bytes: Uint8Array): void;
  endFile(path: string): void;
  finish(): Summary;
  setPricing(csv: string): void;
}

/** The transcripts among picked files (an <input webkitdirectory> or a plain file list). */
export function pickTranscripts(files: Iterable<File>): PickedFile[] {
  const picked: PickedFile[] = [];
  for (const file of files) {
    if (!isTranscript(file.name)) continue;
    picked.push({ file, path: transcriptPath(file.webkitRelativePath, file.name) });
  }
  return picked;
}

type Entry = FileSystemEntry;

function readAll(reader: FileSystemDirectoryReader): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const all: Entry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: Entry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    if (!isTranscript(entry.name)) return;
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path: transcriptPath(entry.fullPath, entry.name) });
  } else if (entry.isDirectory) {
    for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) await walk(child, out);
  }
}

/** The transcripts of a drop: folders are walked, files taken as they are. */
export async function droppedTranscripts(data: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(data.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null))
    .filter((entry): entry is Entry => entry !== null);
  if (entries.length === 0) return pickTranscripts(Array.from(data.files));
  const out: PickedFile[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

/** A file being read: its stream and the read already asked for. */
interface Reading {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  next: Promise<ReadableStreamReadResult<Uint8Array>>;
}

/** Opens `file` and asks for its first chunk at once. */
function startReading(file: File): Reading {
  const reader = file.stream().getReader();
  return { reader, next: quiet(reader.read()) };
}

/** `read` with its rejection kept for whoever awaits it, not reported as unhandled meanwhile. */
function quiet<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

/**
 * Streams every file into the workspace, reporting bytes as they go, then finishes. Reading runs
 * ahead of parsing: the next chunk, and the next file's first chunk, are read while the current
 * chunk is pushed, so the browser's file reads overlap the parsing.
 */
export async function loadInto(
  workspace: Pushable,
  files: PickedFile[],
  onProgress: (progress: LoadProgress) => void,
): Promise<Summary> {
  const bytesTotal = files.reduce((sum, f) => sum + f.file.size, 0);
  let bytesDone = 0;
  let lastReport = 0;
  const start = (index: number) => {
    const picked = files[index];
    return picked ? startReading(picked.file) : undefined;
  };
  let upcoming = start(0);
  for (const [index, { file, path }] of files.entries()) {
    const current = upcoming ?? startReading(file);
    upcoming = start(index + 1);
    for (;;) {
      const { done, value } = await current.next;
      if (done) break;
      current.next = quiet(current.reader.read());
      workspace.push(path, value);
      bytesDone += value.byteLength;
      const now = performance.now();
      if (now - lastReport > 50) {
        lastReport = now;
        onProgress({ filesDone: index, filesTotal: files.length, bytesDone, bytesTotal, current: path });
      }
    }
    workspace.endFile(path);
  }
  onProgress({ filesDone: files.length, filesTotal: files.length, bytesDone, bytesTotal, current: '' });
  return workspace.finish();
}

/** A fresh wasm Workspace (the module is fetched on first use only). */
export async function createWorkspace(): Promise<Pushable & import('../api/wasm').Queryable> {
  const wasm = await import('../wasm-pkg/cc_analytics_wasm.js');
  try {
    await wasm.default();
  } catch (error) {
    // The module uses WebAssembly SIMD; a browser without it cannot compile the module at all.
    if (error instanceof WebAssembly.CompileError) {
      throw new Error(
        'This browser cannot run the analysis: it needs WebAssembly SIMD (Chrome or Edge 91, Firefox 89, Safari 16.4 or later).',
      );
    }
    throw error;
  }
  return new wasm.Workspace() as unknown as Pushable & import('../api/wasm').Queryable;
}
