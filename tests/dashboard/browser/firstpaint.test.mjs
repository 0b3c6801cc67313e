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

test('first visit: only config.json and state.json before the numbers; charts.js after the state, drawn a frame later', async () => {
  const page = await browser.context.newPage();
  await page.addInitScript(probe);
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.pageUrl('v4'));
  await page.waitForFunction(() => window.__seen && window.__seen.chart != null);
  const seen = await page.evaluate(() => window.__seen);
  const resources = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => ({ name: new URL(e.name).pathname.split('/').pop(), start: e.startTime, end: e.responseEnd })));
  const byName = Object.fromEntries(resources.map((r) => [r.name, r]));
  const beforeNumbers = resources.filter((r) => r.start < seen.numbersAt).map((r) => r.name);
  assert.deepEqual(beforeNumbers.filter((n) => n !== 'charts.js'), ['config.json', 'state.json']);
  assert.ok(byName['charts.js'], 'charts.js is loaded');
  assert.ok(byName['charts.js'].start >= byName['state.json'].end, `charts.js asked for at ${byName['charts.js'].start} ms, after state.json arrived at ${byName['state.json'].end} ms`);
  assert.equal(seen.chartInSameFrame, false, 'the chart is not drawn in the frame that paints the numbers');
  assert.ok(seen.chart > seen.numbers, `chart in frame ${seen.chart}, numbers in frame ${seen.numbers}`);
  assert.deepEqual(errors, []);
  await page.close();
});
