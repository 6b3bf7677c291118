// Transcript text is untrusted: a Claude dir whose prompt, response, tool call, tool result, title,
// project path, branch and model name carry HTML payloads must show them as text, in host mode
// and in drop mode, and nothing of them may run or become an element.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, requireBuilt, screenshot, settled, startServe, startStatic, tempDir, writeJsonl } from './support.mjs';

const SCRIPT = '<script>window.__pwned=1</script>';
const IMG = '<img src=x onerror="window.__pwned=1">';
const SVG = '<svg onload="window.__pwned=1">';
const BARE_IMG = '<img src=x onerror=window.__pwned=1>'; // no quotes: survives JSON-quoting of tool input as is
const MODEL = `claude-${SVG}`;
const SESSION = '0b5e55ed-0000-4000-8000-000000000001';
const PROMPT = `Prompt ${SCRIPT} ${IMG} ${SVG}`;
const ANSWER = `Answer ${IMG} ${SCRIPT} ${SVG}`;
const RESULT = `Result ${SVG} ${SCRIPT}`;
const T = { timeout: 60_000 };

/** A Claude dir with one session full of payloads. */
function writeClaudeDir(dir) {
  const base = { isSidechain: false, userType: 'external', cwd: `/work/${SVG}`, sessionId: SESSION, version: '2.0.74', gitBranch: `main${IMG}` };
  const usage = { input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 20 };
  const response = (uuid, parentUuid, second, id, model, content) => ({
    ...base,
    parentUuid,
    type: 'assistant',
    uuid,
    timestamp: `2026-01-05T10:00:0${second}.000Z`,
    requestId: `req_${id}`,
    message: { model, id: `msg_${id}`, type: 'message', role: 'assistant', content, usage },
  });
  writeJsonl(join(dir, 'projects', '-work-xss', `${SESSION}.jsonl`), [
    { ...base, parentUuid: null, type: 'user', uuid: 'u1', timestamp: '2026-01-05T10:00:00.000Z', message: { role: 'user', content: PROMPT } },
    response('a1', 'u1', 5, 1, 'claude-sonnet-4-5-20250929', [{ type: 'text', text: ANSWER }]),
    response('a2', 'a1', 6, 2, MODEL, [
      { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: `echo '${SCRIPT}'`, description: BARE_IMG } },
      { type: 'tool_use', id: 'toolu_2', name: IMG, input: {} },
    ]),
    {
      ...base,
      parentUuid: 'a2',
      type: 'user',
      uuid: 'u2',
      timestamp: '2026-01-05T10:00:07.000Z',
      message: { role: 'user', content: [{ tool_use_id: 'toolu_1', type: 'tool_result', content: RESULT }] },
    },
    { type: 'custom-title', customTitle: IMG, sessionId: SESSION },
  ]);
}

/** Nothing ran, and no payload became an element or an event handler. */
async function assertInert(page, where) {
  const found = await page.evaluate(() => ({
    pwned: typeof window.__pwned,
    imgX: document.querySelectorAll('img[src="x"]').length,
    svgOnload: document.querySelectorAll('svg[onload]').length,
    handlers: document.querySelectorAll('[onerror], [onload]').length,
    scripts: [...document.scripts].filter((s) => s.textContent.includes('__pwned')).length,
  }));
  assert.deepEqual(found, { pwned: 'undefined', imgX: 0, svgOnload: 0, handlers: 0, scripts: 0 }, where);
}

/** Each payload is on screen as text. */
async function assertShows(page, texts, where) {
  const visible = await page.locator('main').innerText();
  for (const text of texts) assert.ok(visible.includes(text), `${where}: ${JSON.stringify(text)} not shown as text in:\n${visible}`);
  for (const text of texts) assert.ok((await page.getByText(text, { exact: false }).count()) > 0, `${where}: getByText(${text})`);
}

/** The overview, the sessions list and the session, reached by clicking (drop mode keeps its data). */
async function tour(page, prefix) {
  await page.locator('[data-testid="project-row"]').first().waitFor();
  await settled(page);
  await assertShows(page, [SVG, `unpriced: ${MODEL}`], `${prefix} overview`);
  await assertInert(page, `${prefix} overview`);

  await page.locator('[data-testid="nav-sessions"]').click();
  await page.locator('[data-testid="session-row"]').first().waitFor();
  await settled(page);
  assert.equal(await page.locator('[data-testid="session-row"]').count(), 1);
  assert.equal(await page.locator('[data-testid="session-row"] a.session-title').textContent(), IMG);
  await assertShows(page, [IMG, SVG, `main${IMG}`], `${prefix} sessions`);
  await assertInert(page, `${prefix} sessions`);

  await page.locator('[data-testid="session-row"] a').first().click();
  await page.locator('[data-testid="page-session"]').waitFor();
  await settled(page);
  assert.equal(await page.locator('[data-testid="session-title"]').textContent(), IMG);
  assert.equal(await page.locator('[data-testid="message"]').count(), 4);
  assert.deepEqual(await page.locator('[data-testid="tool-call"] .tool-name').allTextContents(), ['Bash', IMG]);
  await assertShows(page, [PROMPT, ANSWER, SCRIPT, BARE_IMG, RESULT, IMG, SVG, `branch main${IMG}`], `${prefix} session`);
  await assertInert(page, `${prefix} session`);
  await screenshot(page, `${prefix}-xss-session`);
}

describe('untrusted transcript text is rendered as text', () => {
  let claude;
  let serve;
  let server;
  let browser;

  before(async () => {
    requireBuilt();
    claude = tempDir('cc-e2e-xss-');
    writeClaudeDir(claude.dir);
    [serve, server, browser] = await Promise.all([startServe(claude.dir), startStatic(), launchBrowser()]);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await serve?.stop();
    claude?.cleanup();
  });

  test('host mode: overview, sessions and session show the payloads as text', T, async () => {
    const page = await browser.page();
    await page.goto(`${serve.url}/#/overview?tz=UTC`);
    assert.equal(await page.getAttribute('[data-testid="mode"]', 'data-mode'), 'http');
    await tour(page, 'host');
    // A CSP refusal of an inline handler would show up here as a console error.
    assert.deepEqual(browser.problems, []);
    await page.close();
  });

  test('drop mode: overview, sessions and session show the payloads as text', T, async () => {
    const page = await browser.page();
    const before = browser.problems.length;
    await page.goto(`${server.url}/index.html#/overview?tz=UTC`);
    await page.locator('[data-testid="page-drop"]').waitFor();
    await page.locator('[data-testid="drop-input"]').setInputFiles(join(claude.dir, 'projects'));
    await page.locator('[data-testid="page-overview"]').waitFor();
    assert.equal(await page.getAttribute('[data-testid="mode"]', 'data-mode'), 'wasm');
    await tour(page, 'drop');
    assert.deepEqual(browser.problems.slice(before), []);
    await page.close();
  });
});
