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
function probe() { const tick = () => { const i = document.querySelector('[data-metric="installs-total"]'); if (i && /\d/.test(i.textContent)) { performance.mark('numbers'); window.__done = performance.now(); return; } requestAnimationFrame(tick); }; requestAnimationFrame(tick); }
const N = Number(process.argv[2] || 3);
for (let k = 0; k < N; k++) {
const b = await launch();
const page = await b.context.newPage();
const cdp = await b.context.newCDPSession(page);
const events = [];
cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
const done = new Promise((r) => cdp.on('Tracing.tracingComplete', r));
await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['devtools.timeline', 'v8.execute', 'blink.user_timing', 'loading'] }, transferMode: 'ReportEvents' });
await page.addInitScript(probe);
await page.goto(`${origin}/s/after/`);
await page.waitForFunction(() => window.__done != null, null, { polling: 5 });
const t = await page.evaluate(() => ({ done: window.__done, res: performance.getEntriesByType('resource').map(e => e.name.split('/').pop() + ' ' + e.startTime.toFixed(0) + '-' + e.responseEnd.toFixed(0)), nav: performance.getEntriesByType('navigation').map(n => `resp ${n.responseStart.toFixed(0)}-${n.responseEnd.toFixed(0)} dcl ${n.domContentLoadedEventStart.toFixed(0)}`) }));
await cdp.send('Tracing.end');
await done;
const sends = events.filter((e) => e.name === 'ResourceSendRequest' && String(e.args?.data?.url).includes('/s/after/') && !String(e.args?.data?.url).includes('.json'));
const t0 = sends.length ? sends[0].ts - 1000 * 0 : 0;
const pid = events.find((e) => e.name === 'ParseHTML' && String(e.args?.beginData?.url || '').includes('127.0.0.1'))?.pid;
const rows = events.filter((e) => e.pid === pid && e.ph === 'X' && e.dur > 1500 && e.ts >= t0 && /ParseHTML|EvaluateScript|v8\.|Layout|UpdateLayoutTree|FunctionCall|FireAnimationFrame|Paint|TimerFire|EventDispatch|ResourceReceive|RunMicrotasks|Commit|ParseAuthorStyleSheet/.test(e.name)).map((e) => `${((e.ts - t0) / 1000).toFixed(0)}+${(e.dur / 1000).toFixed(0)} ${e.name}`);
console.log(`--- run ${k}: numbers ${t.done.toFixed(0)} | ${t.nav} | ${t.res.join(' | ')}`);
console.log('   (t0 = index.html request sent) ' + rows.join(' ; '));
await b.close();
}
child.kill();
