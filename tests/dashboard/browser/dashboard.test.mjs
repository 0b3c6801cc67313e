// The dashboard in headless Chromium against fixture gists on loopback. Expected numbers
// are computed here from the fixture files, independently of data.js.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server.mjs';
import { readFixture, scenarios } from '../scenarios.mjs';
import { launch } from '../browser.mjs';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
const NOW = new Date('2026-02-26T12:00:00Z');
const fmt = (n) => n.toLocaleString('en-US');

let server;
let browser;
/** Uncaught errors of every page any test opened; the last test asserts there were none. */
const pageErrors = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer(scenarios());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(scenario, hash = '', { block = [], now = NOW } = {}) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (error) => { errors.push(error.message); pageErrors.push(`${scenario}${hash}: ${error.message}`); });
  for (const pattern of block) await page.route(pattern, (route) => route.abort());
  await page.clock.setFixedTime(now);
  const requested = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  await page.goto(server.pageUrl(scenario, hash));
  await page.waitForSelector('html[data-ready="true"]');
  page.errors = errors;
  page.requested = requested;
  return page;
}

const metric = (page, name) => page.textContent(`[data-metric="${name}"]`);

/** All days of a v4 fixture deployment by date (state wins over archives), measured only. */
/** The v4 fixture's archived months, as its index lists them. */
const V4_MONTHS = readFixture('v4', 'archive.json').months.map((m) => m.period);

function v4History() {
  const byDate = new Map();
  for (const period of V4_MONTHS) {
    for (const d of readFixture('v4', `archive-${period}.json`).dailyHistory) byDate.set(d.date.slice(0, 10), d);
  }
  for (const d of readFixture('v4', 'state.json').dailyHistory) byDate.set(d.date.slice(0, 10), d);
  return [...byDate.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);
}

/**
 * What an original (v1–3) state's totals must show: per field, the counter unless the days
 * held sum higher; pre-tracking clones count as organic (docs/state-format.md, "Baseline").
 */
function legacyTotals(raw, archiveDays = []) {
  const byDate = new Map();
  for (const d of [...archiveDays, ...raw.dailyHistory]) byDate.set(d.date.slice(0, 10), d);
  const days = [...byDate.values()];
  const sum = (f) => days.reduce((s, d) => s + (f(d) ?? 0), 0);
  const clonesSum = sum((d) => d.clones);
  const clones = Math.max(raw.totalClones ?? 0, clonesSum);
  const organicDays = sum((d) => ('organicClones' in d ? d.organicClones : Math.max(0, d.clones - (d.ciCheckouts ?? 0))));
  return {
    views: Math.max(raw.totalViews ?? 0, sum((d) => d.views)),
    downloads: Math.max(raw.totalDownloads ?? 0, sum((d) => d.downloads)),
    organicClones: clones - clonesSum + organicDays,
  };
}

async function tableRows(page, id) {
  const details = page.locator(`details[data-table="${id}"]`);
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  await details.locator('tbody tr').first().waitFor();
  return details.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
}

test('the loopback guard blocks and records any other host', async () => {
  const page = await browser.context.newPage();
  await page.goto(server.pageUrl('v4', ''));
  const outcome = await page.evaluate(() => fetch('https://gist.githubusercontent.com/octo/x/raw/state.json').then(() => 'fetched', () => 'blocked'));
  assert.equal(outcome, 'blocked');
  assert.deepEqual(browser.offLoopback, ['https://gist.githubusercontent.com/octo/x/raw/state.json']);
  browser.offLoopback.length = 0; // the final test asserts the page itself never does this
  await page.waitForSelector('html[data-ready="true"]');
  await page.close();
});

