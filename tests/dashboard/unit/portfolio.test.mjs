// portfolio.js's data logic (the hub's portfolio page), imported directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as P from '../../../crates/ghtraf/templates/docs/portfolio/portfolio.js';
import { buildPortfolio } from '../fixtures/portfolio.mjs';

const NOW = Date.parse('2026-02-26T12:00:00Z');

test('a repository entry: absent numbers stay null, bad links are dropped, last30 sorted and capped', () => {
  const r = P.normalizeRepo({
    repo: 'octo/a',
    dashboardUrl: 'javascript:alert(1)',
    totals: { clones: 10, views: 7.4, downloads: 'x' },
    last30: [{ date: '2026-02-02', views: 3 }, { date: '2026-02-01', views: 1, uniqueViews: 1 }, { date: '2026-02-30', views: 9 }, { date: 'x' }],
    stars: null,
  });
  assert.equal(r.dashboardUrl, null);
  assert.equal(r.displayName, 'a');
  assert.equal(r.totals.views, 7);
  assert.equal(r.totals.downloads, null);
  assert.equal(r.totals.organicClones, null);
  assert.equal(r.installs, null, 'no downloads and no organic clones: unknown, not 0');
  assert.deepEqual(r.last30.map((d) => d.date), ['2026-02-01', '2026-02-02']);
  assert.equal(r.last30[1].uniqueViews, null, 'an absent unique stays absent');
  assert.equal(r.stars, null);
  assert.equal(P.normalizeRepo({ repo: 'octo' }), null);
  assert.equal(P.normalizeRepo({ repo: 'octo/a/b' }), null);
  assert.equal(P.normalizeRepo({ repo: 'octo/a', dashboardUrl: 'https://octo.github.io/a/stats/' }).dashboardUrl, 'https://octo.github.io/a/stats/');
  const many = P.normalizeRepo({ repo: 'o/r', last30: Array.from({ length: 40 }, (_, i) => ({ date: `2026-01-${String(i + 1).padStart(2, '0')}`, views: i })).filter((d) => !d.date.endsWith('-32')) });
  assert.equal(many.last30.length, 30);
});

test('the portfolio file: version checks, invalid and repeated entries counted', () => {
  const { portfolio } = buildPortfolio({ n: 20 });
  const p = P.normalizePortfolio(portfolio);
  assert.equal(p.repos.length, 20);
  assert.equal(p.skipped, 2);
  assert.throws(() => P.normalizePortfolio([]), /not a JSON object/);
  assert.throws(() => P.normalizePortfolio({ repos: [] }), /no schemaVersion/);
  assert.throws(() => P.normalizePortfolio({ schemaVersion: 2, repos: [] }), /newer ghtraf/);
  assert.deepEqual(P.normalizePortfolio({ schemaVersion: 1 }).repos, []);
});

test('sparklines share one 30-day axis; missing days are gaps; totals and maxima', () => {
  const dates = P.sparkDates('2026-02-26');
  assert.equal(dates.length, 30);
  assert.equal(dates[0], '2026-01-28');
  assert.equal(dates[29], '2026-02-26');
  const last30 = [{ date: '2026-02-24', views: 4, clones: 1, downloads: 2 }, { date: '2026-02-26', views: 8, clones: 0, downloads: null }];
  const s = P.sparkline(last30, 'views', { end: '2026-02-26', width: 120, height: 28 });
  assert.equal(s.points, 2);
  assert.equal(s.total, 12);
  assert.equal(s.max, 8);
  assert.equal((s.path.match(/M/g) || []).length, 2, 'Feb 25 is missing: two runs');
  assert.equal(s.path, 'M110.9,14.0M119.0,1.0', 'x: 1 + day × 118/29; y: 1 + 26 × (1 − value/max)');
  assert.equal(P.sparkline(last30, 'installs', { end: '2026-02-26' }).total, 3 + 0);
  assert.deepEqual(P.sparkline([], 'views', { end: '2026-02-26' }), { path: '', points: 0, max: 0, total: 0, width: 96, height: 26 });
  assert.equal(P.last30Sum({ last30 }, 'downloads'), 2);
  assert.equal(P.last30Sum({ last30: [] }, 'views'), null);
});

test('status: failed beats stale; fresh within 26 h; never collected is stale', () => {
  const base = P.normalizeRepo({ repo: 'o/r', capturedAt: '2026-02-26T03:00:00Z' });
  assert.equal(P.repoStatus(base, NOW), 'ok');
  assert.equal(P.repoStatus({ ...base, capturedAt: '2026-02-25T08:00:00Z' }, NOW), 'stale');
  assert.equal(P.repoStatus({ ...base, capturedAt: null }, NOW), 'stale');
  assert.equal(P.repoStatus({ ...base, error: 'HTTP 502' }, NOW), 'error');
  assert.equal(P.ago(null), 'never');
  assert.equal(P.ago(5.5), '5 h ago');
  assert.equal(P.ago(72), '3 days ago');
});

test('sorting puts unknown values last both ways and breaks ties by name; filters', () => {
  const repos = [
    P.normalizeRepo({ repo: 'o/b', stars: 5, capturedAt: '2026-02-26T03:00:00Z' }),
    P.normalizeRepo({ repo: 'o/a', stars: 5, capturedAt: '2026-02-26T03:00:00Z' }),
    P.normalizeRepo({ repo: 'o/c', stars: null, error: 'boom' }),
    P.normalizeRepo({ repo: 'x/d', displayName: 'Delta', stars: 9 }),
  ];
  assert.deepEqual(P.sortRepos(repos, 'stars', 'desc').map((r) => r.repo), ['x/d', 'o/a', 'o/b', 'o/c']);
  assert.deepEqual(P.sortRepos(repos, 'stars', 'asc').map((r) => r.repo), ['o/a', 'o/b', 'x/d', 'o/c']);
  assert.deepEqual(P.sortRepos(repos, 'name', 'asc').map((r) => r.repo), ['o/a', 'o/b', 'o/c', 'x/d']);
  assert.deepEqual(repos.filter((r) => P.matches(r, { query: 'DEL', now: NOW })).map((r) => r.repo), ['x/d']);
  assert.deepEqual(repos.filter((r) => P.matches(r, { query: 'o/', now: NOW })).map((r) => r.repo), ['o/b', 'o/a', 'o/c']);
  assert.deepEqual(repos.filter((r) => P.matches(r, { show: 'problems', now: NOW })).map((r) => r.repo), ['o/c', 'x/d']);
  assert.deepEqual(repos.filter((r) => P.matches(r, { show: 'error', now: NOW })).map((r) => r.repo), ['o/c']);
});

test('portfolio.json is found from portfolioUrl or the hub gist', () => {
  assert.equal(P.portfolioUrl({ portfolioUrl: 'https://example.test/p.json', portfolioGistId: 'x' }), 'https://example.test/p.json');
  assert.equal(P.portfolioUrl({ portfolioGistId: 'abc', gistOwner: 'octo' }), 'https://gist.githubusercontent.com/octo/abc/raw/portfolio.json');
  assert.equal(P.portfolioUrl({ portfolioGistId: 'abc', owner: 'octo', gistRawBase: 'http://127.0.0.1:9/raw/' }), 'http://127.0.0.1:9/raw/octo/abc/raw/portfolio.json');
  assert.equal(P.portfolioUrl({}), null);
  assert.equal(P.formatNumber(1234567.4), '1,234,567');
  assert.equal(P.formatNumber(null), '—');
});
