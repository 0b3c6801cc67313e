// The portfolio page of a ghtraf hub: one table of every repository the hub collects, read
// from the hub's `portfolio.json` (the gist raw URL named by config.json; no API calls).
// The data logic (reading the file, sparklines, sorting, filtering, freshness) is exported
// for `node --test`; the UI at the bottom only runs in a page that has the table.

const DAY_MS = 86400000;

/** The eight Totals fields every repository carries (state-format.md, "Totals"). */
export const TOTAL_FIELDS = [
  'clones', 'uniqueClones', 'views', 'uniqueViews', 'downloads',
  'ciCheckouts', 'organicClones', 'organicUniqueClones',
];

/** Daily fields of `last30` the sparkline can draw. */
export const SPARK_FIELDS = {
  views: 'Views',
  clones: 'Clones',
  downloads: 'Downloads',
  installs: 'Installs',
};

/** A non-negative integer, or null when the value is absent or not a number. */
function count(value) {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.round(value)) : null;
}

function dayKey(value) {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}-\d{2}-\d{2})$/.exec(value);
  if (!match) return null;
  const ms = Date.parse(`${match[1]}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === match[1] ? match[1] : null;
}

function timestamp(value) {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

/**
 * Thousands separators, fixed to en-US so the page matches the badges and the dashboards.
 * By hand, as in the dashboard's data.js: a fresh browser's first Intl formatter costs 20–80 ms.
 */
export function formatNumber(n) {
  if (n == null || Number.isNaN(n)) return '—';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
  const whole = Math.round(n);
  const digits = String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return whole < 0 ? `-${digits}` : digits;
}

/**
 * One repository entry in the page's shape; null when it has no `owner/name`. Absent or
 * unreadable numbers become null (shown as "—"), never an invented 0.
 */
export function normalizeRepo(raw) {
  if (!raw || typeof raw !== 'object' || typeof raw.repo !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(raw.repo)) return null;
  const totalsRaw = raw.totals && typeof raw.totals === 'object' ? raw.totals : {};
  const totals = Object.fromEntries(TOTAL_FIELDS.map((f) => [f, count(totalsRaw[f])]));
  const byDate = new Map();
  for (const day of Array.isArray(raw.last30) ? raw.last30 : []) {
    const date = day && dayKey(day.date);
    if (!date) continue;
    byDate.set(date, {
      date,
      clones: count(day.clones),
      uniqueClones: count(day.uniqueClones),
      views: count(day.views),
      uniqueViews: count(day.uniqueViews),
      downloads: count(day.downloads),
    });
  }
  const last30 = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1)).slice(-30);
  let dashboardUrl = null;
  if (typeof raw.dashboardUrl === 'string') {
    // Only web links: a javascript: or data: URL in the file must never become a link.
    try {
      const url = new URL(raw.dashboardUrl);
      if (url.protocol === 'https:' || url.protocol === 'http:') dashboardUrl = url.href;
    } catch { /* not a URL: no link */ }
  }
  return {
    repo: raw.repo,
    displayName: typeof raw.displayName === 'string' && raw.displayName.trim() ? raw.displayName.trim() : raw.repo.split('/')[1],
    dashboardUrl,
    badgeGistId: typeof raw.badgeGistId === 'string' ? raw.badgeGistId : null,
    capturedAt: timestamp(raw.capturedAt),
    totals,
    installs: totals.downloads == null && totals.organicClones == null ? null : (totals.downloads ?? 0) + (totals.organicClones ?? 0),
    last30,
    stars: count(raw.stars),
    error: typeof raw.error === 'string' && raw.error.trim() ? raw.error.trim() : null,
  };
}

/**
 * `portfolio.json` (schemaVersion 1) in the page's shape: `{generatedAt, repos, skipped}`;
 * `skipped` counts entries that name no repository. Throws with a readable message when the
 * file is not a portfolio this page understands.
 */
export function normalizePortfolio(raw) {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('portfolio.json is not a JSON object');
  const version = count(raw.schemaVersion);
  if (version == null) throw new Error('portfolio.json has no schemaVersion: is it a ghtraf portfolio?');
  if (version > 1) throw new Error(`portfolio.json has schema version ${version}, written by a newer ghtraf; update this page with the hub command`);
  const list = Array.isArray(raw.repos) ? raw.repos : [];
  const repos = [];
  const seen = new Set();
  let skipped = 0;
  for (const entry of list) {
    const repo = normalizeRepo(entry);
    if (!repo || seen.has(repo.repo.toLowerCase())) { skipped += 1; continue; }
    seen.add(repo.repo.toLowerCase());
    repos.push(repo);
  }
  return { generatedAt: timestamp(raw.generatedAt), repos, skipped };
}

/** A day's value of a sparkline field (installs = downloads + clones, as the hub sums them). */
export function dayValue(day, field) {
  if (field === 'installs') return day.downloads == null && day.clones == null ? null : (day.downloads ?? 0) + (day.clones ?? 0);
  return day[field];
}

/** Sum of a field over the repository's last 30 days (null when none was recorded). */
export function last30Sum(repo, field) {
  let sum = null;
  for (const day of repo.last30) {
    const v = dayValue(day, field);
    if (v != null) sum = (sum ?? 0) + v;
  }
  return sum;
}

/**
 * The sparkline of a repository's last 30 days ending at `end` (the newest day in the whole
 * portfolio, so every row shares one time axis): one slot per day, days without data are
 * gaps. Returns `{path, points, max, total, width, height}`; `path` is an SVG path.
 */
export function sparkline(last30, field, { end, days = 30, width = 96, height = 26, dates = sparkDates(end, days) } = {}) {
  const values = new Map(last30.map((d) => [d.date, dayValue(d, field)]));
  const slots = dates.map((date) => values.get(date) ?? null);
  const known = slots.filter((v) => v != null);
  const max = known.length ? Math.max(...known) : 0;
  const step = days > 1 ? (width - 2) / (days - 1) : 0;
  const y = (v) => (max > 0 ? 1 + (height - 2) * (1 - v / max) : height - 1);
  let path = '';
  let drawing = false;
  slots.forEach((v, i) => {
    if (v == null) { drawing = false; return; }
    path += `${drawing ? 'L' : 'M'}${(1 + i * step).toFixed(1)},${y(v).toFixed(1)}`;
    drawing = true;
  });
  return { path, points: known.length, max, total: known.reduce((s, v) => s + v, 0), width, height };
}

/** The `days` dates ending at `end`, oldest first: the shared time axis of every sparkline. */
export function sparkDates(end, days = 30) {
  const endMs = Date.parse(`${end}T00:00:00Z`);
  const out = [];
  for (let i = days - 1; i >= 0; i -= 1) out.push(new Date(endMs - i * DAY_MS).toISOString().slice(0, 10));
  return out;
}

/** Freshness of a capture: `fresh` (< 26 h), `stale` (< 50 h), `old`, or `unknown`. */
export function freshness(capturedAt, now = Date.now()) {
  const t = Date.parse(capturedAt ?? '');
  if (Number.isNaN(t)) return { level: 'unknown', hours: null };
  const hours = Math.max(0, (now - t) / 3600000);
  return { level: hours < 26 ? 'fresh' : hours < 50 ? 'stale' : 'old', hours };
}

/** `ok`, `stale` (no collection for a day or more, or never) or `error` (the last one failed). */
export function repoStatus(repo, now = Date.now()) {
  if (repo.error) return 'error';
  const { level } = freshness(repo.capturedAt, now);
  return level === 'fresh' ? 'ok' : 'stale';
}

export function ago(hours) {
  if (hours == null) return 'never';
  if (hours < 1) return 'under an hour ago';
  if (hours < 48) return `${Math.floor(hours)} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** Sortable columns: key → value of a repository (null sorts last either way). */
export const SORT_KEYS = {
  name: (r) => r.displayName.toLowerCase(),
  installs: (r) => r.installs,
  downloads: (r) => r.totals.downloads,
  organicClones: (r) => r.totals.organicClones,
  views: (r) => r.totals.views,
  uniqueViews: (r) => r.totals.uniqueViews,
  stars: (r) => r.stars,
  recent: (r, ctx) => last30Sum(r, ctx.spark),
  captured: (r) => (r.capturedAt ? Date.parse(r.capturedAt) : null),
};

/** Repositories in display order: by `key` and `dir` ('asc'|'desc'), ties by name. */
export function sortRepos(repos, key, dir, ctx = { spark: 'views' }) {
  const get = SORT_KEYS[key] || SORT_KEYS.name;
  const sign = dir === 'asc' ? 1 : -1;
  return repos.slice().sort((a, b) => {
    const va = get(a, ctx);
    const vb = get(b, ctx);
    if (va == null || vb == null) {
      if (va == null && vb != null) return 1;
      if (vb == null && va != null) return -1;
    } else if (va !== vb) {
      return (va < vb ? -1 : 1) * sign;
    }
    return a.repo.toLowerCase() < b.repo.toLowerCase() ? -1 : 1;
  });
}

/** Whether a repository matches the text filter (owner/name or display name) and `show`. */
export function matches(repo, { query = '', show = 'all', now = Date.now() } = {}) {
  const q = query.trim().toLowerCase();
  if (q && !repo.repo.toLowerCase().includes(q) && !repo.displayName.toLowerCase().includes(q)) return false;
  if (show === 'all') return true;
  const status = repoStatus(repo, now);
  if (show === 'problems') return status !== 'ok';
  return status === show;
}

/** Raw URL of `portfolio.json`: `portfolioUrl`, else the gist's raw URL like the dashboard's. */
export function portfolioUrl(config) {
  if (!config || typeof config !== 'object') return null;
  if (typeof config.portfolioUrl === 'string' && config.portfolioUrl) return config.portfolioUrl;
  if (!config.portfolioGistId) return null;
  const base = String(config.gistRawBase || 'https://gist.githubusercontent.com').replace(/\/+$/, '');
  return `${base}/${encodeURIComponent(config.gistOwner || config.owner)}/${encodeURIComponent(config.portfolioGistId)}/raw/portfolio.json`;
}

// ---- the page -------------------------------------------------------------------------

const COLUMNS = [
  { key: 'name', label: 'Repository', num: false },
  { key: 'installs', label: 'Installs', num: true, title: 'release downloads + organic clones, all time' },
  { key: 'downloads', label: 'Downloads', num: true },
  { key: 'organicClones', label: 'Organic clones', num: true, title: 'clones minus CI checkouts' },
  { key: 'views', label: 'Views', num: true },
  { key: 'uniqueViews', label: 'Unique views', num: true },
  { key: 'stars', label: 'Stars', num: true },
  { key: 'recent', label: 'Last 30 days', num: true },
  { key: 'captured', label: 'Last collection', num: false },
];

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function startPage() {
  const $ = (id) => document.getElementById(id);
  const ui = { repos: [], rows: new Map(), sort: 'installs', dir: 'desc', query: '', show: 'all', spark: 'views', now: Date.now(), end: null, dates: [] };

  const setStatus = (text, kind = 'info') => { $('status').textContent = text; $('status').dataset.kind = kind; };

  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    if (SORT_KEYS[params.get('sort')]) ui.sort = params.get('sort');
    if (['asc', 'desc'].includes(params.get('dir'))) ui.dir = params.get('dir');
    if (['all', 'problems', 'error', 'stale', 'ok'].includes(params.get('show'))) ui.show = params.get('show');
    if (SPARK_FIELDS[params.get('spark')]) ui.spark = params.get('spark');
    ui.query = params.get('q') || '';
  }

  function writeHash() {
    const params = new URLSearchParams();
    if (ui.sort !== 'installs') params.set('sort', ui.sort);
    if (ui.dir !== 'desc') params.set('dir', ui.dir);
    if (ui.show !== 'all') params.set('show', ui.show);
    if (ui.spark !== 'views') params.set('spark', ui.spark);
    if (ui.query) params.set('q', ui.query);
    const hash = params.toString();
    history.replaceState(null, '', hash ? `#${hash}` : location.pathname + location.search);
  }

  function sparkCell(repo) {
    const s = sparkline(repo.last30, ui.spark, { end: ui.end, dates: ui.dates });
    const name = SPARK_FIELDS[ui.spark];
    const label = s.points
      ? `${name}, last 30 days: ${formatNumber(s.total)} in total, at most ${formatNumber(s.max)} a day`
      : `${name}, last 30 days: nothing recorded`;
    const chart = svg('svg', { viewBox: `0 0 ${s.width} ${s.height}`, width: s.width, height: s.height, role: 'img', 'aria-label': label, class: 'spark' });
    const title = svg('title');
    title.textContent = label;
    chart.append(title);
    if (s.path) chart.append(svg('path', { d: s.path, class: 'spark-line' }));
    else chart.append(svg('line', { x1: 1, x2: s.width - 1, y1: s.height - 1, y2: s.height - 1, class: 'spark-empty' }));
    return h('td', { class: 'spark-cell', 'data-field': 'recent', 'data-total': s.points ? s.total : '' },
      h('div', { class: 'spark-wrap' }, chart, h('span', { class: 'spark-total', text: formatNumber(s.points ? s.total : null) })));
  }

  function collectionCell(repo) {
    const status = repoStatus(repo, ui.now);
    const fresh = freshness(repo.capturedAt, ui.now);
    const when = repo.capturedAt ? `${ago(fresh.hours)}` : 'never collected';
    const detail = status === 'error' ? `failed: ${repo.error}` : status === 'stale' ? 'stale' : 'ok';
    return h('td', { class: `collection ${status}`, 'data-field': 'captured', title: repo.capturedAt || null },
      h('span', { class: 'state-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'when', text: when }),
      h('span', { class: 'detail', text: ` · ${detail}` }));
  }

  function buildRow(repo) {
    const num = (field, value) => h('td', { class: 'num', 'data-field': field, text: formatNumber(value) });
    const nameCell = h('th', { scope: 'row', 'data-field': 'name' },
      repo.dashboardUrl ? h('a', { href: repo.dashboardUrl, text: repo.displayName }) : h('span', { text: repo.displayName }),
      h('span', { class: 'repo-id muted', text: repo.repo }),
      repo.dashboardUrl ? null : h('span', { class: 'muted no-dash', text: 'no dashboard' }));
    return h('tr', { 'data-repo': repo.repo, 'data-status': repoStatus(repo, ui.now) },
      nameCell,
      num('installs', repo.installs),
      num('downloads', repo.totals.downloads),
      num('organicClones', repo.totals.organicClones),
      num('views', repo.totals.views),
      num('uniqueViews', repo.totals.uniqueViews),
      num('stars', repo.stars),
      sparkCell(repo),
      collectionCell(repo));
  }

  function renderHead() {
    const tr = h('tr', {}, COLUMNS.map((c) => {
      const active = ui.sort === c.key;
      return h('th', { scope: 'col', class: c.num ? 'num' : null, 'aria-sort': active ? (ui.dir === 'asc' ? 'ascending' : 'descending') : null },
        h('button', {
          type: 'button',
          class: 'sort',
          'data-sort': c.key,
          title: c.title || null,
          onclick: () => {
            if (ui.sort === c.key) ui.dir = ui.dir === 'asc' ? 'desc' : 'asc';
            else { ui.sort = c.key; ui.dir = c.num || c.key === 'captured' ? 'desc' : 'asc'; }
            writeHash();
            renderHead();
            arrange();
            document.querySelector(`button[data-sort="${c.key}"]`).focus();
          },
        }, c.key === 'recent' ? `${SPARK_FIELDS[ui.spark]}, last 30 days` : c.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true', text: active ? (ui.dir === 'asc' ? ' ▲' : ' ▼') : '' })));
    }));
    $('portfolio-head').replaceChildren(tr);
  }

  /** Reorders and hides the existing rows (built once), so 500 repositories stay quick. */
  function arrange() {
    const body = $('portfolio-body');
    const order = sortRepos(ui.repos, ui.sort, ui.dir, { spark: ui.spark });
    let shown = 0;
    const fragment = document.createDocumentFragment();
    for (const repo of order) {
      const row = ui.rows.get(repo.repo);
      row.hidden = !matches(repo, { query: ui.query, show: ui.show, now: ui.now });
      if (!row.hidden) shown += 1;
      fragment.append(row);
    }
    body.replaceChildren(fragment);
    $('empty').hidden = shown > 0;
    $('count').textContent = shown === ui.repos.length
      ? `(all ${formatNumber(shown)})`
      : `Showing ${formatNumber(shown)} of ${formatNumber(ui.repos.length)} repositories`;
  }

  function renderRows() {
    ui.rows = new Map(ui.repos.map((repo) => [repo.repo, buildRow(repo)]));
    arrange();
  }

  function renderSummary(portfolio) {
    const sum = (get) => ui.repos.reduce((s, r) => s + (get(r) ?? 0), 0);
    const errors = ui.repos.filter((r) => repoStatus(r, ui.now) === 'error').length;
    const stale = ui.repos.filter((r) => repoStatus(r, ui.now) === 'stale').length;
    const card = (metric, label, value, detail) => h('div', { class: 'card' },
      h('h2', { class: 'card-label', text: label }), h('p', { class: 'card-value', 'data-metric': metric, text: value }), detail ? h('p', { class: 'card-detail', text: detail }) : null);
    $('summary').replaceChildren(
      card('repos', 'Repositories', formatNumber(ui.repos.length)),
      card('installs', 'Installs', formatNumber(sum((r) => r.installs)), 'downloads + organic clones'),
      card('views', 'Views', formatNumber(sum((r) => r.totals.views))),
      card('stars', 'Stars', formatNumber(sum((r) => r.stars))),
      card('problems', 'Need attention', formatNumber(errors + stale), `${formatNumber(errors)} failed · ${formatNumber(stale)} stale`));
    const generated = portfolio.generatedAt ? `collected ${portfolio.generatedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}` : null;
    $('subtitle').textContent = [`${formatNumber(ui.repos.length)} repositories`, generated].filter(Boolean).join(' · ');
  }

  function setupControls() {
    const filter = $('filter');
    const show = $('show');
    const spark = $('spark');
    filter.value = ui.query;
    show.value = ui.show;
    spark.value = ui.spark;
    filter.addEventListener('input', () => { ui.query = filter.value; writeHash(); arrange(); });
    show.addEventListener('change', () => { ui.show = show.value; writeHash(); arrange(); });
    spark.addEventListener('change', () => { ui.spark = spark.value; writeHash(); renderHead(); renderRows(); });
    const theme = $('theme');
    theme.value = document.documentElement.dataset.theme || 'system';
    theme.addEventListener('change', () => {
      document.documentElement.dataset.theme = theme.value;
      try { localStorage.setItem('ghtraf:theme', theme.value); } catch { /* storage disabled */ }
    });
  }

  async function main() {
    readHash();
    setupControls();
    const boot = window.ghtrafPortfolioBoot;
    let portfolio;
    try {
      if (!boot) throw new Error('the page\'s first script did not run');
      const raw = await boot;
      portfolio = normalizePortfolio(raw);
    } catch (error) {
      setStatus(`The portfolio could not be loaded: ${error && error.message ? error.message : error}`, 'error');
      return;
    }
    ui.repos = portfolio.repos;
    ui.end = ui.repos.reduce((end, r) => (r.last30.length && r.last30.at(-1).date > end ? r.last30.at(-1).date : end), '') || new Date(ui.now).toISOString().slice(0, 10);
    ui.dates = sparkDates(ui.end);
    renderSummary(portfolio);
    renderHead();
    renderRows();
    $('portfolio').hidden = false;
    const notes = [`Loaded ${formatNumber(ui.repos.length)} repositories.`];
    if (portfolio.skipped) notes.push(`${formatNumber(portfolio.skipped)} entries without a valid owner/name (or repeated) were left out.`);
    if (ui.repos.length === 0) notes.push('The hub has no repository yet: add some with the hub command.');
    setStatus(notes.join(' '), portfolio.skipped ? 'warn' : 'info');
  }

  main().finally(() => { document.documentElement.dataset.ready = 'true'; });
}

if (typeof document !== 'undefined' && document.getElementById('portfolio-body')) startPage();
