// The hub's portfolio page (crates/ghtraf/templates/docs/portfolio/) in headless Chromium
// against a generated 500-repository portfolio.json on loopback. Expected figures are
// computed here from the fixture, independently of portfolio.js.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_DIR, PORTFOLIO_DIR, startServer } from '../server.mjs';
import { buildPortfolio } from '../fixtures/portfolio.mjs';
import { launch } from '../browser.mjs';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
const { portfolio, now: NOW } = buildPortfolio({ n: 500 });
const REPOS = portfolio.repos.slice(0, 500);
const fmt = (n) => (n == null ? '—' : n.toLocaleString('en-US'));
const pageDirs = [PORTFOLIO_DIR, PAGE_DIR];

let server;
let browser;
const pageErrors = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer({
    hub: { pageDirs, config: { gistOwner: 'octo', portfolioGistId: 'hubgist' }, gists: { hubgist: { 'portfolio.json': portfolio } } },
    'hub-url': { pageDirs, config: null, gists: { g: { 'portfolio.json': { schemaVersion: 1, generatedAt: null, repos: REPOS.slice(0, 3) } } } },
    'hub-403': { pageDirs, config: { gistOwner: 'octo', portfolioGistId: 'hubgist' }, gists: {}, statuses: { 'hubgist/*': 403 } },
    'hub-noconfig': { pageDirs, config: null, gists: {} },
    'hub-newer': { pageDirs, config: { gistOwner: 'octo', portfolioGistId: 'x' }, gists: { x: { 'portfolio.json': { schemaVersion: 2, repos: [] } } } },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(scenario, hash = '') {
  const page = await browser.context.newPage();
  const requested = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  page.on('pageerror', (error) => pageErrors.push(`${scenario}${hash}: ${error.message}`));
  await page.clock.setFixedTime(NOW);
  await page.goto(server.pageUrl(scenario, hash));
  await page.waitForSelector('html[data-ready="true"]');
  page.requested = requested;
  return page;
}

/** Every visible row: repo, name, link, status and cell texts by data-field. */
function rows(page) {
  return page.locator('#portfolio-body tr:not([hidden])').evaluateAll((trs) => trs.map((tr) => {
    const link = tr.querySelector('th a');
    return {
      repo: tr.dataset.repo,
      status: tr.dataset.status,
      name: (link || tr.querySelector('th span')).textContent,
      href: link ? link.getAttribute('href') : null,
      cells: Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.field, td.textContent])),
      spark: tr.querySelector('svg.spark').getAttribute('aria-label'),
      sparkTotal: tr.querySelector('td[data-field="recent"]').dataset.total,
    };
  }));
}

const installs = (r) => r.totals.downloads + r.totals.organicClones;
const sum30 = (r, f) => (r.last30.length ? r.last30.reduce((s, d) => s + d[f], 0) : null);
function expectedStatus(r) {
  if (r.error) return 'error';
  if (!r.capturedAt) return 'stale';
  return (NOW - Date.parse(r.capturedAt)) / 3600000 < 26 ? 'ok' : 'stale';
}

