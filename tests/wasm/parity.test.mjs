// The wasm build answers every analytics endpoint with exactly the JSON of the native CLI
// (`cc-analytics query --claude-dir`), for the real samples fed in small chunks.
// Run by scripts/test after building the Node flavour of the package into target/wasm-node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const { Workspace } = require(join(root, 'target/wasm-node/cc_analytics_wasm.js'));
const samples = join(root, '../shared/samples/claude-home');
const cli = join(root, 'target/debug/cc-analytics');
const NOW = '2026-04-18T16:00:00Z';

function transcripts(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return transcripts(path);
    return name.endsWith('.jsonl') ? [path] : [];
  });
}

function analyse(chunk) {
  const workspace = new Workspace();
  const projects = join(samples, 'projects');
  for (const path of transcripts(projects)) {
    const name = relative(projects, path).split(sep).join('/');
    const bytes = readFileSync(path);
    for (let at = 0; at < bytes.length; at += chunk) workspace.push(name, bytes.subarray(at, at + chunk));
    workspace.endFile(name);
  }
  const summary = workspace.finish();
  return { workspace, summary };
}

// The CLI ends a JSON body with a newline for the terminal; a CSV body is printed as it is.
function viaCli(target) {
  const out = execFileSync(cli, ['query', '--claude-dir', samples, '--tz', 'UTC', '--now', NOW, target], {
    encoding: 'utf8',
  });
  return out.endsWith('\r\n') ? out : out.replace(/\n$/, '');
}

const { workspace, summary } = analyse(4096);
const now = Date.parse(NOW);

test('finish reports what was read', () => {
  assert.equal(summary.files, 14);
  assert.equal(summary.lineErrors, 0);
});

const sessions = JSON.parse(workspace.query('/api/analytics/sessions?limit=1000', now, 'UTC').body).data.sessions;
const targets = [
  '/api/analytics/overview',
  '/api/analytics/sessions?limit=1000',
  '/api/analytics/sessions?sort=cost&order=asc&limit=3&offset=2',
  '/api/analytics/daily-usage',
  '/api/analytics/daily-usage?tz=Asia/Tokyo',
  '/api/analytics/model-distribution',
  '/api/analytics/tool-usage',
  '/api/analytics/projects',
  '/api/analytics/heatmap?tz=Europe/Berlin',
  '/api/analytics/blocks',
  '/api/analytics/overview?dateFrom=2025-11-01&dateTo=2025-11-30',
  '/api/analytics/export?format=json&entity=daily',
  ...sessions.map((s) => `/api/analytics/sessions/${s.id}`),
];

for (const target of targets) {
  test(`same JSON as the CLI: ${target}`, () => {
    const answer = workspace.query(target, now, 'UTC');
    assert.equal(answer.status, 200);
    assert.equal(answer.body, viaCli(target));
  });
}

test('the CSV export carries its file name', () => {
  const answer = workspace.query('/api/analytics/export?format=csv&entity=sessions', now, 'UTC');
  assert.equal(answer.contentType, 'text/csv; charset=utf-8');
  assert.deepEqual(answer.headers, [
    ['Content-Disposition', 'attachment; filename="cc-analytics-sessions-2025-06-14-2026-04-18.csv"'],
  ]);
  assert.equal(answer.body, viaCli('/api/analytics/export?format=csv&entity=sessions'));
});

test('errors use the envelope; sync is not available in the browser', () => {
  const bad = workspace.query('/api/analytics/sessions?limit=0', now, 'UTC');
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body).error.code, 'VALIDATION_ERROR');
  const sync = workspace.query('/api/sync/status', now, 'UTC');
  assert.equal(sync.status, 404);
  assert.match(JSON.parse(sync.body).error.message, /native host/);
});

test('chunk size does not change any answer', () => {
  const other = analyse(97).workspace;
  for (const target of targets) {
    assert.equal(other.query(target, now, 'UTC').body, workspace.query(target, now, 'UTC').body, target);
  }
});
