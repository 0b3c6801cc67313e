// Unit tests of the dashboard's data module (imported directly, no browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as D from '../../../crates/ghtraf/templates/docs/stats/data.js';
import { readFixture } from '../scenarios.mjs';
import { recentFile } from '../fixtures/generate.mjs';

const gttState = () => readFixture('gtt', 'synthetic-state.json');
const v4State = () => readFixture('v4', 'state.json');
const v4Archive = (period) => readFixture('v4', `archive-${period}.json`);
/** The fixture's archived months (Nov and Dec 2025: January is still within the 30-day lookback). */
const V4_MONTHS = ['2025-11', '2025-12'];

test('absent uniques stay null while zero uniques stay zero', () => {
  const absent = D.normalizeDay({ date: '2026-02-03T00:00:00Z', clones: 5, views: 9 });
  const zero = D.normalizeDay({ date: '2026-02-08T00:00:00Z', clones: 0, views: 0, uniqueClones: 0, uniqueViews: 0 });
  assert.equal(absent.uniqueClones, null);
  assert.equal(absent.uniqueViews, null);
  assert.equal(zero.uniqueClones, 0);
  assert.equal(zero.uniqueViews, 0);
  assert.equal(absent.date, '2026-02-03');
});

test('a fully-CI day keeps organic clones at 0 instead of falling back to raw clones', () => {
  const day = D.normalizeDay({ date: '2026-02-20T00:00:00Z', clones: 12, ciCheckouts: 12, organicClones: 0 });
  assert.equal(day.organicClones, 0);
  const derived = D.normalizeDay({ date: '2026-02-20T00:00:00Z', clones: 12, ciCheckouts: 12 });
  assert.equal(derived.organicClones, 0);
});

test('an organic unique figure without uniques (the original partial-day bug) is dropped', () => {
  const day = D.normalizeDay({ date: '2026-02-26T00:00:00Z', clones: 10, views: 50, organicUniqueClones: 0 });
  assert.equal(day.organicUniqueClones, null);
});

test('organic uniques follow the documented estimate', () => {
  // 35 uniques, 60 of 90 clones from CI in 6 runs: round(35*60/90)=23, capped by runs 6.
  assert.equal(D.estimateOrganicUniques(35, 90, 60, 6), 29);
  assert.equal(D.estimateOrganicUniques(10, 20, 10, null), 5);
  assert.equal(D.estimateOrganicUniques(3, 10, 10, 9), 0);
  assert.equal(D.estimateOrganicUniques(null, 10, 5, 1), null);
  assert.equal(D.estimateOrganicUniques(7, 10, 0, 0), 7);
  const day = D.normalizeDay({ date: '2026-01-01T00:00:00Z', clones: 90, uniqueClones: 35, ciCheckouts: 60, ciRuns: 6 });
  assert.equal(day.organicUniqueClones, 29);
});

test('legacy CI figures come from the original date map when a day lacks them', () => {
  const state = D.normalizeState(readFixture('gtt', 'real-v1-state-b.json'));
  const last = state.days.at(-1);
  assert.equal(last.date, '2026-02-26');
  assert.equal(last.ciCheckouts, 22);
  assert.deepEqual(last.ciWorkflows.CI, { runs: 2, checkouts: 20 });
  const raw = readFixture('gtt', 'real-v1-state-b.json');
  let ciCheckouts = 0;
  for (const entry of Object.values(raw.ciCheckouts)) {
    ciCheckouts += (entry.byWorkflow?.CI?.checkoutsPerRun ?? []).reduce((a, b) => a + b, 0);
  }
  assert.equal(D.workflowTotals(state.days).CI.checkouts, ciCheckouts);
});

test('a legacy state\'s totals follow the import rule: counters, unless its days sum higher', () => {
  const raw = gttState();
  const state = D.normalizeState(raw);
  assert.equal(state.legacy, true);
  assert.equal(state.schemaVersion, 1);
  // Figures worked out by hand from synthetic-state.json's 41 days.
  assert.equal(state.totals.clones, 1873, 'counter above the days: counter');
  assert.equal(state.totals.views, 6415, 'counter 5840 below the days\' 6415: the days win');
  assert.equal(state.totals.downloads, 59);
  assert.equal(state.totals.organicClones, 941 + 852, 'pre-tracking clones (1873 − 932) count as organic');
  assert.equal(state.days.length, raw.dailyHistory.length);
  assert.equal(state.capturedAt, '2026-02-26T03:00:47Z');
  assert.equal(state.popularPaths.length, 3);
  const a = D.normalizeState(readFixture('gtt', 'real-v1-state-a.json'));
  assert.equal(a.totals.clones, 10411);
  assert.equal(a.totals.organicClones, 10000 + 367);
});

test('legacy totals are recomputed over the stitched archive days', () => {
  const state = D.normalizeState(gttState());
  const days = D.stitch(state.days, ['2025-12', '2026-01'].map((p) => ({ period: p, raw: readFixture('gtt', `synthetic-archive-${p}.json`) })));
  const totals = D.legacyTotals(state.legacyCounters, days);
  assert.equal(totals.views, 12605);
  assert.equal(totals.clones, 1873);
  assert.equal(totals.downloads, 112);
  assert.equal(totals.organicClones, 1793);
});