test('every one of 500 repositories shows its totals, sparkline, collection and link', async () => {
  const started = Date.now();
  const page = await open('hub');
  const loadMs = Date.now() - started;
  const shown = await rows(page);
  assert.equal(shown.length, 500);
  const byRepo = new Map(shown.map((r) => [r.repo, r]));
  for (const r of REPOS) {
    const row = byRepo.get(r.repo);
    assert.ok(row, r.repo);
    assert.equal(row.cells.installs, fmt(installs(r)), `${r.repo} installs`);
    assert.equal(row.cells.downloads, fmt(r.totals.downloads), `${r.repo} downloads`);
    assert.equal(row.cells.organicClones, fmt(r.totals.organicClones), `${r.repo} organic clones`);
    assert.equal(row.cells.views, fmt(r.totals.views), `${r.repo} views`);
    assert.equal(row.cells.uniqueViews, fmt(r.totals.uniqueViews), `${r.repo} unique views`);
    assert.equal(row.cells.stars, fmt(r.stars), `${r.repo} stars`);
    const views30 = sum30(r, 'views');
    assert.equal(row.sparkTotal, views30 == null ? '' : String(views30), `${r.repo} sparkline total`);
    assert.match(row.cells.recent, new RegExp(`${fmt(views30).replace(/[—,]/g, (c) => `\\${c}`)}$`));
    assert.match(row.spark, views30 == null ? /nothing recorded/ : new RegExp(`^Views, last 30 days: ${fmt(views30)} in total`));
    assert.equal(row.status, expectedStatus(r), `${r.repo} status`);
    if (r.error) assert.match(row.cells.captured, new RegExp(`failed: ${r.error}`));
    if (r.dashboardUrl && r.dashboardUrl.startsWith('https:')) assert.equal(row.href, r.dashboardUrl);
    else assert.equal(row.href, null, `${r.repo} has no link`);
  }
  assert.match(await page.textContent('#status'), /^Loaded 500 repositories\. 2 entries without a valid owner\/name \(or repeated\) were left out\./);
  assert.equal(await page.textContent('[data-metric="repos"]'), '500');
  assert.equal(await page.textContent('[data-metric="installs"]'), fmt(REPOS.reduce((s, r) => s + installs(r), 0)));
  assert.equal(await page.textContent('[data-metric="views"]'), fmt(REPOS.reduce((s, r) => s + r.totals.views, 0)));
  assert.equal(await page.textContent('[data-metric="stars"]'), fmt(REPOS.reduce((s, r) => s + (r.stars ?? 0), 0)));
  const problems = REPOS.filter((r) => expectedStatus(r) !== 'ok').length;
  assert.equal(await page.textContent('[data-metric="problems"]'), fmt(problems));
  // The data came from the hub gist's raw file alone.
  assert.deepEqual(page.requested.filter((p) => p.startsWith('/raw/')), ['/raw/hub/octo/hubgist/raw/portfolio.json']);
  console.log(`# 500-repository portfolio: data-ready ${loadMs} ms after goto (loaded machine, informative only)`);
  await page.screenshot({ path: join(ARTIFACTS, 'portfolio.png') });
  await page.close();
});

test('names are text, never markup; only web links become links', async () => {
  const page = await open('hub');
  const shown = new Map((await rows(page)).map((r) => [r.repo, r]));
  assert.equal(shown.get(REPOS[2].repo).name, REPOS[2].displayName);
  assert.equal(await page.locator('#portfolio img').count(), 0);
  assert.notEqual(await page.title(), '1');
  assert.equal(shown.get(REPOS[5].repo).href, null, 'a javascript: URL is not linked');
  assert.match(shown.get(REPOS[1].repo).cells.name ?? (await page.textContent(`tr[data-repo="${REPOS[1].repo}"] th`)), /no dashboard/);
  assert.match(shown.get(REPOS[1].repo).cells.captured, /never collected/);
  await page.close();
});

test('sorting by any column, both ways, by mouse and keyboard', async () => {
  const page = await open('hub');
  const order = async () => (await rows(page)).map((r) => r.repo);
  const byName = (a, b) => (a.repo < b.repo ? -1 : 1);
  const sorted = (get, dir) => REPOS.slice().sort((a, b) => {
    const va = get(a);
    const vb = get(b);
    if (va == null || vb == null) return va == null && vb == null ? byName(a, b) : va == null ? 1 : -1;
    return va === vb ? byName(a, b) : (va < vb ? -1 : 1) * (dir === 'asc' ? 1 : -1);
  }).map((r) => r.repo);
  assert.deepEqual(await order(), sorted(installs, 'desc'), 'installs, most first, by default');
  assert.equal(await page.getAttribute('th:has(button[data-sort="installs"])', 'aria-sort'), 'descending');
  await page.click('button[data-sort="views"]');
  assert.deepEqual(await order(), sorted((r) => r.totals.views, 'desc'));
  await page.click('button[data-sort="views"]');
  assert.deepEqual(await order(), sorted((r) => r.totals.views, 'asc'));
  assert.equal(await page.getAttribute('th:has(button[data-sort="views"])', 'aria-sort'), 'ascending');
  assert.equal(await page.getAttribute('th:has(button[data-sort="installs"])', 'aria-sort'), null);
  // Keyboard: Tab reaches the header buttons; Enter and Space sort; focus stays put.
  await page.focus('button[data-sort="stars"]');
  await page.keyboard.press('Enter');
  assert.deepEqual(await order(), sorted((r) => r.stars, 'desc'), 'repositories without a star count last');
  await page.keyboard.press('Space');
  assert.deepEqual(await order(), sorted((r) => r.stars, 'asc'));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.sort), 'stars');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  assert.deepEqual(await order(), sorted((r) => r.totals.uniqueViews, 'desc'));
  await page.click('button[data-sort="name"]');
  assert.deepEqual(await order(), sorted((r) => r.displayName.toLowerCase(), 'asc'));
  assert.match(page.url(), /#sort=name&dir=asc$/);
  await page.close();
});

