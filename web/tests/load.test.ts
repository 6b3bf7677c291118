import { describe, expect, it } from 'vitest';
import { type PickedFile, type Pushable, loadInto } from '../src/drop/load';

/** A workspace that records what it is given. */
function recorder() {
  const calls: string[] = [];
  const bytes = new Map<string, number[]>();
  const ws: Pushable = {
    push(path, chunk) {
      calls.push(`push ${path}`);
      bytes.set(path, [...(bytes.get(path) ?? []), ...chunk]);
    },
    endFile(path) {
      calls.push(`end ${path}`);
    },
    finish() {
      calls.push('finish');
      return { files: 0, lines: 0, bytes: 0, lineErrors: 0, firstErrors: [] };
    },
    setPricing() {},
  };
  return { ws, calls, bytes };
}

/** A picked file whose stream yields `chunks`, then fails if `failAfter` is set. */
function picked(path: string, chunks: string[], failAfter = false): PickedFile {
  const encoded = chunks.map((c) => new TextEncoder().encode(c));
  const size = encoded.reduce((sum, c) => sum + c.byteLength, 0);
  const file = {
    size,
    stream: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of encoded) controller.enqueue(chunk);
          if (failAfter) controller.error(new Error(`cannot read ${path}`));
          else controller.close();
        },
      }),
  } as unknown as File;
  return { file, path };
}

describe('loadInto', () => {
  it('pushes every chunk of each file in order, ends each file, then finishes', async () => {
    const { ws, calls, bytes } = recorder();
    const files = [picked('a/1.jsonl', ['{"x":', '1}\n']), picked('a/2.jsonl', []), picked('b/3.jsonl', ['z\n'])];
    const progress: number[] = [];
    await loadInto(ws, files, (p) => progress.push(p.bytesDone));
    expect(calls).toEqual([
      'push a/1.jsonl',
      'push a/1.jsonl',
      'end a/1.jsonl',
      'end a/2.jsonl',
      'push b/3.jsonl',
      'end b/3.jsonl',
      'finish',
    ]);
    expect(new TextDecoder().decode(new Uint8Array(bytes.get('a/1.jsonl') ?? []))).toBe('{"x":1}\n');
    expect(progress.at(-1)).toBe(10);
  });

  it('fails with the read error, without unhandled rejections from reads made ahead', async () => {
    const { ws, calls } = recorder();
    const files = [picked('a/1.jsonl', ['ok\n'], true), picked('a/2.jsonl', ['later\n'], true)];
    await expect(loadInto(ws, files, () => undefined)).rejects.toThrow('cannot read a/1.jsonl');
    // (A stream that errors drops its queued chunks: nothing may have been pushed.)
    expect(calls.filter((c) => !c.startsWith('push'))).toEqual([]);
  });

  it('finishes an empty pick', async () => {
    const { ws, calls } = recorder();
    await loadInto(ws, [], () => undefined);
    expect(calls).toEqual(['finish']);
  });
});