test('a v4 state takes its derived totals and repo stats as written', () => {
  const raw = v4State();
  const state = D.normalizeState(raw);
  assert.equal(state.legacy, false);
  assert.deepEqual(state.totals, raw.totals);
  assert.equal(state.repoStats.stars, raw.repoStats.stars);
  assert.deepEqual(state.archivedMonths, raw.archived.months);
  assert.equal(state.ciWorkflows.Release.checkouts, 3);
});

test('a state from a newer ghtraf is refused rather than guessed at', () => {
  assert.throws(() => D.normalizeState({ schemaVersion: 5, dailyHistory: [] }), /schema version 5, written by a newer ghtraf/);
});

test('per-day workflow breakdowns add up; days without one are skipped', () => {
  const days = [
    D.normalizeDay({ date: '2026-02-01T00:00:00Z', clones: 9, ciWorkflows: { CI: { runs: 2, checkoutsPerRun: [2, 3] } } }),
    D.normalizeDay({ date: '2026-02-02T00:00:00Z', clones: 9 }),
    D.normalizeDay({ date: '2026-02-03T00:00:00Z', clones: 9, ciWorkflows: { CI: { runs: 1, checkoutsPerRun: [4] }, Docs: { runs: 1, checkoutsPerRun: [1] } } }),
  ];
  assert.deepEqual(D.workflowTotals(days), { CI: { runs: 3, checkouts: 9 }, Docs: { runs: 1, checkouts: 1 } });
  assert.equal(D.workflowTotals([days[1]]), null);
});

test('a state that is not an object is rejected', () => {
  assert.throws(() => D.normalizeState(null), /not a JSON object/);
  assert.throws(() => D.normalizeState([1]), /not a JSON object/);
});

test('stitching prefers the state, then the archive of the day\'s own month', () => {
  const state = [D.normalizeDay({ date: '2026-02-01T00:00:00Z', clones: 9, views: 1 })];
  const jan = { period: '2026-01', raw: { dailyHistory: [
    { date: '2026-01-31T00:00:00Z', clones: 5, views: 5 },
    { date: '2026-02-01T00:00:00Z', clones: 1, views: 1 },
  ] } };
  const feb = { period: '2026-02', raw: { dailyHistory: [{ date: '2026-01-31T00:00:00Z', clones: 99, views: 99 }] } };
  const days = D.stitch(state, [feb, jan]);
  assert.deepEqual(days.map((d) => [d.date, d.clones, d.source]), [
    ['2026-01-31', 5, 'archive-2026-01'],
    ['2026-02-01', 9, 'state'],
  ]);
});

test('the original\'s archives and state stitch into one ascending history', () => {
  const state = D.normalizeState(gttState());
  const days = D.stitch(state.days, ['2025-12', '2026-01'].map((p) => ({ period: p, raw: readFixture('gtt', `synthetic-archive-${p}.json`) })));
  assert.equal(days.length, 31 + 16 + 41);
  assert.equal(days[0].date, '2025-12-01');
  assert.equal(days.at(-1).date, '2026-02-26');
  assert.ok(days.every((d, i) => i === 0 || days[i - 1].date < d.date));
});

test('gaps are filled with missing days that count as nothing', () => {
  const state = D.normalizeState(v4State());
  const archives = V4_MONTHS.map((p) => ({ period: p, raw: v4Archive(p) }));
  const days = D.fillGaps(D.stitch(state.days, archives));
  assert.equal(days[0].date, '2025-11-20');
  assert.equal(days.at(-1).date, '2026-02-26');
  assert.equal(days.length, 99);
  assert.deepEqual(days.filter((d) => d.missing).map((d) => d.date), ['2025-12-10', '2025-12-11', '2025-12-12', '2026-02-05']);
  const buckets = D.bucketize(days, 'month', ['views']);
  assert.equal(buckets.find((b) => b.key === '2025-12').values.views, v4Archive('2025-12').totals.views);
  assert.equal(buckets.find((b) => b.key === '2025-12').missingDays, 3);
});

function v4Days(now = Date.parse('2026-02-26T12:00:00Z')) {
  const state = D.normalizeState(v4State());
  const archives = V4_MONTHS.map((p) => ({ period: p, raw: v4Archive(p) }));
  return D.applyProjections(D.fillGaps(D.stitch(state.days, archives)), { capturedAt: state.capturedAt, now });
}

test('today\'s partial bucket is projected from the share of the day not yet captured', () => {
  const days = v4Days();
  const today = days.at(-1);
  assert.equal(today.partial, true);
  assert.equal(today.elapsed, 0.25);
  const previous = days.filter((d) => !d.missing && !d.partial).slice(-7);
  const mean = previous.reduce((s, d) => s + d.views, 0) / 7;
  assert.equal(today.projection.views, 40 + Math.round(0.75 * mean));
  assert.equal(today.views, 40, 'measured value is never changed');
  assert.ok(today.projection.uniqueViews > 0, 'uniques of the partial day are projected');
  assert.equal(days.filter((d) => d.partial).length, 1);
});