test('filtering by name and by collection state, kept in the link', async () => {
  const page = await open('hub');
  await page.fill('#filter', 'octo-org/');
  const org = REPOS.filter((r) => r.repo.startsWith('octo-org/'));
  assert.equal((await rows(page)).length, org.length);
  assert.equal(await page.textContent('#count'), `Showing ${org.length} of 500 repositories`);
  await page.fill('#filter', 'Repo 42');
  assert.deepEqual((await rows(page)).map((r) => r.repo).sort(), REPOS.filter((r) => r.displayName.includes('Repo 42')).map((r) => r.repo).sort());
  await page.fill('#filter', '');
  await page.selectOption('#show', 'problems');
  const problems = await rows(page);
  assert.deepEqual(problems.map((r) => r.repo).sort(), REPOS.filter((r) => expectedStatus(r) !== 'ok').map((r) => r.repo).sort());
  await page.selectOption('#show', 'error');
  assert.deepEqual((await rows(page)).map((r) => r.repo), [REPOS[0].repo]);
  await page.fill('#filter', 'no such repository');
  assert.equal(await page.isVisible('#empty'), true);
  const url = page.url();
  await page.close();
  const again = await open('hub', url.slice(url.indexOf('#')));
  assert.equal(await again.inputValue('#filter'), 'no such repository');
  assert.equal(await again.inputValue('#show'), 'error');
  assert.equal((await rows(again)).length, 0);
  await again.close();
});

test('the sparkline can show downloads instead of views', async () => {
  const page = await open('hub', '#spark=downloads');
  assert.equal(await page.inputValue('#spark'), 'downloads');
  const shown = new Map((await rows(page)).map((r) => [r.repo, r]));
  for (const r of REPOS.slice(0, 50)) {
    const total = sum30(r, 'downloads');
    assert.equal(shown.get(r.repo).sparkTotal, total == null ? '' : String(total), r.repo);
  }
  assert.match(await page.textContent('button[data-sort="recent"]'), /^Downloads, last 30 days/);
  // Days missing from last30 are gaps in the line, not zeros.
  const path = await page.getAttribute(`tr[data-repo="${REPOS[6].repo}"] path.spark-line`, 'd');
  assert.equal((path.match(/M/g) || []).length, 8, 'every 4th day missing: 8 separate runs');
  await page.close();
});

test('a portfolio named by portfolioUrl; errors are said plainly', async () => {
  // config.json with a direct URL instead of a gist id.
  const page = await browser.context.newPage();
  await page.route('**/s/hub-url/config.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ portfolioUrl: `${server.gistOrigin}/raw/hub-url/any/g/raw/portfolio.json` }) }));
  await page.goto(server.pageUrl('hub-url'));
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal((await rows(page)).length, 3);
  await page.close();
  const limited = await open('hub-403');
  assert.match(await limited.textContent('#status'), /portfolio\.json: HTTP 403 \(rate-limited/);
  assert.equal(await limited.getAttribute('#status', 'data-kind'), 'error');
  assert.equal(await limited.isVisible('#portfolio'), false);
  await limited.close();
  const missing = await open('hub-noconfig');
  assert.match(await missing.textContent('#status'), /config\.json: HTTP 404/);
  await missing.close();
  const newer = await open('hub-newer');
  assert.match(await newer.textContent('#status'), /schema version 2, written by a newer ghtraf/);
  await newer.close();
});

test('dark theme screenshot; nothing left loopback and no page threw', async () => {
  const page = await open('hub');
  await page.selectOption('#theme', 'dark');
  await page.screenshot({ path: join(ARTIFACTS, 'portfolio-dark.png') });
  await page.selectOption('#theme', 'system');
  await page.close();
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(browser.offLoopback, []);
});
