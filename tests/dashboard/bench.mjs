// First render of the dashboard in a fresh headless Chromium, the page as it is now side by
// side with an earlier version of it (default: the page before it was inlined), in one run
// so both see the same machine load. Not part of the test run:
//   node bench.mjs [iterations] [--baseline GIT-REF]
//
// Both versions are timed by the same probe, injected before any page script runs: on every
// animation frame it checks the DOM, and records the first frame in which
//   - `state`: the Overview's installs card shows a number (the state's numbers are painted);
//   - `months`: the overview chart of `#overview?range=all` is drawn back to its first month
//     (Jan 2023): three years by month on screen, whatever it was drawn from;
//   - `all`: the status reports every archive month loaded and the chart is drawn (every day
//     of the three years held).
// A frame's callback runs just before that frame is painted, so these are paint times to
// within one frame, measured from navigation start. Requests are counted per page load.
// The current page is served as `ghtraf create` deploys it: config.json written into it.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDeployment, recentFile } from './fixtures/generate.mjs';
import { launch } from './browser.mjs';

/**
 * The page before index.html carried its own code (separate style and script files, charts.js
 * at once). `--baseline 06ab428` is the page before any speed work (the issue's figures).
 */
const DEFAULT_BASELINE = 'bf36812';
const here = dirname(fileURLToPath(import.meta.url));
const PAGE = 'crates/ghtraf/templates/docs/stats';

const args = process.argv.slice(2);
const baselineAt = args.indexOf('--baseline');
const baselineRef = baselineAt >= 0 ? args.splice(baselineAt, 2)[1] : DEFAULT_BASELINE;
const iterations = Number(args[0] || 10);

/** The page's files at `ref`, in a temporary folder. */
function checkoutPage(ref) {
  const dir = mkdtempSync(join(tmpdir(), 'ghtraf-bench-page-'));
  const git = (...a) => execFileSync('git', a, { cwd: join(here, '..', '..'), encoding: 'buffer', maxBuffer: 1 << 26 });
  const names = git('ls-tree', `${ref}:${PAGE}`).toString().split('\n').filter(Boolean).map((line) => line.split('\t')[1]);
  for (const name of names) writeFileSync(join(dir, name), git('show', `${ref}:${PAGE}/${name}`));
  return dir;
}

/** The fixture server in a child process, so its work is not timed with this driver's. */
async function startServerProcess(scenarios) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./serve.mjs', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
  child.stdin.end(JSON.stringify(scenarios));
  const [line] = await once(child.stdout, 'data');
  const origin = String(line).trim();
  return {
    pageUrl: (name, hash = '') => `${origin}/s/${name}/${hash}`,
    close: async () => { child.kill('SIGTERM'); await once(child, 'exit'); },
  };
}

function probe() {
  const seen = {};
  const tick = () => {
    const now = performance.now();
    const installs = document.querySelector('[data-metric="installs-total"]');
    if (seen.state == null && installs && /\d/.test(installs.textContent)) seen.state = now;
    const status = document.getElementById('status');
    if (seen.all == null && status && /\b36 archived months \+/.test(status.textContent) && document.querySelector('#chart-overview svg')) seen.all = now;
    if (seen.months == null && [...document.querySelectorAll('#chart-overview svg text')].some((t) => t.textContent === 'Jan 2023')) seen.months = now;
    window.__benchSeen = seen;
    if (seen.state == null || seen.all == null || seen.months == null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

const { state, files } = buildDeployment({ repo: 'octo/bench', start: '2023-01-01', today: '2026-02-26', capturedAt: '2026-02-26T06:00:00Z' });
const months = Object.keys(files).filter((f) => /^archive-\d/.test(f)).length;
// As collect writes it since the dashboard's first-paint work (pages before it never ask for it).
files['archive-recent.json'] = recentFile(state, files);
const config = { owner: 'octo', repo: 'bench', displayName: 'Bench', created: '2023-01-01', gistOwner: 'octo', badgeGistId: 'b', archiveGistId: 'a' };
const baselineDir = checkoutPage(baselineRef);
const gists = { b: { 'state.json': state }, a: files };
const server = await startServerProcess({
  before: { config, gists, pageDir: baselineDir },
  after: { config, gists, deployed: true },
});

async function measure(context, version, hash, wait) {
  const page = await context.newPage();
  let requests = 0;
  page.on('request', () => { requests += 1; });
  await page.addInitScript(probe);
  await page.goto(server.pageUrl(version, hash));
  await page.waitForFunction((key) => window.__benchSeen && window.__benchSeen[key] != null, wait, { polling: 5 });
  const seen = await page.evaluate(() => window.__benchSeen);
  await page.close();
  return { ...seen, requests };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => `median ${median(xs).toFixed(0).padStart(4)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

const CASES = [
  { label: 'default view', hash: '', key: 'state', report: ['state'] },
  { label: 'range=all', hash: '#overview?range=all', key: 'all', report: ['months', 'all'] },
];
const WHAT = { state: 'state numbers', months: '3 years by month', all: 'every day held' };
console.log(`3-year fixture: ${state.dailyHistory.length} state days + ${months} archive months; ${iterations} fresh browsers per case and version; before = ${baselineRef}, after = working tree`);
for (const { label, hash, key, report } of CASES) {
  const runs = { before: { requests: 0 }, after: { requests: 0 } };
  for (const r of Object.values(runs)) for (const k of report) { r[`${k}:fresh`] = []; r[`${k}:cached`] = []; }
  for (let i = 0; i < iterations; i += 1) {
    // Alternate which version goes first so neither always gets the warmer machine.
    for (const version of i % 2 ? ['after', 'before'] : ['before', 'after']) {
      const browser = await launch();
      const fresh = await measure(browser.context, version, hash, key);
      // A later visit: whatever the first one left in this browser's storage is reused.
      const cached = await measure(browser.context, version, hash, key);
      await browser.close();
      for (const k of report) {
        runs[version][`${k}:fresh`].push(fresh[k]);
        runs[version][`${k}:cached`].push(cached[k]);
      }
      runs[version].requests = fresh.requests;
    }
  }
  for (const k of report) {
    for (const version of ['before', 'after']) {
      const r = runs[version];
      console.log(`${`${label}: ${WHAT[k]}`.padEnd(50)} ${version.padEnd(6)} fresh browser ${spread(r[`${k}:fresh`])}; revisit ${spread(r[`${k}:cached`])}; ${r.requests} requests`);
    }
  }
}
await server.close();
rmSync(baselineDir, { recursive: true, force: true });