test('expired uniques are projected, pre-tracking and zero days are not', () => {
  const days = v4Days();
  const expired = days.find((d) => d.date === '2026-02-03');
  assert.equal(expired.uniqueViews, null);
  assert.ok(expired.projection.uniqueViews > 0 && expired.projection.uniqueViews <= expired.views);
  const zero = days.find((d) => d.date === '2026-02-08');
  assert.equal(zero.projection, null);
  assert.equal(zero.views, 0);
  const state = D.normalizeState(gttState());
  const legacy = D.applyProjections(state.days, { capturedAt: state.capturedAt });
  const preTracking = legacy.find((d) => d.date === '2026-01-17');
  assert.equal(preTracking.projection, null);
  const expiredLegacy = legacy.find((d) => d.date === '2026-02-07');
  assert.equal(expiredLegacy.uniqueClones, null);
  assert.ok(expiredLegacy.projection.uniqueClones > 0);
});

test('without a capture time, a day is partial only until it ends', () => {
  const days = [D.normalizeDay({ date: '2026-02-26T00:00:00Z', clones: 1 })];
  assert.equal(D.applyProjections(days, { now: Date.parse('2026-02-26T18:00:00Z') })[0].partial, true);
  assert.equal(D.applyProjections(days, { now: Date.parse('2026-02-27T00:00:01Z') })[0].partial, false);
});

test('recency uses complete days only and picks the badge suffix', () => {
  const days = v4Days();
  const r = D.recency(days, 'views');
  const complete = days.filter((d) => !d.partial && !d.missing);
  assert.equal(r.lastDate, '2026-02-25');
  assert.equal(r.day, complete.at(-1).views);
  assert.equal(r.week, complete.filter((d) => d.date >= '2026-02-19').reduce((s, d) => s + d.views, 0));
  assert.equal(D.recencyLabel({ day: 1200, week: 0, month: 0 }), '+1,200 24h');
  assert.equal(D.recencyLabel({ day: 0, week: 5, month: 9 }), '+5 wk');
  assert.equal(D.recencyLabel({ day: 0, week: 0, month: 9 }), '+9 mo');
  assert.equal(D.recencyLabel({ day: 0, week: 0, month: 0 }), '');
  const installs = D.recency(days, 'installs');
  assert.equal(installs.day, complete.at(-1).downloads + complete.at(-1).organicClones);
});

test('snapshot trends compare with the value observed 30 days earlier', () => {
  const days = v4Days();
  // Fixture: 40 stars on Feb 26, 30 on Jan 27.
  assert.equal(D.snapshotChange(days, 'stars', 30), 10);
  assert.equal(D.snapshotChange(days.slice(-5), 'stars', 30), null);
  assert.equal(D.snapshotChange([], 'forks', 30), null);
});

test('range filtering and bucket sizes', () => {
  const days = v4Days();
  const week = D.filterRange(days, '7');
  assert.deepEqual([week[0].date, week.at(-1).date, week.length], ['2026-02-20', '2026-02-26', 7]);
  assert.equal(D.filterRange(days, 'all').length, days.length);
  assert.equal(D.autoBucket('31', 31), 'day');
  assert.equal(D.autoBucket('365', 365), 'week');
  assert.equal(D.autoBucket('all', 99), 'day');
  assert.equal(D.autoBucket('all', 400), 'week');
  assert.equal(D.autoBucket('all', 1100), 'month');
  assert.equal(D.weekStart('2026-02-26'), '2026-02-23');
  assert.equal(D.weekStart('2026-02-23'), '2026-02-23');
  assert.equal(D.weekStart('2026-03-01'), '2026-02-23');
});

test('week buckets sum measured values and mark projected ones', () => {
  const days = v4Days();
  const buckets = D.bucketize(D.filterRange(days, '31'), 'week', ['views', 'uniqueViews', 'stars']);
  const last = buckets.at(-1);
  assert.equal(last.key, '2026-02-23');
  const lastDays = days.filter((d) => d.date >= '2026-02-23');
  assert.equal(last.values.views, lastDays.reduce((s, d) => s + d.views, 0));
  assert.equal(last.partial, true);
  assert.ok(last.projected.views > last.values.views);
  assert.equal(last.values.stars, lastDays.at(-1).stars);
  const expiredWeek = buckets.find((b) => b.key === '2026-02-02');
  assert.equal(expiredWeek.hasProjection, true);
  assert.ok(expiredWeek.projected.uniqueViews > expiredWeek.values.uniqueViews);
});

