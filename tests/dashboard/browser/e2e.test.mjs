// ghtraf's pieces together, offline: fakehub (a fake GitHub on loopback) serves the demo
// repository, the real `ghtraf create` deploys docs/stats into a fresh clone, `ghtraf collect`
// writes the gist, and the page ghtraf wrote is opened in Chromium, reading that gist from
// fakehub. The numbers it renders are checked against `ghtraf export` and the gist's
// state.json, so the CLI, the state format and the dashboard are shown to agree.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve as resolvePath, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launch } from '../browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// A relative CARGO_TARGET_DIR is relative to the workspace root, where cargo is run.
const BIN = join(resolvePath(ROOT, process.env.CARGO_TARGET_DIR || 'target'), 'debug');
const GHTRAF = join(BIN, 'ghtraf');
const FAKEHUB = join(BIN, 'fakehub');
// One pinned moment for fakehub's "today", ghtraf's clock and the page's: with the real date,
// a run that crossed midnight UTC between `create`, `collect` and the page saw different days.
const NOW = '2026-02-26T03:00:00Z';
const TODAY = NOW.slice(0, 10);
const fmt = (n) => n.toLocaleString('en-US');
const sum = (days, field) => days.reduce((s, d) => s + d[field], 0);

let hub;
let hubStderr = '';
let work;
let site;
let browser;
/** What the run produced: the API base, the deployed config, `export`'s days, state.json. */
const run = {};
/** Every URL the page asked for, and its uncaught errors. */
const pageRequests = [];
const pageErrors = [];

/** Starts fakehub on a free port and resolves with the base URL it prints first. */
function startFakehub() {
  hub = spawn(FAKEHUB, ['--port', '0', '--today', TODAY], { stdio: ['ignore', 'pipe', 'pipe'] });
  hub.stderr.setEncoding('utf8').on('data', (chunk) => { hubStderr += chunk; });
  const lines = createInterface({ input: hub.stdout });
  return new Promise((resolve, reject) => {
    hub.once('error', reject);
    hub.once('exit', (code) => reject(new Error(`fakehub exited (${code}) before printing its URL: ${hubStderr}`)));
    // The interface keeps reading after the first line, so fakehub's stdout never fills up.
    lines.once('line', (line) => (line.startsWith('http://127.0.0.1:') ? resolve(line.trim()) : reject(new Error(`fakehub printed ${line}`))));
  });
}

