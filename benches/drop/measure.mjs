// Drop mode in headless Chromium: a Claude dir's `projects/` picked on the dashboard's folder
// input, timed from the input's `change` event to the painted overview; the figures on screen
// checked against `cc-analytics query … /api/analytics/overview`; the size of what the page loads.
//
//   node benches/drop/measure.mjs --corpus DIR [--bin target/release/cc-analytics] [--dist web/dist]
//        [--runs 5] [--warmup 1] [--out FILE] [--no-breakdown]
//
// Run by benches/drop.sh (which builds and generates what this needs). Uses the browser helpers
// of web/e2e/support.mjs and web's playwright-core. Exit status 1 when the page's figures differ
// from the CLI's, or the page logged an error; a missed bar is reported, not an error.
// The breakdown wraps the wasm exports and `ReadableStreamDefaultReader.read` with timers (well
// under a millisecond in all); `--no-breakdown` times the page untouched.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opts } = parseArgs({
  options: {
    corpus: { type: 'string' },
    bin: { type: 'string', default: join(REPO, 'target', 'release', 'cc-analytics') },
    dist: { type: 'string', default: join(REPO, 'web', 'dist') },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    out: { type: 'string' },
    'no-breakdown': { type: 'boolean', default: false },
  },
});
if (!opts.corpus) {
  console.error('usage: node benches/drop/measure.mjs --corpus DIR [--bin BIN] [--dist DIR] [--runs N] [--warmup N] [--out FILE] [--no-breakdown]');
  process.exit(2);
}
const runs = Number(opts.runs);
const warmup = Number(opts.warmup);
const breakdown = !opts['no-breakdown'];
const projects = join(resolve(opts.corpus), 'projects');

// support.mjs reads CC_ANALYTICS_BIN when it loads.
process.env.CC_ANALYTICS_BIN = resolve(opts.bin);
const { FIGURES, cliQuery, jsonlFiles, launchBrowser, overviewFigures, pickFigures, startStatic } = await import(
  new URL('../../web/e2e/support.mjs', import.meta.url).href
);

const log = (...a) => console.error('drop:', ...a);
const BAR_MS = 2000;
const BAR_WASM_GZ = 1_500_000;

// ---- what the page loads --------------------------------------------------------------------
const assets = join(opts.dist, 'assets');
const sizes = readdirSync(assets)
  .filter((n) => /\.(wasm|js|css)$/.test(n))
  .map((name) => {
    const bytes = readFileSync(join(assets, name));
    return { name, kind: name.split('.').pop(), raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
  });
const sum = (list, k) => list.reduce((s, x) => s + x[k], 0);
const wasmFiles = sizes.filter((s) => s.kind === 'wasm');
const jsFiles = sizes.filter((s) => s.kind === 'js');
const cssFiles = sizes.filter((s) => s.kind === 'css');
if (wasmFiles.length !== 1) throw new Error(`expected one .wasm in ${assets}, found ${wasmFiles.length}`);

// ---- the corpus and the CLI's answer ---------------------------------------------------------
const transcripts = jsonlFiles(projects);
const corpusBytes = transcripts.reduce((s, f) => s + statSync(f).size, 0);
log(`corpus ${projects}: ${transcripts.length} transcripts, ${mb(corpusBytes)}`);
const cliStarted = performance.now();
const expected = pickFigures(await cliQuery(resolve(opts.corpus), '/api/analytics/overview'));
log(`CLI overview in ${ms(performance.now() - cliStarted)}: ${JSON.stringify(expected)}`);

// ---- in the page: timestamps of the pick, the wasm calls and the painted overview -----------
// Runs before the page's own scripts. `change` is caught on the document in the capture phase,
// before the input's own handler starts reading. The overview counts as rendered in the first
// animation frame whose DOM has every figure card with its `data-value` and no loading spinner
// left; the time is taken in a message posted from that frame, which runs once it is painted.
// With `instrument`, the wasm exports are wrapped to add up the time spent in each.
function initScript({ figureIds, instrument }) {
  const B = (window.__ccDrop = { t0: null, picked: 0, files: null, ready: null, painted: null, calls: {}, instantiate: null, memory: null });
  const ready = () =>
    document.querySelector('[data-testid="page-overview"]') &&
    !document.querySelector('[data-testid="loading"]') &&
    figureIds.every((id) => document.querySelector(`[data-testid="${id}"]`)?.hasAttribute('data-value'));
  const watch = () => {
    const tick = () => {
      if (!ready()) return requestAnimationFrame(tick);
      B.ready = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => (B.painted = performance.now());
      channel.port2.postMessage(null);
    };
    requestAnimationFrame(tick);
  };
  document.addEventListener(
    'change',
    (e) => {
      const input = e.target;
      if (!(input instanceof HTMLInputElement) || input.dataset.testid !== 'drop-input' || B.t0 !== null) return;
      B.t0 = performance.now();
      B.files = input.files;
      B.picked = input.files.length;
      watch();
    },
    true,
  );
  if (!instrument) return;
  const wrap = (exports) => {
    const out = {};
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== 'function') {
        out[name] = value;
        continue;
      }
      const s = (B.calls[name] = { calls: 0, ms: 0, first: null, lastEnd: null, bytes: 0 });
      out[name] = function (...args) {
        const a = performance.now();
        try {
          return value.apply(this, args);
        } finally {
          const b = performance.now();
          s.calls += 1;
          s.ms += b - a;
          if (s.first === null) s.first = a;
          s.lastEnd = b;
          // workspace_push(self, path_ptr, path_len, bytes_ptr, bytes_len)
          if (name === 'workspace_push') s.bytes += args[4];
        }
      };
    }
    B.memory = exports.memory;
    return out;
  };
  // Time the page's loop spends waiting on Blob stream reads (call → promise settled).
  const read = ReadableStreamDefaultReader.prototype.read;
  B.reads = { calls: 0, ms: 0 };
  ReadableStreamDefaultReader.prototype.read = function () {
    const a = performance.now();
    const settle = () => {
      B.reads.calls += 1;
      B.reads.ms += performance.now() - a;
    };
    const p = read.call(this);
    p.then(settle, settle);
    return p;
  };
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async function (source, imports) {
    const start = performance.now();
    const result = await streaming.call(this, source, imports);
    B.instantiate = { start, end: performance.now() };
    return { module: result.module, instance: { exports: wrap(result.instance.exports) } };
  };
}