test('CSV export: ghtraf export\'s columns first, one row per day held, empty = not collected', () => {
  const days = v4Days();
  const csv = D.toCSV(days);
  const lines = csv.trimEnd().split('\r\n');
  assert.deepEqual(lines[0].split(',').slice(0, 9), ['date', 'clones', 'unique_clones', 'views', 'unique_views', 'downloads', 'ci_checkouts', 'organic_clones', 'organic_unique_clones']);
  assert.equal(lines.length - 1, days.filter((d) => !d.missing).length);
  const column = (line, name) => line.split(',')[D.EXPORT_COLUMNS.indexOf(name)];
  const expired = lines.find((l) => l.startsWith('2026-02-03,'));
  assert.equal(column(expired, 'unique_views'), '');
  const heavy = lines.find((l) => l.startsWith('2026-02-24,'));
  assert.equal(column(heavy, 'ci_checkouts'), '60');
  assert.equal(column(heavy, 'organic_clones'), '30');
  assert.equal(column(heavy, 'partial'), 'false');
  assert.equal(column(lines.at(-1), 'partial'), 'true');
  assert.ok(!csv.includes('2026-02-05'), 'a gap is not exported as a day');
});

test('JSON export: totals and the same rows, null for unknown uniques', () => {
  const state = D.normalizeState(v4State());
  const days = v4Days();
  const out = JSON.parse(D.toJSON(state, days, { owner: 'octo', repo: 'demo', now: 0 }));
  assert.equal(out.repo, 'octo/demo');
  assert.equal(out.exportedAt, '1970-01-01T00:00:00.000Z');
  assert.deepEqual(out.totals, state.totals);
  assert.equal(out.days.length, 95);
  const expired = out.days.find((d) => d.date === '2026-02-03');
  assert.equal(expired.unique_views, null);
  assert.equal(typeof expired.views, 'number');
  assert.equal(out.days.at(-1).partial, true);
});

test('referrer names, path prefixes and mojibake titles read well', () => {
  assert.equal(D.referrerName('github.com'), 'GitHub');
  assert.equal(D.referrerName('com.reddit.frontpage'), 'Reddit (app)');
  assert.equal(D.referrerName('news.ycombinator.com'), 'Hacker News');
  assert.equal(D.referrerName('search.brave.com'), 'Brave Search');
  assert.equal(D.referrerName('example.org'), 'example.org');
  assert.equal(D.stripRepoPrefix('/ExampleOrg/example-project', 'exampleorg', 'example-project'), '/');
  assert.equal(D.stripRepoPrefix('/ExampleOrg/example-project/releases', 'ExampleOrg', 'example-project'), '/releases');
  assert.equal(D.stripRepoPrefix('/other/repo', 'ExampleOrg', 'example-project'), '/other/repo');
  const titles = gttState().popularPaths.map((p) => D.repairMojibake(p.title));
  assert.equal(titles[1], 'example-project·README');
  assert.equal(titles[2], 'Releases · ExampleOrg/example-project');
  assert.equal(D.repairMojibake('Crème brûlée'), 'Crème brûlée');
});

test('archive indexes in ghtraf and gist-API shapes list their months', () => {
  assert.deepEqual(D.archiveMonthsFromIndex(readFixture('v4', 'archive.json')), V4_MONTHS);
  assert.deepEqual(D.archiveMonthsFromIndex(readFixture('gtt', 'synthetic-archive-gist.json')), ['2025-12', '2026-01']);
  assert.equal(D.archiveMonthsFromIndex({ note: 'stub' }), null);
  assert.deepEqual(D.monthsBetween('2025-11', '2026-02'), ['2025-11', '2025-12', '2026-01', '2026-02']);
  assert.equal(D.monthsBetween('2020-01', '2026-12').length, 48);
});

test('freshness levels', () => {
  const now = Date.parse('2026-02-26T12:00:00Z');
  assert.equal(D.freshness('2026-02-26T06:00:00Z', now).level, 'fresh');
  assert.equal(D.freshness('2026-02-25T00:00:00Z', now).level, 'stale');
  assert.equal(D.freshness('2026-02-20T00:00:00Z', now).level, 'old');
  assert.equal(D.freshness(null, now).level, 'unknown');
});

// ---- loading ----

const config = { owner: 'octo', repo: 'demo', badgeGistId: 'b', archiveGistId: 'a', gistOwner: 'octo', gistRawBase: 'http://gists.test', created: '2025-11-20' };

function fakeFetch(files, statuses = {}) {
  const calls = [];
  const fetchJson = async (url) => {
    calls.push(url);
    const name = url.replace('http://gists.test/octo/', '');
    if (statuses[name]) return { status: statuses[name], data: null };
    if (statuses[name] === 0) throw new Error('network down');
    if (name in files) return { status: 200, data: structuredClone(files[name]) };
    return { status: 404, data: null };
  };
  return { fetchJson, calls };
}

function memoryStorage() {
  const map = new Map();
  return { getItem: (k) => (map.has(k) ? map.get(k) : null), setItem: (k, v) => map.set(k, String(v)), keys: () => [...map.keys()] };
}

const v4Files = () => ({
  'b/raw/state.json': v4State(),
  'a/raw/archive.json': readFixture('v4', 'archive.json'),
  ...Object.fromEntries(V4_MONTHS.map((p) => [`a/raw/archive-${p}.json`, v4Archive(p)])),
});

