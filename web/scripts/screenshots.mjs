// Screenshots of every page in host mode and drop mode, with headless Chromium (playwright-core).
// Usage: node scripts/screenshots.mjs HOST_URL DROP_URL SAMPLES_PROJECTS_DIR [OUT_DIR]
//   HOST_URL: the dashboard with the API behind it (e.g. `vite preview` proxying to `serve`)
//   DROP_URL: the same build from a static server without an API
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [hostUrl, dropUrl, samples, out = 'screenshots'] = process.argv.slice(2);
if (!hostUrl || !dropUrl || !samples) {
  console.error('usage: node scripts/screenshots.mjs HOST_URL DROP_URL SAMPLES_PROJECTS_DIR [OUT_DIR]');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const problems = [];

async function open(theme, viewport = { width: 1440, height: 1000 }) {
  const context = await browser.newContext({ viewport, colorScheme: theme, deviceScaleFactor: 1, timezoneId: 'UTC', reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return page;
}

async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForFunction(() => !document.querySelector('[data-testid="loading"]'), null, { timeout: 15000 }).catch(() => {});
  await page.waitForTimeout(600);
}

async function shoot(page, name, fullPage = true) {
  await settle(page);
  await page.screenshot({ path: `${out}/${name}.png`, fullPage });
  console.log(`${out}/${name}.png`);
}

async function tour(page, prefix, base) {
  await page.goto(`${base}#/overview`);
  await shoot(page, `${prefix}overview`);
  await page.goto(`${base}#/sessions`);
  await shoot(page, `${prefix}sessions`);
  await page.locator('[data-testid="session-row"] a').first().click();
  await shoot(page, `${prefix}session`, false);
  await page.locator('[data-testid="subagent"]').first().scrollIntoViewIfNeeded().catch(() => {});
  await page.evaluate(() => window.scrollBy(0, -120));
  await shoot(page, `${prefix}session-subagent`, false);
  await page.goto(`${base}#/sync`);
  await shoot(page, `${prefix}sync`);
}

// Host mode, light and dark.
for (const theme of ['light', 'dark']) {
  const page = await open(theme);
  await tour(page, theme === 'light' ? 'host-' : 'host-dark-', hostUrl);
  await page.goto(`${hostUrl}#/drop`);
  await shoot(page, theme === 'light' ? 'host-drop' : 'host-dark-drop');
  await page.context().close();
}

// A phone.
{
  const page = await open('light', { width: 390, height: 844 });
  await page.goto(`${hostUrl}#/overview`);
  await shoot(page, 'phone-overview');
  await page.goto(`${hostUrl}#/sessions`);
  await shoot(page, 'phone-sessions');
  await page.context().close();
}

// Drop mode: the drop screen, then the sample folder picked through the input.
{
  const page = await open('dark');
  // A clock inside the samples' last session, so a 5-hour block is active.
  if (process.env.DROP_NOW) await page.clock.setFixedTime(new Date(process.env.DROP_NOW));
  await page.goto(dropUrl);
  await shoot(page, 'drop-empty');
  await page.locator('[data-testid="drop-input"]').setInputFiles(samples);
  await page.waitForSelector('[data-testid="page-overview"]', { timeout: 30000 });
  const figures = await page.$$eval('[data-testid^="overview-"][data-value]', (els) => els.map((e) => `${e.dataset.testid}=${e.dataset.value}`));
  console.log(figures.join(' '));
  await shoot(page, 'drop-overview');
  await page.click('[data-testid="nav-sessions"]');
  await shoot(page, 'drop-sessions');
  await page.locator('[data-testid="session-row"] a').first().click();
  await shoot(page, 'drop-session', false);
  await page.goto(`${dropUrl}#/sync`);
  await shoot(page, 'drop-sync');
  await page.context().close();
}

await browser.close();
if (problems.length) {
  console.log('browser problems:');
  for (const p of [...new Set(problems)]) console.log(`  ${p}`);
}