test('v4 overview cards show the state totals, repo stats and 24h recency', async () => {
  const state = readFixture('v4', 'state.json');
  const page = await open('v4');
  assert.equal(await metric(page, 'installs-total'), fmt(state.totals.downloads + state.totals.organicClones));
  assert.equal(await metric(page, 'views-total'), fmt(state.totals.views));
  assert.equal(await metric(page, 'clones-total'), fmt(state.totals.organicClones));
  assert.equal(await metric(page, 'stars'), fmt(state.repoStats.stars));
  assert.equal(await metric(page, 'forks'), fmt(state.repoStats.forks));
  // Captured 06:00 on Feb 26, so Feb 25 is the last complete day.
  const yesterday = v4History().find((d) => d.date.startsWith('2026-02-25'));
  assert.equal(await metric(page, 'installs-recency'), `+${fmt(yesterday.downloads + yesterday.organicClones)} 24h`);
  assert.equal(await metric(page, 'views-recency'), `+${fmt(yesterday.views)} 24h`);
  // 31 days need no archived month: none is downloaded until a range or a download needs it.
  const stateDays = state.dailyHistory.length;
  assert.equal(await page.textContent('#status'), `Showing ${stateDays} days of history from state.json; ${V4_MONTHS.length} archived months of older history load when a longer range or a download needs them.`);
  assert.deepEqual(page.requested.filter((p) => p.includes('/raw/')).map((p) => p.split('/').pop()), ['state.json']);
  assert.equal(await page.getAttribute('html', 'data-ready'), 'true');
  assert.equal(await page.getAttribute('main', 'aria-busy'), null);
  assert.deepEqual(page.errors, []);
  assert.equal(await page.locator('#chart-overview svg path.chart-line.projected').count() > 0, true, 'today is drawn as a projection');
  await page.close();
});

test('views tab: today, last 7 days, readable referrers and stripped paths', async () => {
  const page = await open('v4', '#views');
  const history = v4History();
  const lastWeek = history.filter((d) => d.date >= '2026-02-19' && d.date < '2026-02-26');
  assert.equal(await metric(page, 'views-today'), '40');
  assert.equal(await metric(page, 'views-week'), fmt(lastWeek.reduce((s, d) => s + d.views, 0)));
  assert.equal(await metric(page, 'top-referrer'), 'Google');
  const referrers = await page.locator('[data-table="referrers"] tbody th').allTextContents();
  assert.deepEqual(referrers, ['Google', 'GitHub', 'Hacker News', 'Reddit (app)']);
  const paths = await page.locator('[data-table="paths"] tbody th').allTextContents();
  assert.deepEqual(paths, ['/', '/releases', '/blob/main/README.md']);
  assert.equal(await page.getAttribute('#tab-views', 'aria-selected'), 'true');
  assert.equal(await page.isVisible('#panel-overview'), false);
  await page.close();
});

test('range in the URL selects 7 days and the incomplete day is labelled projected', async () => {
  const page = await open('v4', '#views?range=7');
  assert.equal(await page.inputValue('#range'), '7');
  const rows = await tableRows(page, 'views');
  assert.equal(rows.length, 7);
  assert.equal(rows[0][0], 'Feb 26 (incomplete)');
  assert.match(rows[0][1], /^40 \(≈[\d,]+ projected\)$/);
  const expired = rows.find((r) => r[0] === 'Feb 20');
  const feb20 = v4History().find((d) => d.date.startsWith('2026-02-20'));
  assert.deepEqual(expired.slice(1), [fmt(feb20.views), fmt(feb20.uniqueViews)]);
  await page.close();
});

test('all history by month stitches every archive month', async () => {
  const page = await open('v4', '#installs?range=all&group=month');
  assert.equal(await page.inputValue('#group'), 'month');
  const rows = await tableRows(page, 'installs');
  assert.deepEqual(rows.map((r) => r[0]), ['Feb 2026 (incomplete)', 'Jan 2026', 'Dec 2025', 'Nov 2025']);
  const history = v4History();
  for (const period of ['2025-11', '2025-12', '2026-01']) {
    const days = history.filter((d) => d.date.startsWith(period));
    const row = rows.find((r) => r[0].startsWith(new Date(`${period}-01T00:00:00Z`).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })));
    assert.equal(row[1], fmt(days.reduce((s, d) => s + d.downloads, 0)), `downloads ${period}`);
    assert.equal(row[2], fmt(days.reduce((s, d) => s + d.organicClones, 0)), `organic clones ${period}`);
  }
  await page.close();
});