test('a full load stitches all archive months and caches them under owner/repo keys', async () => {
  const cache = memoryStorage();
  const first = fakeFetch(v4Files());
  const result = await D.loadDashboard({ config, fetchJson: first.fetchJson, cache, now: Date.parse('2026-02-26T12:00:00Z') });
  assert.equal(result.setup, 'ok');
  assert.equal(result.archive.status, 'ok');
  assert.deepEqual(result.archive.months, V4_MONTHS);
  assert.equal(result.days.length, 99);
  // These files predate archive-recent.json: asked for once (404), then each month file.
  assert.equal(first.calls.length, 2 + V4_MONTHS.length, 'state, archive-recent.json and each month once');
  assert.ok(!first.calls.some((u) => u.endsWith('/archive.json')), 'a ghtraf state names its months: no index round trip');
  assert.ok(first.calls.every((u) => u.startsWith('http://gists.test/octo/') && u.includes('/raw/')));
  assert.ok(cache.keys().length > 0 && cache.keys().every((k) => k.startsWith('ghtraf:octo/demo:')));
  const second = fakeFetch(v4Files());
  await D.loadDashboard({ config, fetchJson: second.fetchJson, cache });
  assert.equal(second.calls.length, 1, 'unchanged month files come from the cache');
  const other = fakeFetch(v4Files());
  await D.loadDashboard({ config: { ...config, repo: 'other' }, fetchJson: other.fetchJson, cache });
  assert.equal(other.calls.length, 2 + V4_MONTHS.length, 'another repo on the same origin does not reuse the cache');
});

test('a backfill that rewrote an archived month invalidates the cached months', async () => {
  const cache = memoryStorage();
  await D.loadDashboard({ config, fetchJson: fakeFetch(v4Files()).fetchJson, cache });
  const files = v4Files();
  const month = structuredClone(files['a/raw/archive-2025-12.json']);
  month.dailyHistory[0].clones += 100;
  files['a/raw/archive-2025-12.json'] = month;
  const state = files['b/raw/state.json'];
  state.archived.totals.clones += 100;
  state.totals.clones += 100;
  const again = fakeFetch(files);
  const result = await D.loadDashboard({ config, fetchJson: again.fetchJson, cache });
  assert.equal(again.calls.length, 2 + V4_MONTHS.length, 'every month is read again (archive-recent.json asked for first)');
  assert.equal(result.days.find((d) => d.date === month.dailyHistory[0].date.slice(0, 10)).clones, month.dailyHistory[0].clones);
});

test('only the months the shown range needs are downloaded; longer ranges load the rest', async () => {
  const state = v4State();
  assert.deepEqual(D.monthsForRange(D.normalizeState(state), V4_MONTHS, '31'), [], 'the state covers 31 days');
  assert.deepEqual(D.monthsForRange(D.normalizeState(state), V4_MONTHS, '90'), V4_MONTHS.filter((m) => m >= D.addDays('2026-02-26', -89).slice(0, 7)));
  assert.deepEqual(D.monthsForRange(D.normalizeState(state), V4_MONTHS, 'all'), V4_MONTHS);
  const { fetchJson, calls } = fakeFetch(v4Files());
  const early = [];
  const result = await D.loadDashboard({ config, fetchJson, range: '31', onState: (r) => early.push(r) });
  assert.deepEqual(calls, ['http://gists.test/octo/b/raw/state.json']);
  assert.equal(early.length, 0, 'nothing to wait for, so no early result');
  assert.equal(result.archive.status, 'ok');
  assert.deepEqual(result.archive.months, []);
  assert.deepEqual(result.archive.pending, V4_MONTHS);
  assert.equal(result.days.filter((d) => !d.missing).length, state.dailyHistory.length);
  const month = await D.extendDashboard(result, { range: '60' });
  assert.deepEqual(month.archive.months, ['2025-12']);
  assert.deepEqual(month.archive.pending, ['2025-11']);
  const all = await D.extendDashboard(month, { range: 'all' });
  assert.deepEqual(all.archive.months, V4_MONTHS);
  assert.deepEqual(all.archive.pending, []);
  assert.equal(all.days.length, 99);
  assert.equal(calls.length, 1 + V4_MONTHS.length, 'each month was asked for once');
  assert.equal(await D.extendDashboard(all, { range: 'all' }), all, 'nothing left to load');
});

test('two loads at once (a range change during a download) ask for each month once', async () => {
  const { fetchJson, calls } = fakeFetch(v4Files());
  const result = await D.loadDashboard({ config, fetchJson, range: '7' });
  const [a, b] = await Promise.all([D.extendDashboard(result, { range: 'all' }), D.extendDashboard(result, { range: '365' })]);
  assert.deepEqual(a.archive.months, V4_MONTHS);
  assert.deepEqual(b.archive.months, V4_MONTHS);
  assert.equal(calls.length, 2 + V4_MONTHS.length, 'state, archive-recent.json (missing) and each month once');
});

test('the state-only result arrives before the archives', async () => {
  const early = [];
  const { fetchJson } = fakeFetch(v4Files());
  const result = await D.loadDashboard({ config, fetchJson, onState: (r) => early.push(r) });
  assert.equal(early.length, 1);
  assert.equal(early[0].archive.status, 'loading');
  assert.equal(early[0].days.filter((d) => !d.missing).length, v4State().dailyHistory.length);
  assert.equal(result.days.length, 99);
});