const server = await startStatic(opts.dist);
const browser = await launchBrowser();
const results = [];
let readAlone = null;
let failed = false;
try {
  for (let i = 0; i < warmup + runs; i++) {
    const label = i < warmup ? `warm-up ${i + 1}` : `run ${i - warmup + 1}`;
    const page = await browser.page();
    await page.addInitScript(initScript, { figureIds: Object.values(FIGURES), instrument: breakdown });
    await page.goto(`${server.url}/index.html#/overview?tz=UTC`);
    await page.locator('[data-testid="page-drop"]').waitFor();
    const pageOrigin = await page.evaluate(() => performance.timeOrigin);

    const setStart = performance.timeOrigin + performance.now();
    await page.locator('[data-testid="drop-input"]').setInputFiles(projects, { timeout: 120_000 });
    await page.waitForFunction(() => window.__ccDrop.painted !== null, null, { timeout: 300_000, polling: 100 });

    const r = await page.evaluate(() => {
      const B = window.__ccDrop;
      const measure = performance.getEntriesByName('cc-analytics:drop')[0];
      return {
        t0: B.t0,
        picked: B.picked,
        ready: B.ready,
        painted: B.painted,
        visibility: document.visibilityState,
        appMeasure: measure ? { start: measure.startTime, duration: measure.duration } : null,
        instantiate: B.instantiate,
        calls: B.calls,
        reads: B.reads ?? null,
        resources: performance
          .getEntriesByType('resource')
          .filter((e) => /\/cc_analytics_wasm[\w-]*\.(js|wasm)$/.test(e.name))
          .map((e) => ({ kind: e.name.endsWith('.wasm') ? 'wasm' : 'js', start: e.startTime, end: e.responseEnd })),
        wasmMemory: B.memory ? B.memory.buffer.byteLength : null,
        jsHeap: performance.memory ? performance.memory.usedJSHeapSize : null,
        mode: document.querySelector('[data-testid="mode"]')?.textContent ?? '',
      };
    });
    r.label = label;
    r.total = r.painted - r.t0;
    r.sincePick = pageOrigin + r.painted - setStart;
    r.beforeChange = pageOrigin + r.t0 - setStart;

    const figures = await overviewFigures(page);
    const same = JSON.stringify(figures) === JSON.stringify(expected);
    const filesOk = new RegExp(`In this browser · ${transcripts.length.toLocaleString('en-US')} files`).test(r.mode);
    if (!same || !filesOk) {
      failed = true;
      log(`${label}: the page does not match the CLI: page ${JSON.stringify(figures)} / ${r.mode}; CLI ${JSON.stringify(expected)}, ${transcripts.length} files`);
    }
    if (r.visibility !== 'visible') log(`${label}: the page was ${r.visibility} (animation frames may be throttled)`);
    log(`${label}: change → painted ${ms(r.total)} (setInputFiles → painted ${ms(r.sincePick)})${breakdown ? `, ${phaseLine(phases(r))}` : ''}`);
    if (i >= warmup) results.push(r);

    // Once, after the last run: how long Chromium takes only to read the same files through
    // Blob streams (as the page does) and as whole ArrayBuffers (one, then four files at a time),
    // with nothing done with the bytes.
    if (breakdown && i === warmup + runs - 1) {
      readAlone = await page.evaluate(async () => {
        const files = Array.from(window.__ccDrop.files).filter((f) => f.name.toLowerCase().endsWith('.jsonl'));
        const t1 = performance.now();
        let chunks = 0;
        let bytes = 0;
        for (const f of files) {
          const reader = f.stream().getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            chunks += 1;
            bytes += value.byteLength;
          }
        }
        const t2 = performance.now();
        for (const f of files) await f.arrayBuffer();
        const t3 = performance.now();
        let next = 0;
        const worker = async () => {
          while (next < files.length) await files[next++].arrayBuffer();
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
        const t4 = performance.now();
        return { stream: t2 - t1, arrayBuffer: t3 - t2, arrayBuffer4: t4 - t3, chunks, bytes };
      });
      log(`reading alone: streams ${ms(readAlone.stream)} (${readAlone.chunks} chunks), arrayBuffer() ${ms(readAlone.arrayBuffer)}, 4 at a time ${ms(readAlone.arrayBuffer4)}`);
    }
    await page.close();
  }
  if (browser.problems.length) {
    failed = true;
    log(`the page reported problems: ${browser.problems.join(' | ')}`);
  }
} finally {
  await browser.close();
  await server.close();
}