test('dev tab: CI per day, fully-CI day, freshness; #clones lands on the clone breakdown', async () => {
  const page = await open('v4', '#clones');
  assert.equal(await page.getAttribute('#tab-dev', 'aria-selected'), 'true');
  assert.equal(await page.isVisible('#chart-clones svg'), true);
  const box = await page.locator('[data-section="clones"]').boundingBox();
  assert.ok(box.y < 200, `clone section scrolled into view (y=${box.y})`);
  const rows = await page.locator('[data-table="ci-days"] tbody tr').evaluateAll((trs) => trs.map((r) => [...r.children].map((c) => c.textContent)));
  assert.deepEqual(rows.find((r) => r[0] === '2026-02-24'), ['2026-02-24', '90', '60', '6', '30']);
  assert.deepEqual(rows.find((r) => r[0] === '2026-02-20'), ['2026-02-20', '12', '12', '3', '0']);
  assert.equal(await metric(page, 'freshness'), '6 h ago');
  assert.equal(await page.getAttribute('.card.freshness', 'class'), 'card freshness fresh');
  const state = readFixture('v4', 'state.json');
  assert.equal(await metric(page, 'ci-checkouts'), fmt(state.totals.ciCheckouts));
  assert.equal(await metric(page, 'raw-clones'), fmt(state.totals.clones));
  // Per-workflow totals over the default 31-day range (Jan 27 – Feb 26), from the days' breakdowns.
  const expected = {};
  for (const d of v4History().filter((x) => x.date >= '2026-01-27' && x.ciWorkflows)) {
    for (const [name, wf] of Object.entries(d.ciWorkflows)) {
      expected[name] ??= { runs: 0, checkouts: 0 };
      expected[name].runs += wf.runs;
      expected[name].checkouts += wf.checkoutsPerRun.reduce((a, b) => a + b, 0);
    }
  }
  const workflows = await page.locator('[data-table="workflows"] tbody tr').evaluateAll((trs) => trs.map((r) => [...r.children].map((c) => c.textContent)));
  assert.deepEqual(Object.fromEntries(workflows.map(([name, runs, checkouts]) => [name, { runs: Number(runs), checkouts: Number(checkouts) }])), expected);
  await page.close();
});

test('community tab: repo stats, age and 30-day trends from the daily snapshots', async () => {
  const state = readFixture('v4', 'state.json');
  const page = await open('v4', '#community');
  const byDate = Object.fromEntries(v4History().map((d) => [d.date.slice(0, 10), d]));
  assert.equal(await metric(page, 'stars-2'), fmt(state.repoStats.stars));
  assert.equal(await metric(page, 'open-issues'), fmt(state.repoStats.openIssues));
  assert.equal(await metric(page, 'stars-trend'), `+${byDate['2026-02-26'].stars - byDate['2026-01-27'].stars} in 30 days`);
  assert.equal(await metric(page, 'forks-trend'), '±0 in 30 days');
  // Created 2024-03-01T12:00Z, now 2026-02-26T12:00Z: 727 days.
  assert.equal(await metric(page, 'age'), `${(727 / 365).toFixed(1)} years`);
  await page.close();
});

test('a collection that stopped is flagged in the status and on the Dev tab', async () => {
  // The fixture was captured 2026-02-26 06:00Z; five days later nothing new has arrived.
  const page = await open('v4', '#dev', { now: new Date('2026-03-03T06:00:00Z') });
  assert.match(await page.textContent('#status'), /last collection was 5 days ago: the daily workflow may have stopped/);
  assert.equal(await page.getAttribute('#status', 'data-kind'), 'warn');
  assert.equal(await metric(page, 'freshness'), '5 days ago');
  assert.equal(await page.getAttribute('.card.freshness', 'class'), 'card freshness old');
  await page.close();
});

test('a deployment nothing was collected into shows no data, not a capture time', async () => {
  // Created at 03:00 and opened at 12:00: the stamp earlier versions wrote is no collection.
  for (const scenario of ['v4-new', 'v4-new-stamped']) {
    const page = await open(scenario, '#dev');
    assert.match(await page.textContent('#status'), /No data yet: .*nothing has been collected yet/, scenario);
    assert.equal(await page.locator('#panel-dev [data-empty="no-data"]').count(), 1, scenario);
    assert.equal(await page.locator('[data-metric="freshness"]').count(), 0, scenario);
    await page.close();
  }
});