test('a rate-limited archive still yields the state\'s days', async () => {
  const { fetchJson } = fakeFetch({ ...v4Files(), 'b/raw/state.json': gttState() }, { 'a/raw/archive.json': 403 });
  const result = await D.loadDashboard({ config, fetchJson });
  assert.equal(result.setup, 'ok');
  assert.equal(result.archive.status, 'rate-limited');
  assert.equal(result.days.filter((d) => !d.missing).length, gttState().dailyHistory.length);
});

test('a month failing with 403 marks the archive rate-limited', async () => {
  const { fetchJson } = fakeFetch(v4Files(), { 'a/raw/archive-2025-12.json': 403 });
  const result = await D.loadDashboard({ config, fetchJson });
  assert.equal(result.archive.status, 'rate-limited');
  assert.deepEqual(result.archive.failed, ['2025-12']);
});

test('a month that fails for another reason leaves the rest of history', async () => {
  const { fetchJson } = fakeFetch(v4Files(), { 'a/raw/archive-2025-12.json': 500 });
  const result = await D.loadDashboard({ config, fetchJson });
  assert.equal(result.archive.status, 'partial');
  assert.deepEqual(result.archive.months, ['2025-11']);
  assert.equal(result.days.find((d) => d.date === '2025-12-15').missing, true);
  assert.equal(result.days.find((d) => d.date === '2025-11-25').missing, false);
});

test('without an index the months named by the state are fetched', async () => {
  const files = v4Files();
  delete files['a/raw/archive.json'];
  const { fetchJson } = fakeFetch(files);
  const result = await D.loadDashboard({ config, fetchJson });
  assert.equal(result.archive.status, 'ok', 'a ghtraf state lists its months, so the index is not needed');
  assert.deepEqual(result.archive.months, V4_MONTHS);
  // A state that does not list its months (no `archived` object): the index is asked for.
  const old = v4State();
  delete old.archived;
  const withoutList = fakeFetch({ ...files, 'b/raw/state.json': old });
  const fallback = await D.loadDashboard({ config, fetchJson: withoutList.fetchJson });
  assert.ok(withoutList.calls.some((u) => u.endsWith('/archive.json')));
  assert.equal(fallback.archive.status, 'no-index');
});

test('a legacy state without an index probes months since creation', async () => {
  const { fetchJson, calls } = fakeFetch({
    'b/raw/state.json': gttState(),
    'a/raw/archive-2025-12.json': readFixture('gtt', 'synthetic-archive-2025-12.json'),
    'a/raw/archive-2026-01.json': readFixture('gtt', 'synthetic-archive-2026-01.json'),
  });
  const result = await D.loadDashboard({ config, fetchJson });
  assert.equal(result.archive.status, 'no-index');
  assert.deepEqual(result.archive.months, ['2025-12', '2026-01']);
  assert.deepEqual(result.archive.failed, []);
  assert.ok(calls.some((u) => u.endsWith('archive-2025-11.json')));
  assert.equal(result.days[0].date, '2025-12-01');
});

test('setup states: no gist, no data, unreadable state', async () => {
  const none = await D.loadDashboard({ config: { ...config, badgeGistId: null }, fetchJson: async () => assert.fail('no fetch') });
  assert.equal(none.setup, 'no-gist');
  const empty = await D.loadDashboard({ config, fetchJson: fakeFetch({}).fetchJson });
  assert.equal(empty.setup, 'no-data');
  const fresh = await D.loadDashboard({ config, fetchJson: fakeFetch({ 'b/raw/state.json': { schemaVersion: 4, dailyHistory: [], totals: {} } }).fetchJson });
  assert.equal(fresh.setup, 'no-data');
  await assert.rejects(D.loadDashboard({ config, fetchJson: fakeFetch({}, { 'b/raw/state.json': 500 }).fetchJson }), /HTTP 500/);
});

test('a failed state fetch falls back to this repo\'s cached copy', async () => {
  const cache = memoryStorage();
  await D.loadDashboard({ config, fetchJson: fakeFetch(v4Files()).fetchJson, cache });
  const result = await D.loadDashboard({ config, fetchJson: fakeFetch(v4Files(), { 'b/raw/state.json': 0 }).fetchJson, cache });
  assert.equal(result.stateFromCache, true);
  assert.equal(result.setup, 'ok');
});

// ---- backfill: series, day provenance ----

test('series points are read sorted, one per day, unreadable ones dropped', () => {
  const s = D.readSeries({ points: [['2024-03-05', 13], ['2024-03-01', 12], ['bad', 3], ['2024-03-05', 14], ['2024-02-30', 1], ['2024-03-07', -2], ['2024-03-08', 'x']], complete: false, note: ' cap ', source: 'stargazers', at: '2026-12-01T03:00:00Z' });
  assert.deepEqual(s.points, [['2024-03-01', 12], ['2024-03-05', 14], ['2024-03-07', 0]]);
  assert.equal(s.complete, false);
  assert.equal(s.note, 'cap');
  assert.equal(D.readSeries({ points: [] }), null);
  assert.equal(D.readSeries({ points: [['x', 1]] }), null);
  assert.equal(D.readSeries(null), null);
  assert.equal(D.readSeries({ points: [['2024-03-01', 1]] }).complete, true, 'complete unless it says otherwise');
});

