// What the first visit waits for: nothing but index.html, config.json and state.json before
// the state's numbers are painted, and charts drawn in a later frame than those numbers.
// Order, not time, is asserted here; bench.mjs measures the times.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../server.mjs';
import { scenarios } from '../scenarios.mjs';
import { launch } from '../browser.mjs';

let server;
let browser;

before(async () => {
  server = await startServer(scenarios());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Before any page script: per animation frame, the first frame with numbers and with a chart. */
function probe() {
  const seen = { frame: 0 };
  const tick = () => {
    seen.frame += 1;
    const installs = document.querySelector('[data-metric="installs-total"]');
    if (seen.numbers == null && installs && /\d/.test(installs.textContent)) {
      seen.numbers = seen.frame;
      seen.numbersAt = performance.now();
      seen.chartInSameFrame = document.querySelector('#chart-overview svg') != null;
    }
    if (seen.chart == null && document.querySelector('#chart-overview svg')) seen.chart = seen.frame;
    window.__seen = seen;
    if (seen.numbers == null || seen.chart == null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

test('first visit: only config.json and state.json before the numbers, no script file at all; the chart a frame later', async () => {
  const page = await browser.context.newPage();
  await page.addInitScript(probe);
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.pageUrl('v4'));
  await page.waitForFunction(() => window.__seen && window.__seen.chart != null);
  const seen = await page.evaluate(() => window.__seen);
  const resources = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => ({ name: new URL(e.name).pathname.split('/').pop(), start: e.startTime })));
  assert.deepEqual(resources.filter((r) => r.start < seen.numbersAt).map((r) => r.name), ['config.json', 'state.json']);
  assert.deepEqual(resources.filter((r) => /\.(js|css)$/.test(r.name)), [], 'styles and scripts are inside index.html');
  assert.equal(seen.chartInSameFrame, false, 'the chart is not drawn in the frame that paints the numbers');
  assert.ok(seen.chart > seen.numbers, `chart in frame ${seen.chart}, numbers in frame ${seen.numbers}`);
  assert.deepEqual(errors, []);
  await page.close();
});

/** The month table of all history, and the gist files the page asked for. */
async function allHistory(scenario) {
  const page = await browser.context.newPage();
  const files = [];
  page.on('request', (request) => { if (request.url().includes('/raw/')) files.push(request.url().split('/').pop()); });
  await page.goto(server.pageUrl(scenario, '#installs?range=all&group=month'));
  await page.waitForSelector('html[data-ready="true"]');
  const details = page.locator('details[data-table="installs"]');
  await details.locator('summary').click();
  // The archived months' rows (the current month's projection moves with the clock).
  const rows = await details.locator('tbody tr').evaluateAll((trs) => trs.map((r) => [...r.children].map((c) => c.textContent)).filter(([period]) => /^(Nov|Dec) 2025/.test(period)));
  const status = await page.textContent('#status');
  await page.close();
  return { rows, status, files: files.sort() };
}

test('all history: every archived month from archive-recent.json in one request; month files when it is cut off', async () => {
  const months = ['archive-2025-11.json', 'archive-2025-12.json'];
  const byFiles = await allHistory('v4');
  assert.deepEqual(byFiles.files.filter((f) => /^archive-\d/.test(f)), months);
  const recent = await allHistory('v4-recent');
  assert.deepEqual(recent.files, ['archive-recent.json', 'archive.json', 'state.json']);
  assert.equal(byFiles.rows.length, 2);
  assert.deepEqual(recent.rows, byFiles.rows);
  assert.match(recent.status, /\b2 archived months \+ current state/);
  const cut = await allHistory('v4-recent-cut');
  assert.deepEqual(cut.files, ['archive-recent.json', 'archive.json', ...months, 'state.json'].sort());
  assert.deepEqual(cut.rows, byFiles.rows);
  assert.match(cut.status, /\b2 archived months \+ current state/);
});

test('a later visit asks for the state at once, with the config read last time; a changed config.json wins', async () => {
  const first = await browser.context.newPage();
  await first.goto(server.pageUrl('v4'));
  await first.waitForSelector('html[data-ready="true"]');
  const shown = await first.textContent('[data-metric="installs-total"]');
  await first.close();
  // config.json is held back until the page asks for state.json: a page that waits for the
  // config first never asks, and the hold ends unanswered (the generous bound is only a way
  // out of that deadlock; no time is asserted).
  const again = await browser.context.newPage();
  let stateAsked;
  const stateRequested = new Promise((resolve) => { stateAsked = resolve; });
  again.on('request', (request) => { if (request.url().endsWith('/raw/state.json')) stateAsked(true); });
  let configHeldUntilState;
  await again.route('**/config.json', async (route) => {
    configHeldUntilState = await Promise.race([stateRequested, new Promise((resolve) => setTimeout(() => resolve(false), 15000))]);
    await route.continue();
  });
  await again.goto(server.pageUrl('v4'));
  await again.waitForSelector('html[data-ready="true"]');
  assert.equal(configHeldUntilState, true, 'state.json was asked for while config.json was still unanswered');
  assert.equal(await again.textContent('[data-metric="installs-total"]'), shown);
  await again.close();
  // The gists moved since the last visit: the state of the old gist is not shown.
  const moved = await browser.context.newPage();
  const asked = [];
  moved.on('request', (request) => asked.push(new URL(request.url()).pathname));
  await moved.addInitScript((key) => {
    const config = JSON.parse(localStorage.getItem(key));
    localStorage.setItem(key, JSON.stringify({ ...config, badgeGistId: 'badge-moved-away' }));
  }, `ghtraf:config:${new URL(server.pageUrl('v4')).pathname}`);
  await moved.goto(server.pageUrl('v4'));
  await moved.waitForSelector('html[data-ready="true"]');
  assert.ok(asked.some((p) => p.endsWith('/badge-moved-away/raw/state.json')), 'the remembered gist was asked for');
  assert.ok(asked.some((p) => p.endsWith('/badge-v4/raw/state.json')), 'then the one config.json names');
  assert.equal(await moved.textContent('[data-metric="installs-total"]'), shown);
  assert.doesNotMatch(await moved.textContent('#status'), /could not/);
  await moved.close();
});

/**
 * A first visit (nothing remembered) to `scenario`: config.json is held back until the page
 * asks for `heldFor` (when given), or for good (the bound only ends a page that never asks; no time is
 * asserted). Returns whether the hold ended by that request, the gist files asked for in
 * order, and the installs total shown.
 */
async function firstVisitHoldingConfig(scenario, heldFor) {
  const page = await browser.context.newPage();
  await page.addInitScript(() => localStorage.clear());
  const asked = [];
  let seen;
  const requested = new Promise((resolve) => { seen = resolve; });
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.includes('/raw/')) asked.push(path.split('/').slice(-3).join('/'));
    if (path.endsWith(heldFor)) seen(true);
  });
  let heldUntilAsked = null;
  if (heldFor) await page.route('**/config.json', async (route) => {
    heldUntilAsked = await Promise.race([requested, new Promise((resolve) => setTimeout(() => resolve(false), 15000))]);
    await route.continue();
  });
  await page.goto(server.pageUrl(scenario));
  await page.waitForSelector('html[data-ready="true"]');
  const shown = await page.textContent('[data-metric="installs-total"]');
  const status = await page.textContent('#status');
  await page.close();
  return { heldUntilAsked, asked, shown, status };
}

test('a deployed page (config.json written into it) asks for the state beside config.json on a first visit', async () => {
  const plain = await firstVisitHoldingConfig('v4');
  const deployed = await firstVisitHoldingConfig('v4-deployed', '/badge-v4-deployed/raw/state.json');
  assert.equal(deployed.heldUntilAsked, true, 'state.json was asked for while config.json was unanswered');
  assert.deepEqual(deployed.asked, ['badge-v4-deployed/raw/state.json'], 'asked once, nothing else before it');
  assert.equal(deployed.shown, plain.shown);
});

test('a deployed config that config.json now contradicts is dropped: the gist config.json names is shown', async () => {
  const moved = await firstVisitHoldingConfig('v4-deployed-moved', '/badge-before-the-move/raw/state.json');
  assert.equal(moved.heldUntilAsked, true, 'the deployed guess went out first');
  assert.deepEqual(moved.asked, ['badge-before-the-move/raw/state.json', 'badge-v4-deployed-moved/raw/state.json']);
  const plain = await firstVisitHoldingConfig('v4');
  assert.equal(moved.shown, plain.shown);
  assert.doesNotMatch(moved.status, /could not/);
});
