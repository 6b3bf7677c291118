// Drop mode: web/dist from a plain static server (no API), the samples picked as a folder and
// analysed in the page by the wasm core.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SAMPLES, cliQuery, jsonlFiles, launchBrowser, overviewFigures, pickFigures, requireBuilt, screenshot, settled, startStatic } from './support.mjs';

describe('drop mode (web/dist from a static server)', () => {
  let server;
  let browser;

  before(async () => {
    requireBuilt();
    server = await startStatic();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the picked samples give the CLI overview, and nothing is fetched but the page', { timeout: 60_000 }, async () => {
    const page = await browser.page();
    const requests = [];
    let picked = false;
    page.on('request', (r) => requests.push({ method: r.method(), url: r.url(), body: r.postData(), after: picked }));

    await page.goto(`${server.url}/index.html#/overview?tz=UTC`);
    await page.locator('[data-testid="page-drop"]').waitFor();
    assert.equal(await page.getAttribute('[data-testid="mode"]', 'data-mode'), 'drop');
    await screenshot(page, 'drop-screen');

    picked = true;
    await page.locator('[data-testid="drop-input"]').setInputFiles(join(SAMPLES, 'projects'));
    const figures = await overviewFigures(page);
    assert.equal(await page.getAttribute('[data-testid="mode"]', 'data-mode'), 'wasm');
    // Every transcript was read, the sub-agent one two folders down among them.
    const transcripts = jsonlFiles(join(SAMPLES, 'projects'));
    assert.equal(transcripts.length, 14);
    assert.match(await page.locator('[data-testid="mode"]').textContent(), new RegExp(`In this browser · ${transcripts.length} files`));
    assert.equal(new URL(page.url()).hash, '#/overview?tz=UTC');

    const cli = await cliQuery(SAMPLES, '/api/analytics/overview');
    assert.deepEqual(figures, pickFigures(cli));
    assert.equal(figures.totalSessions, 8);
    await settled(page);
    await screenshot(page, 'drop-overview');

    // The sessions page answers from the same in-page analysis.
    await page.locator('[data-testid="nav-sessions"]').click();
    await page.locator('[data-testid="sessions-table"]').waitFor();
    assert.equal(await page.locator('[data-testid="session-row"]').count(), 8);
    // Nothing failed to load, and nothing was logged as an error.
    assert.deepEqual(server.served.filter((s) => s.status !== 200).map((s) => s.path), []);
    assert.deepEqual(browser.problems, []);

    // Every request went to the static server, for the page's own files: as static files the page
    // starts in drop mode without asking any API.
    assert.ok(requests.length > 0);
    const origin = new URL(server.url).origin;
    const elsewhere = requests.filter((r) => new URL(r.url).origin !== origin);
    assert.deepEqual(elsewhere, [], 'requests to another origin');
    const files = requests;
    for (const r of files) {
      assert.equal(r.method, 'GET', r.url);
      assert.equal(r.body, null, r.url);
      assert.match(new URL(r.url).pathname, /^\/(index\.html|favicon\.svg|assets\/[\w.-]+\.(js|css|wasm))$/, r.url);
    }
    assert.ok(files.some((r) => r.url.endsWith('.wasm')), 'the wasm core was fetched');
    assert.ok(server.served.length >= files.length);
  });
});