test('series buckets hold the count at the end of each period, 0 before the first point', () => {
  const stars = D.readSeries({ points: [['2024-03-05', 1], ['2024-03-07', 3]], complete: true, at: '2024-03-09T03:00:00Z' });
  const { size, buckets } = D.seriesBuckets({ stars }, { from: '2024-03-01T12:00:00Z' });
  assert.equal(size, 'day');
  assert.deepEqual(buckets.map((b) => [b.key, b.values.stars]), [
    ['2024-03-01', 0], ['2024-03-02', 0], ['2024-03-03', 0], ['2024-03-04', 0], ['2024-03-05', 1],
    ['2024-03-06', 1], ['2024-03-07', 3], ['2024-03-08', 3], ['2024-03-09', 3],
  ]);
  const weekly = D.seriesBuckets({ stars }, { from: '2024-03-01', size: 'week' }).buckets;
  assert.deepEqual(weekly.map((b) => [b.key, b.values.stars]), [['2024-02-26', 0], ['2024-03-04', 3]]);
});

test('an incomplete series stops at its last point; a complete one runs to the day it was read', () => {
  const stars = D.readSeries({ points: [['2024-03-01', 1], ['2024-03-03', 2]], complete: false, note: 'cap', at: '2024-03-06T00:00:00Z' });
  const forks = D.readSeries({ points: [['2024-03-02', 1]], complete: true, at: '2024-03-06T00:00:00Z' });
  const { buckets } = D.seriesBuckets({ stars, forks });
  assert.deepEqual(buckets.map((b) => [b.key, b.values.stars, b.values.forks]), [
    ['2024-03-01', 1, 0], ['2024-03-02', 1, 1], ['2024-03-03', 2, 1], ['2024-03-04', null, 1], ['2024-03-05', null, 1], ['2024-03-06', null, 1],
  ]);
  assert.equal(D.seriesBuckets({ stars: null, forks: null }).buckets.length, 0);
});

test('normalised states carry series, provenance (newest first) and each day\'s backfill', () => {
  const state = D.normalizeState(readFixture('backfill', 'state.json'));
  assert.equal(state.series.stars.points.at(-1)[1], state.repoStats.stars);
  assert.ok(state.series.forks);
  assert.deepEqual(state.provenance.map((p) => p.source), ['stargazers', 'github-repo-stats']);
  const feb2 = state.days.find((d) => d.date === '2026-02-02');
  assert.deepEqual(feb2.backfill, { source: 'github-repo-stats', fields: ['clones', 'uniqueClones'] });
  assert.equal(state.days.find((d) => d.date === '2026-02-10').backfill, null);
  assert.equal(D.normalizeState(v4State()).series, null);
  assert.deepEqual(D.normalizeState(v4State()).provenance, []);
});

test('a backfill marks the figures made of the fields it wrote, and buckets count those days', () => {
  const day = D.normalizeDay({ date: '2026-02-02', clones: 5, views: 9, backfill: { source: 'github-repo-stats', fields: ['uniqueClones', 'clones'] } });
  assert.equal(D.isBackfilled(day, 'clones'), true);
  assert.equal(D.isBackfilled(day, 'organicClones'), true, 'organic clones are made of clones');
  assert.equal(D.isBackfilled(day, 'installs'), true);
  assert.equal(D.isBackfilled(day, 'views'), false);
  assert.equal(D.isBackfilled(D.normalizeDay({ date: '2026-02-03', clones: 1 }), 'clones'), false);
  const other = D.normalizeDay({ date: '2026-02-03', clones: 1, views: 2 });
  const [bucket] = D.bucketize([day, other], 'week', ['clones', 'views']);
  assert.deepEqual(bucket.backfilled, { clones: 1, views: 0 });
  assert.deepEqual(bucket.backfillSources, ['github-repo-stats']);
});

test('all history by month: archived months stand in as their index totals until their days arrive', async () => {
  const index = readFixture('v4', 'archive.json');
  const summaries = D.monthSummaries(index, V4_MONTHS);
  assert.deepEqual([...summaries.keys()], V4_MONTHS);
  const nov = summaries.get('2025-11');
  assert.equal(nov.summary, true);
  assert.equal(nov.views, index.months.find((m) => m.period === '2025-11').totals.views);
  assert.equal(D.monthSummaries({ months: [{ period: '2025-11' }] }, ['2025-11']).size, 0, 'no totals, no stand-in');
  const state = D.normalizeState(v4State());
  const merged = D.withSummaries(state.days, summaries);
  assert.deepEqual(merged.filter((d) => d.summary).map((d) => d.date), ['2025-11-01', '2025-12-01']);
  assert.equal(merged.length, state.days.length + 2);
  const buckets = D.bucketize(merged, 'month', ['views']);
  assert.equal(buckets[0].values.views, nov.views);
  assert.equal(buckets[0].summary, true);
  // A month whose days are held is not doubled.
  assert.equal(D.withSummaries([...D.normalizeState(v4State()).days, D.normalizeDay({ date: '2025-11-25', views: 1 })], summaries).filter((d) => d.summary).length, 1);
  // loadDashboard hands them over (index asked for first) while the months download.
  const { fetchJson, calls } = fakeFetch(v4Files());
  let handed = null;
  await D.loadDashboard({ config, fetchJson, range: 'all', onSummaries: (s) => { handed = s; } });
  assert.equal(calls[1], 'http://gists.test/octo/a/raw/archive.json', 'the index goes out before the months');
  assert.deepEqual([...handed.keys()], V4_MONTHS);
  const quiet = fakeFetch(v4Files());
  await D.loadDashboard({ config, fetchJson: quiet.fetchJson, range: '31', onSummaries: () => assert.fail('31 days need no archive') });
  assert.ok(!quiet.calls.some((u) => u.endsWith('/archive.json')));
});