/** Runs ghtraf in the clone; resolves with {code, stdout, stderr} whatever the exit code. */
function ghtraf(args, env) {
  return new Promise((resolve) => {
    execFile(GHTRAF, args, { cwd: join(work, 'demo'), env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

async function ghtrafOk(args, env) {
  const result = await ghtraf(args, env);
  assert.equal(result.code, 0, `ghtraf ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.md': 'text/markdown' };

/**
 * Serves `<clone>/docs` as GitHub Pages would (server.mjs serves the template directory with a
 * generated config; here the page and config.json must be exactly what `create` wrote).
 */
async function serveDocs(docs) {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(docs, path));
    if (!file.startsWith(docs + sep)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

before(async () => {
  for (const bin of [GHTRAF, FAKEHUB]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`cargo build -p ghtraf -p fakehub\` first (the project's test command builds it before these tests)`);
  }
  run.base = await startFakehub();
  work = mkdtempSync(join(tmpdir(), 'ghtraf-e2e-'));
  const clone = join(work, 'demo');
  mkdirSync(join(clone, '.git'), { recursive: true });
  writeFileSync(join(clone, '.git', 'config'), '[remote "origin"]\n\turl = https://github.com/octo/demo.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n');
  // ghtraf's clock is fakehub's "today"; variables a CI job may carry (the repository, a
  // host) would point ghtraf elsewhere.
  const env = { ...process.env, GHTRAF_NOW: NOW, GHTRAF_API_URL: run.base, GH_TOKEN: 'x', GHTRAF_GIST_TOKEN: 'y', NO_PROXY: '*', no_proxy: '*', HOME: work, NO_COLOR: '1' };
  for (const name of ['GITHUB_REPOSITORY', 'GH_HOST', 'GITHUB_TOKEN', 'CLICOLOR_FORCE']) delete env[name];
  run.env = env;
  await ghtrafOk(['create', '-n'], env);
  await ghtrafOk(['collect', '-n'], env);
  run.days = JSON.parse(await ghtrafOk(['export', '--format', 'json'], env)).days;
  run.config = JSON.parse(await readFile(join(clone, 'docs', 'stats', 'config.json'), 'utf8'));
  run.stateUrl = `${run.config.gistRawBase}/${run.config.gistOwner}/${run.config.badgeGistId}/raw/state.json`;
  const response = await fetch(run.stateUrl);
  assert.equal(response.status, 200, `${run.stateUrl}: HTTP ${response.status}`);
  run.state = await response.json();
  site = await serveDocs(join(clone, 'docs'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (hub && hub.exitCode === null) {
    const exited = new Promise((resolve) => hub.once('exit', resolve));
    hub.kill();
    await exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openDashboard() {
  const page = await browser.context.newPage();
  page.on('request', (request) => pageRequests.push(request.url()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.clock.setFixedTime(NOW);
  await page.goto(`${site.origin}/stats/`);
  await page.waitForSelector('html[data-ready="true"]');
  return page;
}

test('the deployment points the page at the fake\'s gists and the data is non-trivial', () => {
  assert.equal(run.config.gistRawBase, `${run.base}/gist-raw`);
  assert.equal(run.config.owner, 'octo');
  assert.equal(run.config.repo, 'demo');
  assert.equal(run.days.length, 14, 'one collection holds the 14-day traffic window');
  assert.ok(sum(run.days, 'views') > 0 && sum(run.days, 'organic_clones') > 0, 'the demo world has traffic');
  assert.ok(run.state.totals.downloads > 0, 'the demo world has release downloads');
  // Totals are the days' sums (nothing archived, no baseline traffic in a new repository).
  assert.equal(run.state.totals.views, sum(run.days, 'views'));
  assert.equal(run.state.totals.organicClones, sum(run.days, 'organic_clones'));
});

test('the Overview cards show export\'s sums and the gist\'s downloads', async () => {
  const page = await openDashboard();
  const metric = (name) => page.textContent(`[data-metric="${name}"]`);
  const organic = sum(run.days, 'organic_clones');
  assert.equal(await metric('views-total'), fmt(sum(run.days, 'views')));
  assert.equal(await metric('clones-total'), fmt(organic));
  assert.equal(await metric('installs-total'), fmt(run.state.totals.downloads + organic));
  assert.equal(await page.textContent('#status'), `Loaded ${run.days.length} days of history from state.json (no month archived yet).`);
  await page.close();
});

test('the chart\'s table lists every exported day; the latest complete day has export\'s values', async () => {
  const page = await openDashboard();
  const details = page.locator('details[data-table="overview"]');
  await details.locator('summary').click();
  await details.locator('tbody tr').first().waitFor();
  const rows = await details.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    period: tr.dataset.period,
    label: tr.querySelector('th').textContent,
    cells: Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.field, td.textContent])),
  })));
  assert.deepEqual(rows.map((r) => r.period), run.days.map((d) => d.date).reverse(), 'newest first, no gaps');
  // A day is complete once collected after its end: the collection ran on the newest exported
  // day, so the latest complete day is the one before it.
  const capturedDay = run.state.capturedAt.slice(0, 10);
  assert.equal(capturedDay, TODAY);
  assert.equal(run.days.at(-1).date, capturedDay, 'the collection\'s own day is exported');
  const latest = run.days.at(-2);
  const row = rows.find((r) => r.period === latest.date);
  assert.doesNotMatch(row.label, /incomplete/);
  assert.deepEqual(row.cells, {
    installs: fmt(latest.downloads + latest.organic_clones),
    views: fmt(latest.views),
    uniqueViews: fmt(latest.unique_views),
    organicClones: fmt(latest.organic_clones),
    downloads: fmt(latest.downloads),
  });
  assert.match(rows[0].label, /\(incomplete\)$/, 'today is labelled incomplete');
  const installs = latest.downloads + latest.organic_clones;
  if (installs > 0) assert.equal(await page.textContent('[data-metric="installs-recency"]'), `+${fmt(installs)} 24h`);
  await page.close();
});

test('ghtraf verify finds only the unpushed workflow (exit 3)', async () => {
  const { code, stdout, stderr } = await ghtraf(['verify'], run.env);
  assert.equal(code, 3, `${stdout}\n${stderr}`);
  const deviations = `${stdout}\n${stderr}`.split('\n').filter((line) => /^\s*DEVIATION\b/.test(line));
  assert.equal(deviations.length, 1, deviations.join('\n'));
  assert.match(deviations[0], /workflow:pushed/);
});

test('the page read the gist from fakehub, never left loopback and never threw', () => {
  assert.ok(pageRequests.includes(run.stateUrl), `the page fetched ${run.stateUrl}`);
  assert.deepEqual(browser.offLoopback, []);
  assert.deepEqual(pageErrors, []);
});
