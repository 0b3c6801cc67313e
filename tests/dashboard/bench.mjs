// Time to first full render of 3 years of daily history (36 archive months + state) in
// headless Chromium, cold (empty localStorage) and warm (month files cached). Not part of
// the test run: `node bench.mjs [iterations]`.
import { startServer } from './server.mjs';
import { buildDeployment } from './fixtures/generate.mjs';
import { launch } from './browser.mjs';

const iterations = Number(process.argv[2] || 10);
const { state, files } = buildDeployment({ repo: 'octo/bench', start: '2023-02-01', today: '2026-02-26', capturedAt: '2026-02-26T06:00:00Z' });
const months = Object.keys(files).filter((f) => /^archive-\d/.test(f)).length;
const config = { owner: 'octo', repo: 'bench', displayName: 'Bench', created: '2023-02-01', gistOwner: 'octo', badgeGistId: 'b', archiveGistId: 'a' };
const server = await startServer({ bench: { config, gists: { b: { 'state.json': state }, a: files } } });

async function measure(context, hash) {
  const page = await context.newPage();
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
  const warm = [];
  for (let i = 0; i < iterations; i += 1) {
    const browser = await launch();
    cold.push(await measure(browser.context, hash));
    warm.push(await measure(browser.context, hash));
    await browser.close();
  }
  if (!cold[0].days.includes('36 archived months')) throw new Error(`unexpected status: ${cold[0].days}`);
  summary(`${label}, cold`, cold);
  summary(`${label}, warm cache`, warm);
}
await server.close();