// ---- archive-recent.json: the newest months in one request ----

const withRecent = () => {
  const files = v4Files();
  files['a/raw/archive-recent.json'] = recentFile(files['b/raw/state.json'], Object.fromEntries(V4_MONTHS.map((p) => [`archive-${p}.json`, files[`a/raw/archive-${p}.json`]])));
  return files;
};

test('all history comes from archive-recent.json in one request when it matches the state', async () => {
  const cache = memoryStorage();
  const { fetchJson, calls } = fakeFetch(withRecent());
  const result = await D.loadDashboard({ config, fetchJson, cache, now: Date.parse('2026-02-26T12:00:00Z') });
  assert.deepEqual(calls.map((u) => u.split('/raw/')[1]), ['state.json', 'archive-recent.json']);
  const byFiles = await D.loadDashboard({ config, fetchJson: fakeFetch(v4Files()).fetchJson, now: Date.parse('2026-02-26T12:00:00Z') });
  assert.deepEqual(result.days, byFiles.days, 'the same days as from the month files');
  assert.deepEqual(result.archive, byFiles.archive);
  // Its months are cached like month files: a revisit asks for the state only.
  const again = fakeFetch(withRecent());
  await D.loadDashboard({ config, fetchJson: again.fetchJson, cache });
  assert.deepEqual(again.calls.map((u) => u.split('/raw/')[1]), ['state.json']);
});

test('month files are read when archive-recent.json is missing, malformed or stale', async () => {
  const cases = {
    missing: (files) => { delete files['a/raw/archive-recent.json']; },
    'not an object': (files) => { files['a/raw/archive-recent.json'] = [1, 2]; },
    'a month without days': (files) => { delete files['a/raw/archive-recent.json'].months[0].dailyHistory; },
    // A backfill rewrote a month after the file was written: the state's archived totals moved.
    stale: (files) => { files['b/raw/state.json'].archived.totals.clones += 1; },
    'other months': (files) => { files['a/raw/archive-recent.json'].archived.months.pop(); },
  };
  for (const [name, spoil] of Object.entries(cases)) {
    const files = withRecent();
    spoil(files);
    const { fetchJson, calls } = fakeFetch(files);
    const result = await D.loadDashboard({ config, fetchJson });
    const asked = calls.map((u) => u.split('/raw/')[1]);
    assert.deepEqual(asked.filter((f) => /^archive-\d/.test(f)).sort(), V4_MONTHS.map((p) => `archive-${p}.json`), name);
    assert.deepEqual(result.archive.months, V4_MONTHS, name);
    assert.equal(result.archive.status, 'ok', name);
  }
  // A network error on it is no worse.
  const { fetchJson } = fakeFetch(withRecent(), { 'a/raw/archive-recent.json': 0 });
  assert.deepEqual((await D.loadDashboard({ config, fetchJson })).archive.months, V4_MONTHS);
});

test('one wanted month does not fetch archive-recent.json', async () => {
  const { fetchJson, calls } = fakeFetch(withRecent());
  await D.loadDashboard({ config, fetchJson, range: '60' });
  assert.deepEqual(calls.map((u) => u.split('/raw/')[1]), ['state.json', 'archive-2025-12.json']);
});

test('numbers are grouped like en-US Intl, without Intl (slow to start in a fresh browser)', () => {
  const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  for (const n of [0, 7, 999, 1000, 1234.5, 12345, 999999.6, 1234567, -1, -1234, -999999.4, 2 ** 40]) {
    assert.equal(D.formatNumber(n), intl.format(Math.round(n)), String(n));
  }
  assert.equal(D.formatNumber(-0.2), '0');
  assert.equal(D.formatNumber(null), '—');
  assert.equal(D.formatNumber(Number.NaN), '—');
  assert.equal(D.formatNumber(Infinity), '∞');
  const source = ['data.js', 'charts.js', 'dashboard.js'].map((f) => readFileSync(new URL(`../../../crates/ghtraf/templates/docs/stats/${f}`, import.meta.url), 'utf8')).join('\n');
  assert.doesNotMatch(source.replace(/^\s*(\/\/|\*).*$/gm, ''), /\bIntl\.|toLocale/, 'no Intl on the way to the first number');
});
