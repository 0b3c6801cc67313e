// index.html carries the page's first-paint code (tests/dashboard/inline.mjs): it must be
// what the sources say, and ask for no file on the way to the state's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundle, buildIndex, indexNow } from '../inline.mjs';

test('index.html holds the current style.css, favicon.svg, dashboard.js, data.js and charts.js', () => {
  const { current, built } = indexNow();
  assert.ok(current === built, 'index.html is out of date: run node tests/dashboard/inline.mjs');
});

test('index.html loads no script or stylesheet file: only config.json (preloaded)', () => {
  const { current } = indexNow();
  const refs = [...current.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(refs.filter((r) => !r.startsWith('data:')), ['config.json']);
  assert.doesNotMatch(current, /\bimport\b[^;\n]*\.js'/);
});

test('the bundle exposes every export of data.js under D, and refuses what it cannot inline', () => {
  const files = {
    'dashboard.js': "import * as D from './data.js';\nimport * as charts from './charts.js';\nwindow.out = D;\nwindow.charts = charts;\n",
    'charts.js': 'export function draw() { return 2; }\n',
    'data.js': 'const hidden = 1;\nexport function a() { return hidden; }\nexport async function b() {}\nexport const c = 3;\n',
  };
  const code = bundle((name) => files[name]);
  const window = {};
  new Function('window', code)(window);
  assert.deepEqual(Object.keys(window.out), ['a', 'b', 'c']);
  assert.equal(window.out.a(), 1);
  assert.equal(window.charts.draw(), 2);
  assert.throws(() => bundle((name) => ({ ...files, 'data.js': 'export default 1;\n' })[name]), /only `export function/);
  assert.throws(() => bundle((name) => ({ ...files, 'data.js': "import x from './y.js';\n" })[name]), /must not import/);
  const read = (name) => ({ ...files, 'style.css': 'a{}</style>', 'favicon.svg': '<svg/>' })[name];
  const html = '<link rel="icon" data-inline="favicon.svg" href="">\n<style data-inline="style.css">\n</style>\n<script type="module" data-inline="dashboard.js">\n</script>\n';
  assert.throws(() => buildIndex(html, read), /style\.css contains "<\/style"/);
  assert.throws(() => buildIndex('<html></html>', read), /expected 3 data-inline elements/);
});