// ---- the report ------------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stat = (xs) => `${ms(median(xs))} (min ${ms(Math.min(...xs))}, max ${ms(Math.max(...xs))})`;
const totals = results.map((r) => r.total);
const med = median(totals);
const wasm = wasmFiles[0];
const lines = [
  `| measurement (${runs} run${runs === 1 ? '' : 's'} after ${warmup} warm-up) | value | bar |`,
  '| --- | --- | --- |',
  `| corpus | ${mb(corpusBytes)} in ${transcripts.length.toLocaleString('en-US')} transcripts, ${expected.totalSessions.toLocaleString('en-US')} sessions | |`,
  `| drop → rendered overview (\`change\` → painted), median | **${ms(med)}** (min ${ms(Math.min(...totals))}, max ${ms(Math.max(...totals))}) | < 2 s: ${med < BAR_MS ? 'met' : 'missed'} |`,
  `| throughput (corpus / median) | ${(corpusBytes / 1e6 / (med / 1000)).toFixed(0)} MB/s | |`,
  `| \`setInputFiles\` → painted (adds Chromium listing the folder) | ${stat(results.map((r) => r.sincePick))} | |`,
  `| wasm (${wasm.name}) | ${kb(wasm.raw)} raw, **${kb(wasm.gz)} gzipped** | < 1.5 MB gz: ${wasm.gz < BAR_WASM_GZ ? 'met' : 'missed'} |`,
  `| JS (${jsFiles.length} files) | ${kb(sum(jsFiles, 'raw'))} raw, ${kb(sum(jsFiles, 'gz'))} gzipped | |`,
  `| CSS | ${kb(sum(cssFiles, 'raw'))} raw, ${kb(sum(cssFiles, 'gz'))} gzipped | |`,
  `| page figures = \`cc-analytics query … /api/analytics/overview\` | ${failed ? 'NO' : 'yes'} (${Object.keys(expected).join(', ')}) | |`,
];
if (breakdown) {
  const ph = results.map(phases);
  const col = (k) => stat(ph.map((p) => p[k]));
  lines.push(
    '',
    `| where the time goes (median of the runs) | ms |`,
    '| --- | --- |',
    `| \`change\` → wasm module fetched, compiled, instantiated | ${col('init')} |`,
    `| · \`change\` → wasm-bindgen glue requested (picked files listed, progress bar shown) | ${col('toGlue')} |`,
    `| · glue JS fetched (request → last byte) | ${col('glue')} |`,
    `| · wasm fetched (request → last byte) | ${col('wasmFetch')} |`,
    `| · \`instantiateStreaming\` (called once the response headers are in; compiles as it downloads) | ${col('instantiate')} |`,
    `| reading and pushing the files (first push → \`finish\` called) | ${col('loop')} |`,
    `| · in \`Workspace.push\` (wasm parse + aggregate, ${ph[0].pushes} calls of ${kb(ph[0].pushBytes / Math.max(1, ph[0].pushes))} on average) | ${col('push')} |`,
    `| · in \`Workspace.endFile\` (${ph[0].endFiles} calls) | ${col('endFile')} |`,
    `| · outside wasm (${ph[0].reads} Blob stream reads) | ${col('loopOther')} |`,
    `| ·· waiting on \`reader.read()\` (call → settled; includes re-renders run meanwhile) | ${col('readWait')} |`,
    `| ·· the rest: copies into wasm memory, path strings, the loop itself | ${col('loopRest')} |`,
    `| \`Workspace.finish\` | ${col('finish')} |`,
    `| \`finish\` → overview in the DOM (${ph[0].queries} \`Workspace.query\` calls, Preact, Chart.js) | ${col('toReady')} |`,
    `| · in \`Workspace.query\` | ${col('query')} |`,
    `| DOM ready → painted | ${col('paint')} |`,
    `| the app's own \`cc-analytics:drop\` measure (\`change\` handler → \`finish\` returned) | ${stat(results.map((r) => r.appMeasure?.duration ?? NaN))} |`,
    `| wasm memory after the drop | ${mb(median(results.map((r) => r.wasmMemory ?? NaN)))} |`,
  );
  if (readAlone) {
    lines.push(
      `| reading alone, Blob streams (${readAlone.chunks} chunks), once | ${ms(readAlone.stream)} |`,
      `| reading alone, \`File.arrayBuffer()\` one file at a time, once | ${ms(readAlone.arrayBuffer)} |`,
      `| reading alone, \`File.arrayBuffer()\` 4 files at a time, once | ${ms(readAlone.arrayBuffer4)} |`,
    );
  }
}
const table = lines.join('\n');
console.log(table);
if (opts.out) writeFileSync(opts.out, `${table}\n`);
process.exit(failed ? 1 : 0);

