import { buildDeployment, recentFile } from './fixtures/generate.mjs';
import { launch } from './browser.mjs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
const { state, files } = buildDeployment({ repo: 'octo/bench', start: '2023-01-01', today: '2026-02-26', capturedAt: '2026-02-26T06:00:00Z' });
files['archive-recent.json'] = recentFile(state, files);
const config = { owner: 'octo', repo: 'bench', displayName: 'Bench', created: '2023-01-01', gistOwner: 'octo', badgeGistId: 'b', archiveGistId: 'a' };
const child = spawn(process.execPath, ['./serve.mjs'], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
child.stdin.end(JSON.stringify({ after: { config, gists: { b: { 'state.json': state }, a: files } } }));
const [line] = await once(child.stdout, 'data');
const origin = String(line).trim();
function probe() { const seen = {}; const tick = () => { const i = document.querySelector('[data-metric="installs-total"]'); if (i && /\d/.test(i.textContent)) { seen.state = performance.now(); window.__s = seen; return; } if (seen.first == null) seen.first = performance.now(); requestAnimationFrame(tick); }; requestAnimationFrame(tick); window.__s = seen; }
for (let k = 0; k < Number(process.argv[2] || 5); k++) {
  const t0 = Date.now();
  const b = await launch();
  const t1 = Date.now();
  const page = await b.context.newPage();
  await page.addInitScript(probe);
  const t2 = Date.now();
  await page.goto(`${origin}/s/after/`);
  await page.waitForFunction(() => window.__s && window.__s.state != null, null, { polling: 5 });
  const r = await page.evaluate(() => { const n = performance.getEntriesByType('navigation')[0]; const paint = Object.fromEntries(performance.getEntriesByType('paint').map(p=>[p.name,p.startTime])); return { nav: { fetchStart: n.fetchStart, reqStart: n.requestStart, respStart: n.responseStart, respEnd: n.responseEnd, domInteractive: n.domInteractive, dcl: n.domContentLoadedEventEnd }, paint, res: performance.getEntriesByType('resource').map(e => [e.name.split('/').pop(), Math.round(e.startTime), Math.round(e.responseEnd)]), seen: window.__s }; });
  console.log(`launch ${t1-t0} ms newPage ${t2-t1}`, JSON.stringify(r));
  await b.close();
}
child.kill();
