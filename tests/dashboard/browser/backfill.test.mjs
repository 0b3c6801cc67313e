// Star and fork history and backfilled days in headless Chromium, against the fixtures of
// `fixtures/backfill/` (the data contracts of `ghtraf backfill`). Expected values are computed
// here from the fixture files, independently of data.js.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server.mjs';
import { cappedBackfillState, readFixture, scenarios } from '../scenarios.mjs';
import { launch } from '../browser.mjs';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
const NOW = new Date('2026-02-26T12:00:00Z');
const DAY = 86400000;
const fmt = (n) => n.toLocaleString('en-US');

let server;
let browser;
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

async function open(scenario, hash = '') {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${scenario}${hash}: ${error.message}`));
  await page.clock.setFixedTime(NOW);
  await page.goto(server.pageUrl(scenario, hash));
  await page.waitForSelector('html[data-ready="true"]');
  return page;
}

/** Rows of a chart's table as {period, cells by data-field}. */
async function table(page, id) {
  const details = page.locator(`details[data-table="${id}"]`);
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  // The table is filled on the toggle event, which follows the click asynchronously.
  await details.locator('tbody tr').first().waitFor();
  return details.locator('tbody tr').evaluateAll((rows) => rows.map((row) => ({
    period: row.dataset.period,
    backfilled: row.dataset.backfilled === 'true',
    cells: Object.fromEntries([...row.querySelectorAll('td')].map((td) => [td.dataset.field, td.textContent])),
  })));
}

/** The count a `[[date, n]]` series holds at the end of `date` (0 before its first point). */
function countAt(points, date) {
  let value = 0;
  for (const [d, n] of points) if (d <= date) value = n;
  return value;
}

const endOfWeek = (monday) => new Date(Date.parse(monday) + 6 * DAY).toISOString().slice(0, 10);

test('stars and forks since the repository\'s creation, from the state\'s series', async () => {
  const state = readFixture('backfill', 'state.json');
  const page = await open('backfill', '#community');
  assert.equal(await page.isVisible('#chart-history svg'), true);
  assert.match(await page.textContent('#h-history'), /^Stars and forks since the repository’s creation · per week$/);
  assert.equal(await page.textContent('[data-series="stars"]'), 'Stars from the stargazer list, read 2026-02-26.');
  assert.equal(await page.locator('[data-series-note]').count(), 0, 'complete series carry no warning');
  const rows = await table(page, 'history');
  // 2024-03-01 (creation, a Friday) to 2026-02-26: weeks from Monday 2024-02-26.
  assert.equal(rows.at(-1).period, '2024-02-26');
  assert.equal(rows[0].period, '2026-02-23');
  for (const row of rows) {
    const end = endOfWeek(row.period) < '2026-02-26' ? endOfWeek(row.period) : '2026-02-26';
    assert.equal(row.cells.stars, fmt(countAt(state.series.stars.points, end)), `stars, week of ${row.period}`);
    assert.equal(row.cells.forks, fmt(countAt(state.series.forks.points, end)), `forks, week of ${row.period}`);
  }
  assert.equal(rows[0].cells.stars, fmt(state.repoStats.stars), 'the series ends at the current count');
  // The 30-day trend of the daily snapshots is still there.
  assert.equal(await page.isVisible('#chart-community svg'), true);
  await page.screenshot({ path: join(ARTIFACTS, 'community-history.png'), fullPage: true });
  await page.close();
});

test('an incomplete star series says why and stops at its last known day', async () => {
  const state = cappedBackfillState();
  const page = await open('backfill-capped', '#community');
  const note = page.locator('[data-series-note="incomplete"]');
  assert.equal(await note.count(), 1);
  assert.match(await note.textContent(), /^Stars: incomplete\. 40,000-star API cap: stars after 2025-12-31 are missing/);
  assert.equal(await note.getAttribute('role'), 'note');
  assert.match(await page.textContent('#h-history'), /^Stars since the repository’s creation/);
  const rows = await table(page, 'history');
  assert.deepEqual(Object.keys(rows[0].cells), ['stars'], 'no fork series, no fork column');
  const last = state.series.stars.points.at(-1);
  const lastRow = rows.find((r) => r.cells.stars !== 'not known');
  assert.equal(lastRow.cells.stars, fmt(last[1]));
  assert.ok(lastRow.period <= last[0] && endOfWeek(lastRow.period) >= last[0], 'the last known week holds the last point');
  assert.ok(rows.slice(0, rows.indexOf(lastRow)).every((r) => r.cells.stars === 'not known'));
  await page.close();
});

test('without a series the Community tab keeps the snapshot trend only', async () => {
  const page = await open('v4', '#community');
  assert.equal(await page.locator('#chart-history').count(), 0);
  assert.equal(await page.isVisible('#chart-community svg'), true);
  assert.match(await page.textContent('[data-metric="stars-2-trend"], [data-metric="stars-trend"]'), /in 30 days$/);
  await page.close();
});

test('backfilled days are marked in charts, tables and the legend', async () => {
  const november = readFixture('backfill', 'archive-2025-11.json').dailyHistory;
  const page = await open('backfill', '#views?range=all');
  const rows = await table(page, 'views');
  const byDate = Object.fromEntries(rows.map((r) => [r.period, r]));
  for (const day of november) {
    const row = byDate[day.date.slice(0, 10)];
    assert.equal(row.backfilled, true, day.date);
    assert.equal(row.cells.source, 'backfill: github-repo-stats (views, unique views)');
    assert.equal(row.cells.views, fmt(day.views));
  }
  assert.equal(byDate['2025-12-01'].cells.source, 'ghtraf');
  assert.equal(byDate['2026-02-02'].cells.source, 'ghtraf', 'Feb 1–4 were backfilled for clones only, not views');
  assert.equal(rows.filter((r) => r.backfilled).length, november.length);
  assert.equal(await page.locator('#chart-views .chart-backfill rect').count(), november.length, 'one strip per backfilled day');
  const key = page.locator('#panel-views .backfill-key');
  assert.match(await key.textContent(), /backfilled days/);
  assert.match(await key.getAttribute('title'), /ghtraf backfill/);
  // Clones were backfilled on Feb 1–4 too: the installs chart (organic clones) marks them.
  await page.click('#tab-installs');
  const installs = await table(page, 'installs');
  const marked = installs.filter((r) => r.backfilled).map((r) => r.period).sort();
  assert.deepEqual(marked, [...november.map((d) => d.date.slice(0, 10)), '2026-02-01', '2026-02-02', '2026-02-03', '2026-02-04'].sort());
  assert.equal(installs.find((r) => r.period === '2026-02-03').cells.source, 'backfill: github-repo-stats (organic clones)');
  // Hovering a backfilled day says so.
  await page.click('#tab-views');
  const box = await page.locator('#chart-views svg').boundingBox();
  await page.mouse.move(box.x + 60, box.y + box.height / 2);
  assert.match(await page.textContent('#chart-views .chart-tip'), /\(backfilled\)/);
  await page.screenshot({ path: join(ARTIFACTS, 'views-backfilled.png'), fullPage: true });
  await page.close();
});

test('month buckets count the backfilled days they hold', async () => {
  const page = await open('backfill', '#views?range=all&group=month');
  const rows = await table(page, 'views');
  const nov = rows.find((r) => r.period === '2025-11');
  assert.equal(nov.cells.source, '11 of 11 days backfill: github-repo-stats (views, unique views)');
  assert.equal(rows.find((r) => r.period === '2025-12').cells.source, 'ghtraf');
  await page.close();
});

test('a history without backfilled days has no Source column and no strip', async () => {
  const page = await open('v4', '#views?range=all');
  const rows = await table(page, 'views');
  assert.ok(rows.every((r) => !('source' in r.cells) && !r.backfilled));
  assert.equal(await page.locator('.chart-backfill').count(), 0);
  assert.equal(await page.locator('.backfill-key').count(), 0);
  assert.equal(await page.locator('[data-table="provenance"]').count(), 0);
  await page.close();
});

test('the Dev tab lists the backfill runs, newest first', async () => {
  const state = readFixture('backfill', 'state.json');
  const page = await open('backfill', '#dev');
  const rows = await page.locator('[data-table="provenance"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  const runs = state.provenance.slice().sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  assert.deepEqual(rows.map((r) => r[0]), runs.map((r) => r.source));
  const repoStats = rows.find((r) => r[0] === 'github-repo-stats');
  assert.deepEqual(repoStats.slice(1), ['2026-02-10 10:00:00 UTC', '2025-11-20 – 2026-02-04', '11', '4', 'clones, uniqueClones, uniqueViews, views']);
  await page.close();
});

test('the CSV download names each day\'s backfill source and fields', async () => {
  const page = await open('backfill');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
  assert.deepEqual(header.slice(-2), ['backfill_source', 'backfill_fields']);
  assert.equal(rows.find((r) => r.date === '2025-11-25').backfill_source, 'github-repo-stats');
  assert.equal(rows.find((r) => r.date === '2025-11-25').backfill_fields, 'clones uniqueClones uniqueViews views');
  assert.equal(rows.find((r) => r.date === '2026-02-02').backfill_fields, 'clones uniqueClones');
  assert.equal(rows.find((r) => r.date === '2025-12-02').backfill_source, '');
  await page.close();
});

test('#history and #sources link to the star history and the backfill runs', async () => {
  const page = await open('backfill', '#history');
  assert.equal(await page.getAttribute('#tab-community', 'aria-selected'), 'true');
  const box = await page.locator('[data-section="history"]').boundingBox();
  assert.ok(box.y < 200, `scrolled into view (y=${box.y}, scrollY=${await page.evaluate(() => scrollY)})`);
  await page.close();
  const dev = await open('backfill', '#sources');
  assert.equal(await dev.getAttribute('#tab-dev', 'aria-selected'), 'true');
  assert.equal(await dev.isVisible('[data-table="provenance"]'), true);
  await dev.close();
});

test('no page threw and nothing left loopback', () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(browser.offLoopback, []);
});