function phases(r) {
  const c = (name) => r.calls[name] ?? { calls: 0, ms: 0, first: null, lastEnd: null, bytes: 0 };
  const push = c('workspace_push');
  const endFile = c('workspace_endFile');
  const finish = c('workspace_finish');
  const query = c('workspace_query');
  const loop = finish.first - push.first;
  const res = (kind) => r.resources.find((e) => e.kind === kind) ?? { start: NaN, end: NaN };
  const readWait = r.reads ? r.reads.ms : NaN;
  return {
    toGlue: res('js').start - r.t0,
    glue: res('js').end - res('js').start,
    wasmFetch: res('wasm').end - res('wasm').start,
    readWait,
    loopRest: loop - push.ms - endFile.ms - readWait,
    reads: r.reads ? r.reads.calls : NaN,
    init: (r.instantiate?.end ?? NaN) - r.t0,
    instantiate: r.instantiate ? r.instantiate.end - r.instantiate.start : NaN,
    loop,
    push: push.ms,
    endFile: endFile.ms,
    loopOther: loop - push.ms - endFile.ms,
    finish: finish.ms,
    toReady: r.ready - finish.lastEnd,
    query: query.ms,
    paint: r.painted - r.ready,
    pushes: push.calls,
    pushBytes: push.bytes,
    endFiles: endFile.calls,
    queries: query.calls,
  };
}

function phaseLine(p) {
  return `init ${ms(p.init)}, loop ${ms(p.loop)} (push ${ms(p.push)}, endFile ${ms(p.endFile)}, read wait ${ms(p.readWait)}, rest ${ms(p.loopRest)}), finish ${ms(p.finish)}, → DOM ${ms(p.toReady)} (query ${ms(p.query)}), paint ${ms(p.paint)}`;
}

function ms(x) {
  return Number.isFinite(x) ? (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`) : 'n/a';
}
function mb(bytes) {
  return Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : 'n/a';
}
function kb(bytes) {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}