test('tablist keyboard navigation: arrows wrap, Home and End', async () => {
  const page = await open('v4');
  await page.focus('#tab-overview');
  const selected = () => page.locator('[role="tab"][aria-selected="true"]').getAttribute('id');
  const focused = () => page.evaluate(() => document.activeElement.id);
  await page.keyboard.press('ArrowRight');
  assert.equal(await selected(), 'tab-installs');
  assert.equal(await focused(), 'tab-installs');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid', 'keyboard focus is visible');
  assert.equal(await page.isVisible('#panel-installs'), true);
  await page.keyboard.press('End');
  assert.equal(await selected(), 'tab-dev');
  await page.keyboard.press('ArrowRight');
  assert.equal(await selected(), 'tab-overview');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await selected(), 'tab-dev');
  await page.keyboard.press('Home');
  assert.equal(await selected(), 'tab-overview');
  assert.deepEqual(await page.locator('[role="tab"]').evaluateAll((tabs) => tabs.map((t) => t.tabIndex)), [0, -1, -1, -1, -1]);
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'panel-overview');
  await page.close();
});

test('back and forward move between tabs; range survives in the URL', async () => {
  const page = await open('v4');
  await page.click('#tab-views');
  await page.selectOption('#range', '90');
  assert.ok(page.url().endsWith('#views?range=90'));
  await page.click('#tab-dev');
  assert.ok(page.url().endsWith('#dev?range=90'));
  await page.goBack();
  assert.equal(await page.getAttribute('#tab-views', 'aria-selected'), 'true');
  await page.goBack();
  assert.equal(await page.getAttribute('#tab-overview', 'aria-selected'), 'true');
  await page.goForward();
  assert.equal(await page.getAttribute('#tab-views', 'aria-selected'), 'true');
  assert.equal(await page.inputValue('#range'), '90');
  await page.close();
});

test('theme: dark, light and system, remembered across reloads', async () => {
  const page = await open('v4');
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await page.selectOption('#theme', 'dark');
  const dark = await background();
  assert.notEqual(dark, light);
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  assert.equal(await page.inputValue('#theme'), 'dark');
  assert.equal(await background(), dark);
  await page.selectOption('#theme', 'system');
  assert.equal(await background(), light);
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await background(), dark);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.selectOption('#theme', 'light');
  await page.close();
});

test('CSV and JSON downloads hold every measured day', async () => {
  const page = await open('v4');
  const history = v4History();
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.equal(csvDownload.suggestedFilename(), 'octo-demo-traffic.csv');
  const csv = readFileSync(await csvDownload.path(), 'utf8').trimEnd().split('\r\n');
  const header = csv[0].split(',');
  assert.equal(csv.length - 1, history.length);
  const row = Object.fromEntries(csv.find((l) => l.startsWith('2026-02-24,')).split(',').map((v, i) => [header[i], v]));
  const feb24 = history.find((d) => d.date.startsWith('2026-02-24'));
  assert.equal(row.clones, String(feb24.clones));
  assert.equal(row.unique_clones, String(feb24.uniqueClones));
  assert.equal(row.ci_checkouts, String(feb24.ciCheckouts));
  assert.equal(row.organic_clones, String(feb24.organicClones));
  assert.equal(row.organic_unique_clones, String(feb24.organicUniqueClones));
  assert.equal(row.installs, String(feb24.organicClones + feb24.downloads));
  const expired = Object.fromEntries(csv.find((l) => l.startsWith('2026-02-03,')).split(',').map((v, i) => [header[i], v]));
  assert.equal(expired.unique_views, '');
  assert.equal(csv.filter((l) => l.startsWith('2025-12-1')).length, 7, 'Dec 10–12 are a gap, not rows');
  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const json = JSON.parse(readFileSync(await jsonDownload.path(), 'utf8'));
  assert.equal(json.days.length, history.length);
  assert.deepEqual(json.days.map((d) => d.date), history.map((d) => d.date.slice(0, 10)));
  assert.equal(json.totals.views, readFixture('v4', 'state.json').totals.views);
  await page.close();
});

test('overview series toggles hide and show a series', async () => {
  const page = await open('v4');
  const lines = () => page.locator('#chart-overview .chart-series').count();
  assert.equal(await lines(), 5);
  const toggle = page.locator('#panel-overview .legend button', { hasText: /^Views$/ });
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  assert.equal(await lines(), 4);
  await toggle.click();
  assert.equal(await lines(), 5);
  const svg = page.locator('#chart-overview svg');
  const box = await svg.boundingBox();
  await page.mouse.move(box.x + box.width - 40, box.y + box.height / 2);
  const tip = page.locator('#chart-overview .chart-tip');
  assert.equal(await tip.isVisible(), true);
  assert.match(await tip.textContent(), /^Feb 26Installs: [\d,]+ \(projected\)Views: [\d,]+ \(projected\)/);
  await page.close();
});

