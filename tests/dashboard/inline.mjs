// Writes the page's first-paint code into index.html, so a first visit needs no request
// beyond index.html, config.json and state.json before the state's numbers are painted
// (each extra request on that path cost 50–400 ms in a fresh, loaded headless Chromium):
//   - <style data-inline="style.css">          ← style.css
//   - <link rel="icon" data-inline="favicon.svg"> ← favicon.svg as a data: URL
//   - <script type="module" data-inline="dashboard.js"> ← dashboard.js with data.js and charts.js inside
// style.css, data.js, charts.js and dashboard.js stay the sources (the unit tests import data.js
// and charts.js, the hub's portfolio page uses style.css). Run after editing any of them:
//   node tests/dashboard/inline.mjs           rewrite index.html
//   node tests/dashboard/inline.mjs --check   exit 1 if index.html is out of date
// (unit/page.test.mjs runs the check, so the suite fails on a stale index.html).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'crates', 'ghtraf', 'templates', 'docs', 'stats');

/** The modules dashboard.js imports, by the one line that imports each. */
const IMPORTS = [
  ['D', 'data.js', "import * as D from './data.js';"],
  ['charts', 'charts.js', "import * as charts from './charts.js';"],
];

/** A module's source as an expression: its body in a function that returns its exports. */
function moduleExpression(name, source) {
  if (/^\s*import\s/m.test(source)) throw new Error(`${name} must not import anything: it is inlined into index.html`);
  const names = [...source.matchAll(/^export (?:async function|function|const|let) (\w+)/gm)].map((m) => m[1]);
  const other = source.match(/^export (?!(?:async function|function|const|let) )/m);
  if (other) throw new Error(`${name}: only \`export function|const|let\` can be inlined, found ${JSON.stringify(other[0])}`);
  const body = source.replace(/^export /gm, '');
  return `(() => {\n// ---- ${name} (inlined by tests/dashboard/inline.mjs) ----\n${body}\nreturn Object.freeze({ ${names.join(', ')} });\n})()`;
}

/** dashboard.js with each `import * as X from './m.js'` replaced by that module itself. */
export function bundle(read) {
  let code = read('dashboard.js');
  for (const [binding, file, line] of IMPORTS) {
    if (code.split(line).length !== 2) throw new Error(`dashboard.js must contain \`${line}\` exactly once`);
    code = code.replace(line, () => `const ${binding} = ${moduleExpression(file, read(file))};`);
  }
  return code;
}

/** Text that may sit inside a <script> or <style> element without ending it early. */
function checked(text, element, name) {
  if (new RegExp(`</${element}`, 'i').test(text) || /<!--/.test(text)) throw new Error(`${name} contains "</${element}" or "<!--": it cannot be inlined`);
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** index.html with every data-inline element filled from the sources `read(name)` returns. */
export function buildIndex(html, read) {
  let count = 0;
  const out = html
    .replace(/(<style data-inline="style\.css">\n)[\s\S]*?(<\/style>)/, (_, open, close) => {
      count += 1;
      return `${open}${checked(read('style.css'), 'style', 'style.css')}${close}`;
    })
    .replace(/(<script type="module" data-inline="dashboard\.js">\n)[\s\S]*?(<\/script>)/, (_, open, close) => {
      count += 1;
      return `${open}${checked(bundle(read), 'script', 'dashboard.js')}${close}`;
    })
    .replace(/<link rel="icon" data-inline="favicon\.svg" href="[^"]*">/, () => {
      count += 1;
      return `<link rel="icon" data-inline="favicon.svg" href="data:image/svg+xml,${encodeURIComponent(read('favicon.svg').trim())}">`;
    });
  if (count !== 3) throw new Error(`index.html: expected 3 data-inline elements (style.css, dashboard.js, favicon.svg), found ${count}`);
  return out;
}

const readPage = (name) => readFileSync(join(PAGE_DIR, name), 'utf8');

/** The current index.html and what it should be. */
export function indexNow() {
  const current = readPage('index.html');
  return { current, built: buildIndex(current, readPage) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { current, built } = indexNow();
  if (process.argv.includes('--check')) {
    if (current !== built) {
      console.error('index.html is out of date: run node tests/dashboard/inline.mjs');
      process.exit(1);
    }
  } else if (current !== built) {
    writeFileSync(join(PAGE_DIR, 'index.html'), built);
    console.log('index.html rewritten');
  } else {
    console.log('index.html is up to date');
  }
}
