// Host mode: the dashboard embedded in `cc-analytics serve`, on the real samples.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SAMPLES, apiData, launchBrowser, overviewFigures, pickFigures, requireBuilt, screenshot, settled, startServe } from './support.mjs';

// A session of the samples and its first prompt (projects/-Users-user-project/).
const SESSION = 'b3edadab-bca0-4054-9b41-f7ffa6941260';
const PROMPT = 'Hello I want to have some test conversation with you create some file for me';
const T = { timeout: 60_000 };

describe('host mode (cc-analytics serve on the samples)', () => {
  let serve;
  let browser;

  before(async () => {
    requireBuilt();
    serve = await startServe(SAMPLES);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test('the overview shows the API overview for the range and zone it asks for', T, async () => {
    const page = await browser.page();
    const asked = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/api/analytics/overview') asked.push(url.pathname + url.search);
    });
    await page.goto(`${serve.url}/#/overview?tz=UTC`);
    const figures = await overviewFigures(page);
    assert.equal(await page.getAttribute('[data-testid="mode"]', 'data-mode'), 'http');

    assert.ok(asked.length >= 1, 'the page asked for the overview');
    const path = asked.at(-1);
    const params = new URL(path, serve.url).searchParams;
    assert.equal(params.get('tz'), 'UTC');
    assert.equal(params.get('dateFrom'), null, 'all time: no lower bound');
    assert.equal(params.get('dateTo'), null, 'all time: no upper bound');

    const api = await apiData(serve.url, path);
    assert.deepEqual(figures, pickFigures(api));
    assert.equal(figures.totalSessions, 8);
    await settled(page);
    await screenshot(page, 'host-overview');
    assert.deepEqual(browser.problems, []);
  });

  test('the sessions page lists the 8 sessions', T, async () => {
    const page = await browser.page();
    await page.goto(`${serve.url}/#/sessions?tz=UTC`);
    await page.locator('[data-testid="sessions-table"]').waitFor();
    const ids = await page.locator('[data-testid="session-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-session-id')));
    assert.equal(ids.length, 8);
    const api = await apiData(serve.url, '/api/analytics/sessions?tz=UTC&limit=25&offset=0&sort=startTime&order=desc');
    assert.deepEqual(ids, api.sessions.map((s) => s.id));
    assert.equal((await page.locator('[data-testid="sessions-count"]').textContent()).trim(), '1–8 of 8 sessions');
    await settled(page);
    await screenshot(page, 'host-sessions');
    assert.deepEqual(browser.problems, []);
  });

  test('a session opened from the list shows its conversation', T, async () => {
    const page = await browser.page();
    await page.goto(`${serve.url}/#/sessions?tz=UTC`);
    await page.locator(`[data-testid="session-row"][data-session-id="${SESSION}"] a`).click();
    await page.locator('[data-testid="page-session"]').waitFor();
    assert.equal(new URL(page.url()).hash, `#/sessions/${SESSION}?tz=UTC`);

    const detail = await apiData(serve.url, `/api/analytics/sessions/${SESSION}?tz=UTC`);
    assert.ok(detail.messages.length > 0);
    const messages = page.locator('[data-testid="message"]');
    assert.equal(await messages.count(), detail.messages.length, 'one element per message');
    assert.equal(await messages.filter({ hasText: PROMPT }).count(), 1, 'the first prompt is shown');
    const prompts = await page.locator('[data-testid="message"][data-kind="prompt"] .content-text').allTextContents();
    assert.ok(prompts.includes(PROMPT), `prompts on screen: ${JSON.stringify(prompts)}`);
    assert.deepEqual(prompts, detail.messages.filter((m) => m.kind === 'prompt').map((m) => m.content));
    const responses = detail.messages.filter((m) => m.kind === 'response').length;
    assert.equal(await page.locator('[data-testid="message"][data-kind="response"]').count(), responses);
    assert.equal(await page.locator('[data-testid="message-cost"]').count(), responses);
    assert.ok((await page.locator('[data-testid="tool-call"]').count()) > 0, 'tool calls are split out');
    assert.equal(await page.locator('[data-testid="session-cost"]').getAttribute('data-value'), String(detail.session.cost));
    await settled(page);
    await screenshot(page, 'host-session');
    assert.deepEqual(browser.problems, []);
  });

  test('the sync page shows the status of the first sync', T, async () => {
    const page = await browser.page();
    await page.goto(`${serve.url}/#/sync?tz=UTC`);
    await page.locator('[data-testid="sync-state"]').waitFor();
    await settled(page);
    const status = await apiData(serve.url, '/api/sync/status');
    const stats = await apiData(serve.url, '/api/sync/stats');
    assert.equal((await page.locator('[data-testid="sync-state"]').textContent()).trim(), 'idle');
    const text = await page.locator('[data-testid="sync-status"]').innerText();
    assert.match(text, /Last sync [A-Z][a-z]{2} \d+, \d{4}, \d\d:\d\d/);
    assert.doesNotMatch(text, /never/);
    assert.ok(text.includes(`${status.lastSyncStats.filesProcessed} files read`), text);
    assert.ok(text.includes(`${status.lastSyncStats.sessionsAdded} sessions`), text);
    assert.equal(await page.locator('[data-testid="sync-db-stats"] .card').first().getAttribute('data-value'), String(stats.totalSessions));
    assert.equal(stats.totalSessions, 8);
    assert.ok(await page.locator('[data-testid="sync-run"]').isEnabled());
    await screenshot(page, 'host-sync');

    // A full dry run says what a sync would do, and leaves the last real sync's status as it was.
    await page.locator('[data-testid="sync-full"]').check();
    await page.locator('[data-testid="sync-dry-run"]').check();
    await page.locator('[data-testid="sync-run"]').click();
    const note = page.locator('[data-testid="sync-note"]', { hasText: 'Dry run finished' });
    await note.waitFor();
    const after = await apiData(serve.url, '/api/sync/status');
    assert.equal(after.lastSync, status.lastSync);
    const dry = after.lastDryRun.stats;
    assert.equal(dry.filesProcessed, status.lastSyncStats.filesProcessed);
    assert.equal(
      (await note.textContent()).trim(),
      `Dry run finished: a sync would read ${dry.filesProcessed} files, adding ${dry.sessionsAdded} sessions and ${dry.messagesAdded} messages, with ${dry.errors} line errors. Nothing was stored.`,
    );
    assert.deepEqual(browser.problems, []);
  });
});