test('state numbers render while the archive months are still downloading', async () => {
  const state = readFixture('v4', 'state.json');
  const page = await browser.context.newPage();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.addInitScript(() => localStorage.clear()); // earlier tests cached these months
  await page.route('**/raw/archive-*.json', async (route) => { await held; await route.continue(); });
  await page.clock.setFixedTime(NOW);
  await page.goto(server.pageUrl('v4', '#views?range=all'));
  await page.waitForSelector('[data-metric="views-total-2"]');
  assert.match(await page.textContent('#status'), /loading (archived months|their days)…$/);
  assert.equal(await metric(page, 'views-total-2'), fmt(state.totals.views));
  assert.equal(await page.getAttribute('html', 'data-ready'), null);
  release();
  await page.waitForSelector('html[data-ready="true"]');
  assert.match(await page.textContent('#status'), new RegExp(`${V4_MONTHS.length} archived months`));
  await page.close();
});

test('all history by month shows every month\'s index totals while the month files download', async () => {
  const index = readFixture('v4', 'archive.json');
  const page = await browser.context.newPage();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.addInitScript(() => localStorage.clear());
  await page.route(/\/raw\/archive-\d{4}-\d{2}\.json$/, async (route) => { await held; await route.continue(); });
  const requested = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname.split('/').pop()));
  await page.clock.setFixedTime(NOW);
  await page.goto(server.pageUrl('v4', '#installs?range=all&group=month'));
  await page.waitForFunction(() => /monthly totals of 2 archived months/.test(document.getElementById('status').textContent));
  const rows = await tableRows(page, 'installs');
  for (const m of index.months) {
    const label = `${new Date(`${m.period}-01T00:00:00Z`).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${m.period.slice(0, 4)} (monthly total from the archive index)`;
    const row = rows.find((r) => r[0] === label);
    assert.ok(row, label);
    assert.deepEqual(row.slice(1), [fmt(m.totals.downloads), fmt(m.totals.organicClones)]);
  }
  release();
  await page.waitForSelector('html[data-ready="true"]');
  const final = await tableRows(page, 'installs');
  assert.deepEqual(final.map((r) => r[0]), ['Feb 2026 (incomplete)', 'Jan 2026', 'Dec 2025', 'Nov 2025'], 'the days replaced the stand-ins');
  // index.html's first script asked for state.json and archive.json; neither was asked twice.
  assert.equal(requested.filter((f) => f === 'state.json').length, 1);
  assert.equal(requested.filter((f) => f === 'archive.json').length, 1);
  await page.close();
});

test('choosing all history later also shows the index totals while the months download', async () => {
  const page = await browser.context.newPage();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.addInitScript(() => localStorage.clear());
  await page.route(/\/raw\/archive-\d{4}-\d{2}\.json$/, async (route) => { await held; await route.continue(); });
  await page.clock.setFixedTime(NOW);
  await page.goto(server.pageUrl('v4', '#installs?group=month'));
  await page.waitForSelector('html[data-ready="true"]');
  await page.selectOption('#range', 'all');
  await page.waitForFunction(() => /monthly totals of 2 archived months/.test(document.getElementById('status').textContent));
  const rows = await tableRows(page, 'installs');
  assert.deepEqual(rows.map((r) => r[0]).slice(-2), ['Dec 2025 (monthly total from the archive index)', 'Nov 2025 (monthly total from the archive index)']);
  release();
  await page.waitForFunction(() => /^Loaded /.test(document.getElementById('status').textContent));
  assert.deepEqual((await tableRows(page, 'installs')).map((r) => r[0]).slice(-2), ['Dec 2025', 'Nov 2025']);
  await page.close();
});

