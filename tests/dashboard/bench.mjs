// Time to first full render of 3 years of daily history (36 archive months + state) in
// headless Chromium: first page of a new browser, a later visit with an empty cache, and a
// visit with the month files cached in localStorage. Not part of the test run:
// `node bench.mjs [iterations]`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { buildDeployment } from './fixtures/generate.mjs';
import { launch } from './browser.mjs';

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

const iterations = Number(process.argv[2] || 10);
const { state, files } = buildDeployment({ repo: 'octo/bench', start: '2023-01-01', today: '2026-02-26', capturedAt: '2026-02-26T06:00:00Z' });
const months = Object.keys(files).filter((f) => /^archive-\d/.test(f)).length;
const config = { owner: 'octo', repo: 'bench', displayName: 'Bench', created: '2023-01-01', gistOwner: 'octo', badgeGistId: 'b', archiveGistId: 'a' };
const server = await startServerProcess({ bench: { config, gists: { b: { 'state.json': state }, a: files } } });

async function measure(context, hash, { clearStorage = false } = {}) {
  const page = await context.newPage();
  if (clearStorage) await page.addInitScript(() => localStorage.clear());
  await page.goto(server.pageUrl('bench', hash));
  await page.waitForSelector('html[data-ready="true"]');
  const t = await page.evaluate(() => {
    const mark = (name) => performance.getEntriesByName(name)[0].startTime;
    return { first: mark('ghtraf:first-render'), loaded: mark('ghtraf:loaded'), rendered: mark('ghtraf:rendered') };
  });
  const days = await page.evaluate(() => document.querySelector('#status').textContent);
  await page.close();
  return { ...t, days };
}

function summary(label, runs) {
  const pick = (key) => runs.map((r) => r[key]).sort((a, b) => a - b);
  const median = (xs) => xs[Math.floor(xs.length / 2)];
  const rendered = pick('rendered');
  const loaded = pick('loaded');
  const first = pick('first');
  const render = runs.map((r) => r.rendered - r.loaded).sort((a, b) => a - b);
  console.log(`${label.padEnd(38)} full render median ${median(rendered).toFixed(0)} ms (min ${rendered[0].toFixed(0)}, max ${rendered.at(-1).toFixed(0)}); state-only first render ${median(first).toFixed(0)} ms; all data loaded ${median(loaded).toFixed(0)} ms; render after load ${median(render).toFixed(0)} ms`);
}

console.log(`3-year fixture: ${state.dailyHistory.length} state days + ${months} archive months; ${iterations} runs each; times from navigation start`);
for (const [label, hash] of [['all history (month buckets)', '#overview?range=all'], ['31 days (default)', ''], ['all history by day', '#overview?range=all&group=day']]) {
  const cold = [];
  const dataCold = [];
  const warm = [];
  for (let i = 0; i < iterations; i += 1) {
    const browser = await launch();
    cold.push(await measure(browser.context, hash));
    dataCold.push(await measure(browser.context, hash, { clearStorage: true }));
    await measure(browser.context, hash);
    warm.push(await measure(browser.context, hash));
    await browser.close();
  }
  if (!cold[0].days.includes('36 archived months')) throw new Error(`unexpected status: ${cold[0].days}`);
  summary(`${label}, new browser`, cold);
  summary(`${label}, empty cache`, dataCold);
  summary(`${label}, months cached`, warm);
}
await server.close();
