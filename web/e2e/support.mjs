// Shared helpers of the browser end-to-end tests: the built program and dashboard, a real
// `cc-analytics serve`, a static file server for drop mode, headless Chromium, deadlines.
import { spawn, execFile } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

export const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(WEB, '..');
export const DIST = join(WEB, 'dist');
export const BINARY = process.env.CC_ANALYTICS_BIN ?? join(REPO, 'target', 'debug', 'cc-analytics');
export const SAMPLES = process.env.CC_SAMPLES ?? '/work/shared/samples/claude-home';
export const ARTIFACTS = join(REPO, 'target', 'browser-artifacts');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Fails early, with the command to run, when something the tests need was not built. */
export function requireBuilt() {
  const missing = [];
  if (!existsSync(join(DIST, 'index.html'))) missing.push(`${DIST}/index.html (run scripts/build-web)`);
  if (!existsSync(BINARY)) missing.push(`${BINARY} (run cargo build -p cc-analytics-host after scripts/build-web)`);
  if (!existsSync(join(SAMPLES, 'projects'))) missing.push(`${SAMPLES}/projects (set CC_SAMPLES)`);
  if (missing.length) throw new Error(`e2e: missing ${missing.join('; ')}`);
  if (statSync(join(DIST, 'index.html')).mtimeMs > statSync(BINARY).mtimeMs + 1000) {
    console.warn('e2e: web/dist is newer than the binary; host mode serves the dashboard embedded at its build');
  }
}

/** Polls `check` until it returns a truthy value, or fails naming `what` after `ms`. */
export async function until(what, check, ms = 15_000, every = 50) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** A temporary directory removed by `cleanup`. */
export function tempDir(prefix = 'cc-e2e-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `cc-analytics serve --port 0` on a fresh database; resolves once it prints its URL and its
 * first sync has finished (`lastSync` set). `stop()` ends it (SIGTERM, then SIGKILL).
 */
export async function startServe(claudeDir, { ms = 20_000 } = {}) {
  const tmp = tempDir('cc-e2e-serve-');
  const child = spawn(BINARY, ['serve', '--port', '0', '--db', join(tmp.dir, 'a.redb'), '--claude-dir', claudeDir, '--tz', 'UTC'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    tmp.cleanup();
  };
  try {
    const url = await until(
      'the serving line',
      () => {
        if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${stderr}`);
        const first = stdout.split('\n')[0];
        return stdout.includes('\n') ? /^cc-analytics: serving (http:\/\/127\.0\.0\.1:\d+)$/.exec(first)?.[1] ?? fail(`unexpected first line: ${first}`) : null;
      },
      ms,
    );
    await until('the first sync', async () => (await apiData(url, '/api/sync/status')).lastSync !== null, ms, 100);
    return { url, stop, output: () => ({ stdout, stderr }) };
  } catch (error) {
    await stop();
    throw error;
  }
}

function fail(message) {
  throw new Error(message);
}

/** GET an API path and unwrap the `{success, data}` envelope. */
export async function apiData(base, path) {
  const response = await fetch(base + path, { headers: { Accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok || !body.success) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}

/** The CLI's one-shot answer for an API path (`query --claude-dir DIR --tz UTC PATH`), unwrapped. */
export async function cliQuery(claudeDir, path) {
  const { stdout } = await promisify(execFile)(BINARY, ['query', '--claude-dir', claudeDir, '--tz', 'UTC', path], { maxBuffer: 64 << 20 });
  const body = JSON.parse(stdout);
  if (!body.success) throw new Error(`${path}: ${stdout}`);
  return body.data;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** A plain static file server for `root` on 127.0.0.1 (no API, no CSP): where drop mode runs. */
export async function startStatic(root = DIST) {
  const base = resolve(root);
  const served = [];
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(base, pathname.endsWith('/') ? `${pathname}index.html` : pathname));
    const found = (file === base || file.startsWith(base + sep)) && existsSync(file) && statSync(file).isFile();
    served.push({ method: req.method, path: pathname, status: found ? 200 : 404 });
    if (!found) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Headless Chromium with a fresh user-data dir (a persistent context, deleted by `close`).
 * `page()` opens a tab that records page errors and console errors in `problems`.
 */
export async function launchBrowser() {
  const profile = tempDir('cc-e2e-chromium-');
  const context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: BROWSER_ARGS,
    viewport: { width: 1280, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-US',
    colorScheme: 'light',
    reducedMotion: 'reduce',
    acceptDownloads: false,
  }).catch((error) => {
    profile.cleanup();
    throw error;
  });
  context.setDefaultTimeout(20_000);
  const problems = [];
  const pages = [];
  return {
    context,
    problems,
    async page() {
      const page = await context.newPage();
      pages.push(page);
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss().catch(() => {});
      });
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      profile.cleanup();
    },
  };
}

/** Waits until no `[data-testid=loading]` spinner is left on the page. */
export async function settled(page, ms = 20_000) {
  await page.waitForFunction(() => !document.querySelector('[data-testid="loading"]'), null, { timeout: ms });
}

/** A full-page screenshot saved as `target/browser-artifacts/<name>.png`. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/** The overview figures on screen: `data-value` of each `overview-*` card, as numbers. */
export async function overviewFigures(page) {
  await page.locator('[data-testid="overview-total-sessions"]').waitFor();
  const figures = {};
  for (const [key, testid] of Object.entries(FIGURES)) {
    const value = await page.locator(`[data-testid="${testid}"]`).getAttribute('data-value');
    figures[key] = value === null ? null : Number(value);
  }
  return figures;
}

/** API field → the card showing it. */
export const FIGURES = {
  totalSessions: 'overview-total-sessions',
  totalCost: 'overview-total-cost',
  totalTokens: 'overview-total-tokens',
  inputTokens: 'overview-input-tokens',
  outputTokens: 'overview-output-tokens',
};

/** The API's overview fields the cards show. */
export function pickFigures(overview) {
  return Object.fromEntries(Object.keys(FIGURES).map((k) => [k, overview[k]]));
}

/** Every `*.jsonl` file below `dir`, recursively. */
export function jsonlFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.jsonl'))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/** Writes JSON values as a JSONL file, creating its folders. */
export function writeJsonl(path, lines) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
}