test('a rate-limited archive gist: state data renders and the status says so', async () => {
  const state = readFixture('v4', 'state.json');
  const page = await open('v4-403', '#views?range=all');
  const status = page.locator('#status');
  assert.equal(await status.getAttribute('role'), 'status');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  assert.match(await status.textContent(), /Archives could not be loaded \(rate-limited/);
  assert.equal(await metric(page, 'views-total-2'), fmt(state.totals.views));
  const rows = await tableRows(page, 'views');
  const stateDays = state.dailyHistory.map((d) => d.date);
  const span = (Date.parse(stateDays.at(-1)) - Date.parse(stateDays[0])) / 86400000 + 1;
  assert.equal(rows.length, span, 'every day from the first in state.json, gaps included');
  await page.close();
});

test('an archive gist without months yet says so plainly', async () => {
  const page = await open('v4-fresh');
  const days = readFixture('v4', 'state.json').dailyHistory.length;
  assert.equal(await page.textContent('#status'), `Loaded ${days} days of history from state.json (no month archived yet).`);
  await page.close();
});

test('a missing archive index: a ghtraf state names its months, so they are still found', async () => {
  const page = await open('v4-noindex', '#overview?range=all');
  assert.equal(await page.textContent('#status'), `Loaded ${v4History().length} days of history (${V4_MONTHS.length} archived months + current state).`);
  // The index is only asked for its monthly totals, to draw months early; without it the
  // months still come from the list in state.json.
  await page.close();
});

test('a longer range downloads the months it needs, once', async () => {
  const page = await browser.context.newPage();
  await page.addInitScript(() => localStorage.clear()); // earlier tests cached these months
  const requested = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  const months = () => requested.filter((p) => /\/archive-\d{4}-\d{2}\.json$/.test(p)).map((p) => p.slice(-12, -5)).sort();
  await page.clock.setFixedTime(NOW);
  await page.goto(server.pageUrl('v4-noindex', '#views?range=7'));
  await page.waitForSelector('html[data-ready="true"]');
  assert.deepEqual(months(), []);
  assert.match(await page.textContent('#status'), /2 archived months of older history load when/);
  await page.selectOption('#range', '90');
  await page.waitForFunction(() => /^Loaded /.test(document.getElementById('status').textContent));
  assert.deepEqual(months(), V4_MONTHS, '90 days back from Feb 26 reach into November');
  const rows = await tableRows(page, 'views');
  assert.equal(rows.length, 90);
  await page.selectOption('#range', 'all');
  await page.waitForFunction(() => /^Loaded /.test(document.getElementById('status').textContent));
  const span = (Date.parse('2026-02-26') - Date.parse(v4History()[0].date.slice(0, 10))) / 86400000 + 1;
  assert.equal((await tableRows(page, 'views')).length, span, 'every day since the first archived one, gaps included');
  assert.deepEqual(months(), V4_MONTHS, 'no month asked for twice');
  assert.equal(requested.filter((p) => p.endsWith('/state.json')).length, 1, 'state.json once: the boot request is reused');
  await page.close();
});

test('an unconfigured deployment says so instead of showing placeholders', async () => {
  const before = server.requests.length;
  const page = await open('unconfigured', '#views');
  assert.match(await page.textContent('#status'), /Not set up yet/);
  assert.equal(await page.locator('#panel-views [data-empty="no-gist"]').count(), 1);
  assert.doesNotMatch(await page.textContent('body'), /--/);
  assert.equal(server.requests.slice(before).filter((r) => r.path.startsWith('/raw/')).length, 0);
  await page.screenshot({ path: join(ARTIFACTS, 'unconfigured.png') });
  await page.close();
});

test('a gist without data yet shows the no-data state', async () => {
  const page = await open('nodata');
  assert.match(await page.textContent('#status'), /No data yet/);
  assert.equal(await page.locator('#panel-overview [data-empty="no-data"]').count(), 1);
  await page.close();
});

test('a missing config.json is reported, not shown as empty numbers', async () => {
  const page = await open('noconfig');
  assert.match(await page.textContent('#status'), /not configured \(config\.json: HTTP 404\)/);
  assert.equal(await page.getAttribute('#status', 'data-kind'), 'error');
  await page.close();
});

test('data that never arrives leaves a message, not "Loading…" forever', async () => {
  const page = await browser.context.newPage();
  // The page's scripts are inside index.html; what can still hang is the data.
  await page.route('**/state.json', () => { /* never answered */ });
  await page.clock.install({ time: NOW });
  await page.goto(server.pageUrl('v4'));
  assert.match(await page.textContent('#status'), /^Loading traffic data/);
  await page.clock.runFor(15000);
  assert.match(await page.textContent('#status'), /scripts or data could not be loaded/);
  assert.equal(await page.getAttribute('main', 'aria-busy'), 'true');
  await page.close();
});

test('the original tool\'s synthetic state and archives', async () => {
  const raw = readFixture('gtt', 'synthetic-state.json');
  const expected = legacyTotals(raw, ['2025-12', '2026-01'].flatMap((p) => readFixture('gtt', `synthetic-archive-${p}.json`).dailyHistory));
  const page = await open('gtt', '#views?range=all');
  assert.equal(await metric(page, 'views-total-2'), fmt(expected.views));
  await page.click('#tab-overview');
  assert.equal(await metric(page, 'installs-total'), fmt(expected.downloads + expected.organicClones));
  await page.click('#tab-views');
  const rows = await tableRows(page, 'views');
  assert.equal(rows.length, 31 + 16 + 41);
  const dec1 = readFixture('gtt', 'synthetic-archive-2025-12.json').dailyHistory[0];
  assert.deepEqual(rows.at(-1).slice(0, 2), ['Dec 1', fmt(dec1.views)]);
  const titles = await page.locator('[data-table="paths"] tbody td.text').allTextContents();
  assert.deepEqual(titles, ['ExampleOrg/example-project', 'example-project·README', 'Releases · ExampleOrg/example-project']);
  assert.match(await page.textContent('#status'), /2 archived months/);
  assert.match(await page.textContent('#subtitle'), /tracking since 2025-12-01/);
  await page.close();
});

test('the original tool\'s real states (v1 with and without uniques)', async () => {
  for (const [scenario, file] of [['gtt-real-a', 'real-v1-state-a.json'], ['gtt-real-b', 'real-v1-state-b.json']]) {
    const raw = readFixture('gtt', file);
    const expected = legacyTotals(raw);
    const page = await open(scenario);
    assert.equal(await metric(page, 'views-total'), fmt(expected.views));
    assert.equal(await metric(page, 'stars'), fmt(raw.stars));
    assert.equal(await metric(page, 'installs-total'), fmt(expected.downloads + expected.organicClones));
    assert.match(await page.textContent('#status'), /no archive gist configured/);
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

test('every number renders when the charts cannot be drawn', async () => {
  const state = readFixture('v4', 'state.json');
  const page = await browser.context.newPage();
  // The charts are SVG: a browser that cannot make SVG elements draws none.
  await page.addInitScript(() => {
    const make = Document.prototype.createElementNS;
    Document.prototype.createElementNS = function (ns, name) {
      if (ns === 'http://www.w3.org/2000/svg') throw new Error('no SVG here');
      return make.call(this, ns, name);
    };
  });
  await page.clock.setFixedTime(NOW);
  await page.goto(server.pageUrl('v4'));
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal(await metric(page, 'views-total'), fmt(state.totals.views));
  assert.equal(await page.locator('#chart-overview svg').count(), 0);
  assert.match(await page.textContent('#chart-overview'), /table below has every value/);
  await page.close();
});

test('screenshots of every tab (light and dark)', async () => {
  for (const theme of ['light', 'dark']) {
    const page = await open('v4');
    await page.selectOption('#theme', theme);
    for (const tab of ['overview', 'installs', 'views', 'community', 'dev']) {
      await page.click(`#tab-${tab}`);
      // Charts are drawn a frame after the tab's numbers: wait for one (fails if none comes).
      await page.locator(`#panel-${tab} svg`).first().waitFor({ state: 'visible' });
      assert.equal(await page.isVisible(`#panel-${tab} svg`), true, `${tab} has a chart`);
      await page.screenshot({ path: join(ARTIFACTS, `${tab}-${theme}.png`), fullPage: true });
    }
    await page.selectOption('#theme', 'system');
    await page.close();
  }
});

test('the page never requested anything off loopback, and never threw', () => {
  assert.deepEqual(browser.offLoopback, []);
  assert.deepEqual(pageErrors, []);
  assert.ok(server.requests.length > 0);
  assert.ok(server.requests.every((r) => r.path.startsWith('/s/') || r.path.startsWith('/raw/')), 'no gist API calls');
});
