// The dashboard's UI: reads config.json, loads the gist data through data.js and renders
// the five tabs. Numbers are written as text first; charts are drawn after the frame that
// paints them, and a failure there never hides a figure. index.html holds this file with
// data.js and charts.js inside it (tests/dashboard/inline.mjs), so nothing the page shows
// waits for a script file.

import * as D from './data.js';
import * as charts from './charts.js';

/** Resolves once the next frame has been painted: charts wait for the numbers to be on screen. */
function afterPaint() {
  return new Promise((resolve) => { requestAnimationFrame(() => { setTimeout(resolve, 0); }); });
}

const TABS = ['overview', 'installs', 'views', 'community', 'dev'];
/** Deep-link targets that are sections inside a tab (the badges link to #clones). */
const SECTION_LINKS = { clones: 'dev', downloads: 'installs', referrers: 'views', paths: 'views', ci: 'dev', freshness: 'dev', history: 'community', sources: 'dev' };
const RANGES = ['7', '31', '90', '365', 'all'];
const GROUPS = ['auto', 'day', 'week', 'month'];

/** Okabe–Ito colours, distinguishable with the common colour-vision deficiencies. */
const COLORS = {
  installs: 'var(--oi-orange)',
  downloads: 'var(--oi-vermillion)',
  organicClones: 'var(--oi-bluegreen)',
  clones: 'var(--oi-blue)',
  uniqueClones: 'var(--oi-sky)',
  organicUniqueClones: 'var(--oi-sky)',
  ciCheckouts: 'var(--oi-purple)',
  views: 'var(--oi-blue)',
  uniqueViews: 'var(--oi-purple)',
  stars: 'var(--oi-orange)',
  forks: 'var(--oi-bluegreen)',
  openIssues: 'var(--oi-purple)',
};

const ui = {
  config: null,
  result: null,
  tab: 'overview',
  range: '31',
  group: 'auto',
  hiddenSeries: new Set(),
  now: Date.now(),
  /** Archived months' totals from the index, shown by month until their files arrive. */
  summaries: null,
};

const $ = (id) => document.getElementById(id);
const fmt = D.formatNumber;

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

function setStatus(message, kind = 'info') {
  const status = $('status');
  status.textContent = message;
  status.dataset.kind = kind;
}

// ---- URL state -----------------------------------------------------------------------

/** `#views?range=90&group=week` → {tab, section, range, group}. Unknown parts fall back. */
function parseHash(hash) {
  const [name, query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  let tab = TABS.includes(name) ? name : null;
  let section = null;
  if (!tab && SECTION_LINKS[name]) { tab = SECTION_LINKS[name]; section = name; }
  const range = params.get('range');
  const group = params.get('group');
  return {
    tab: tab || 'overview',
    section,
    range: RANGES.includes(range) ? range : '31',
    group: GROUPS.includes(group) ? group : 'auto',
  };
}

function hashFor(tab, section = null) {
  const params = new URLSearchParams();
  if (ui.range !== '31') params.set('range', ui.range);
  if (ui.group !== 'auto') params.set('group', ui.group);
  const query = params.toString();
  return `#${section || tab}${query ? `?${query}` : ''}`;
}

function applyHash({ focusSection = true } = {}) {
  const parsed = parseHash(location.hash);
  const rangeChanged = parsed.range !== ui.range || parsed.group !== ui.group;
  ui.range = parsed.range;
  ui.group = parsed.group;
  $('range').value = ui.range;
  $('group').value = ui.group;
  showTab(parsed.tab);
  if (rangeChanged) { renderAll(); loadRange(); }
  if (parsed.section && focusSection) {
    const target = document.querySelector(`[data-section="${parsed.section}"]`);
    if (target) target.scrollIntoView({ block: 'start' });
  }
}

// ---- tabs ----------------------------------------------------------------------------

function showTab(tab) {
  ui.tab = tab;
  renderTab(tab);
  for (const name of TABS) {
    const selected = name === tab;
    const button = $(`tab-${name}`);
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`panel-${name}`).hidden = !selected;
  }
}

function selectTab(tab, { focus = false } = {}) {
  if (tab !== ui.tab || parseHash(location.hash).section) history.pushState(null, '', hashFor(tab));
  showTab(tab);
  if (focus) $(`tab-${tab}`).focus();
}

function setupTabs() {
  const list = $('tablist');
  list.addEventListener('click', (event) => {
    const button = event.target.closest('[role="tab"]');
    if (button) selectTab(button.id.replace('tab-', ''));
  });
  list.addEventListener('keydown', (event) => {
    const index = TABS.indexOf(ui.tab);
    const next = {
      ArrowRight: (index + 1) % TABS.length,
      ArrowLeft: (index - 1 + TABS.length) % TABS.length,
      Home: 0,
      End: TABS.length - 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    selectTab(TABS[next], { focus: true });
  });
  window.addEventListener('popstate', () => applyHash());
  window.addEventListener('hashchange', () => applyHash());
}

// ---- controls ------------------------------------------------------------------------

function setupControls() {
  const theme = $('theme');
  theme.value = document.documentElement.dataset.theme || 'system';
  theme.addEventListener('change', () => {
    document.documentElement.dataset.theme = theme.value;
    try { localStorage.setItem('ghtraf:theme', theme.value); } catch { /* storage disabled */ }
  });
  $('range').addEventListener('change', (event) => {
    ui.range = event.target.value;
    history.replaceState(null, '', hashFor(ui.tab));
    renderAll();
    loadRange();
  });
  $('group').addEventListener('change', (event) => {
    ui.group = event.target.value;
    history.replaceState(null, '', hashFor(ui.tab));
    renderAll();
  });
  $('export-csv').addEventListener('click', () => download('csv'));
  $('export-json').addEventListener('click', () => download('json'));
}

async function download(kind) {
  // The files hold all of history, whatever range is shown.
  await loadRange('all');
  const { state, days } = ui.result;
  const { owner, repo } = ui.config;
  const body = kind === 'csv' ? D.toCSV(days) : D.toJSON(state, days, { owner, repo, now: Date.now() });
  const blob = new Blob([body], { type: kind === 'csv' ? 'text/csv' : 'application/json' });
  const link = h('a', { href: URL.createObjectURL(blob), download: `${owner}-${repo}-traffic.${kind}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// ---- building blocks -----------------------------------------------------------------

function card(metric, label, value, ...details) {
  return h('div', { class: 'card' },
    h('h3', { class: 'card-label', text: label }),
    h('p', { class: 'card-value', 'data-metric': metric, text: value }),
    ...details.filter(Boolean).map((d) => (d instanceof Node ? d : h('p', { class: 'card-detail', text: d }))));
}

function recencyNote(field) {
  const label = D.recencyLabel(D.recency(ui.result.days, field));
  return label ? h('p', { class: 'card-detail recency', 'data-metric': `${field}-recency`, text: label }) : null;
}

function currentBuckets(fields) {
  const days = D.filterRange(ui.result.days, ui.range);
  // All history while month files download: months not held yet are their index totals.
  const merged = ui.range === 'all' ? D.withSummaries(days, ui.summaries) : days;
  const stand = merged.filter((d) => d.summary).reduce((n, d) => n + (d.summaryDays ?? 30), 0);
  const size = ui.group === 'auto' ? D.autoBucket(ui.range, days.length + stand) : ui.group;
  return { size, buckets: D.bucketize(size === 'month' ? merged : days, size, fields) };
}

function pointFor(bucket, field) {
  const measured = bucket.values[field];
  const projected = bucket.projected[field];
  if (measured == null && projected == null) return null;
  // Stars, forks and issues are observations even on an incomplete day.
  const snapshot = field === 'stars' || field === 'forks' || field === 'openIssues';
  const isProjection = !snapshot && (bucket.partial || (projected != null && projected !== measured));
  return { y: isProjection ? projected ?? measured : measured, projected: isProjection, backfilled: bucket.backfilled[field] > 0 };
}

/** The table's Source cell of a bucket: ghtraf, or which backfill wrote its shown figures. */
function sourceText(bucket, fields, size) {
  const touched = fields.filter((f) => bucket.backfilled[f.key] > 0);
  if (touched.length === 0) return 'ghtraf';
  const days = Math.max(...touched.map((f) => bucket.backfilled[f.key]));
  const sources = bucket.backfillSources.join(', ');
  const what = touched.map((f) => f.name.toLowerCase()).join(', ');
  return size === 'day' ? `backfill: ${sources} (${what})` : `${days} of ${bucket.days} days backfill: ${sources} (${what})`;
}

function cellText(bucket, field) {
  const point = pointFor(bucket, field);
  if (!point) return bucket.missingDays === bucket.days ? 'no data' : '—';
  if (!point.projected) return fmt(point.y);
  const measured = bucket.values[field];
  return `${measured == null ? '—' : fmt(measured)} (≈${fmt(point.y)} projected)`;
}

/**
 * A chart with its legend (series toggles), a note on projections and a table view.
 * `kind` is 'line' or 'stacked'.
 */
function chartBlock({ id, title, kind = 'line', fields, toggles = false, section = null }) {
  const { size, buckets } = currentBuckets(fields.map((f) => f.key));
  const unit = { day: 'per day', week: 'per week', month: 'per month' }[size];
  const chartHost = h('div', { class: 'chart', id: `chart-${id}` });
  const tableHost = h('div', { class: 'table-wrap' });
  const details = h('details', { class: 'chart-table', 'data-table': id },
    h('summary', { text: `Table: ${title} (${unit})` }), tableHost);
  const backfilled = buckets.some((b) => fields.some((f) => b.backfilled[f.key] > 0));
  const draw = () => {
    const visible = fields.filter((f) => !ui.hiddenSeries.has(`${id}:${f.key}`));
    const series = visible.map((f) => ({ name: f.name, color: COLORS[f.key], points: buckets.map((b) => pointFor(b, f.key)) }));
    const marks = buckets.map((b) => visible.some((f) => b.backfilled[f.key] > 0));
    try {
      (kind === 'stacked' ? charts.stackedBarChart : charts.lineChart)(chartHost, { title: `${title}, ${unit}`, labels: buckets.map((b) => b.label), series, marks });
    } catch (error) {
      chartHost.textContent = 'The chart could not be drawn; the table below has every value.';
      console.error(error);
    }
  };
  const legend = h('div', { class: 'legend', role: 'group', 'aria-label': `${title} series` },
    fields.map((f) => {
      const key = `${id}:${f.key}`;
      const swatch = h('span', { class: 'swatch', style: `--series:${COLORS[f.key]}`, 'aria-hidden': 'true' });
      if (!toggles) return h('span', { class: 'legend-item' }, swatch, f.name);
      return h('button', {
        type: 'button',
        class: 'legend-item toggle',
        'aria-pressed': String(!ui.hiddenSeries.has(key)),
        onclick: (event) => {
          if (ui.hiddenSeries.has(key)) ui.hiddenSeries.delete(key); else ui.hiddenSeries.add(key);
          event.currentTarget.setAttribute('aria-pressed', String(!ui.hiddenSeries.has(key)));
          draw();
        },
      }, swatch, f.name);
    }),
    h('span', { class: 'legend-item projection-key' }, h('span', { class: 'swatch projected', 'aria-hidden': 'true' }), 'projected (incomplete day)'),
    backfilled ? h('span', { class: 'legend-item backfill-key', title: 'Days written by ghtraf backfill from another source (another tracker, the CI history, older gist revisions), not collected by ghtraf on the day. The table names the source.' },
      h('span', { class: 'swatch backfilled', 'aria-hidden': 'true' }), 'strip: backfilled days (see the table’s Source column)') : null);
  const fillTable = () => {
    if (tableHost.firstChild) return;
    tableHost.append(h('table', {},
      h('caption', { class: 'visually-hidden', text: `${title} ${unit}` }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: size === 'day' ? 'Date' : 'Period' }), fields.map((f) => h('th', { scope: 'col', text: f.name })),
        backfilled ? h('th', { scope: 'col', text: 'Source' }) : null)),
      h('tbody', {}, buckets.slice().reverse().map((b) => {
        const marked = fields.some((f) => b.backfilled[f.key] > 0);
        return h('tr', { class: [b.partial || b.hasProjection ? 'projected-row' : null, marked ? 'backfilled-row' : null].filter(Boolean).join(' ') || null, 'data-period': b.key, 'data-backfilled': marked ? 'true' : null },
          h('th', { scope: 'row', text: b.partial ? `${b.label} (incomplete)` : b.summary ? `${b.label} (monthly total from the archive index)` : b.label }),
          fields.map((f) => h('td', { 'data-field': f.key, text: cellText(b, f.key) })),
          backfilled ? h('td', { 'data-field': 'source', text: sourceText(b, fields, size) }) : null);
      }))));
  };
  details.addEventListener('toggle', () => { if (details.open) fillTable(); });
  // Charts are drawn at the pixel width of their box; redraw when it changes noticeably.
  let drawnWidth = 0;
  const observer = new ResizeObserver(([entry]) => {
    // A re-render replaced this block: stop observing so it can be collected.
    if (!chartHost.isConnected) { observer.disconnect(); return; }
    const width = entry.contentRect.width;
    if (width > 0 && Math.abs(width - drawnWidth) > 24) {
      const first = drawnWidth === 0;
      drawnWidth = width;
      if (!first) draw();
    }
  });
  observer.observe(chartHost);
  const block = h('section', { class: 'chart-block', 'aria-labelledby': `h-${id}`, 'data-section': section },
    h('h2', { id: `h-${id}` }, title, h('span', { class: 'unit', text: ` · ${unit}` })), legend, chartHost, details);
  // After the frame that paints this render's numbers; not at all if a newer render replaced it.
  afterPaint().then(() => { if (chartHost.isConnected) draw(); });
  return block;
}

function simpleTable(caption, columns, rows, attrs = {}) {
  if (rows.length === 0) return h('p', { class: 'muted', text: `${caption}: nothing recorded yet.` });
  return h('div', { class: 'table-wrap' }, h('table', attrs,
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null, text: c.label })))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c, i) => (i === 0
      ? h('th', { scope: 'row', text: row[c.key] })
      : h('td', { class: c.num ? 'num' : 'text', text: c.num ? fmt(row[c.key]) : row[c.key] }))))))));
}

function rangeLabel() {
  return ui.range === 'all' ? 'all history' : `last ${ui.range} days`;
}

// ---- tabs' content -------------------------------------------------------------------

function renderOverview(panel) {
  const { totals, repoStats } = ui.result.state;
  panel.append(
    h('div', { class: 'cards' },
      card('installs-total', 'Installs', fmt(totals.downloads + totals.organicClones),
        `${fmt(totals.downloads)} downloads + ${fmt(totals.organicClones)} organic clones`, recencyNote('installs')),
      card('views-total', 'Views', fmt(totals.views), `${fmt(totals.uniqueViews)} unique`, recencyNote('views')),
      card('clones-total', 'Organic clones', fmt(totals.organicClones), `${fmt(totals.organicUniqueClones)} unique (estimate)`, recencyNote('organicClones')),
      card('stars', 'Stars', fmt(repoStats.stars ?? lastObserved('stars'))),
      card('forks', 'Forks', fmt(repoStats.forks ?? lastObserved('forks')))),
    chartBlock({
      id: 'overview',
      title: `Traffic, ${rangeLabel()}`,
      toggles: true,
      fields: [
        { key: 'installs', name: 'Installs' },
        { key: 'views', name: 'Views' },
        { key: 'uniqueViews', name: 'Unique views' },
        { key: 'organicClones', name: 'Organic clones' },
        { key: 'downloads', name: 'Downloads' },
      ],
    }));
}

function lastObserved(field) {
  const days = ui.result.days;
  for (let i = days.length - 1; i >= 0; i -= 1) if (days[i][field] != null) return days[i][field];
  return null;
}

function renderInstalls(panel) {
  const { totals } = ui.result.state;
  const installs = totals.downloads + totals.organicClones;
  const rows = [['Installs', 'installs'], ['Downloads', 'downloads'], ['Organic clones', 'organicClones']].map(([label, field]) => {
    const r = D.recency(ui.result.days, field);
    return { label, day: r.day, week: r.week, month: r.month };
  });
  panel.append(
    h('div', { class: 'cards' },
      card('installs-total-2', 'Installs', fmt(installs), 'release downloads + organic clones'),
      card('downloads-total', 'Downloads', fmt(totals.downloads), `${D.formatPercent(totals.downloads, installs)} of installs`),
      card('organic-total', 'Organic clones', fmt(totals.organicClones), `${D.formatPercent(totals.organicClones, installs)} of installs`)),
    h('section', { class: 'block', 'data-section': 'downloads' },
      h('h2', { text: 'Recent activity' }),
      simpleTable('Recent activity (complete days)', [
        { key: 'label', label: 'Metric' }, { key: 'day', label: 'Last day', num: true },
        { key: 'week', label: 'Last 7 days', num: true }, { key: 'month', label: 'Last 30 days', num: true },
      ], rows, { 'data-table': 'recent' })),
    chartBlock({
      id: 'installs',
      title: `Installs, ${rangeLabel()}`,
      kind: 'stacked',
      fields: [{ key: 'downloads', name: 'Downloads' }, { key: 'organicClones', name: 'Organic clones' }],
    }));
}

function renderViews(panel) {
  const { state, days } = ui.result;
  const { owner, repo } = ui.config;
  const last = days[days.length - 1];
  const today = last && last.partial ? last : null;
  const week = D.recency(days, 'views');
  const referrers = state.referrers.slice().sort((a, b) => b.count - a.count);
  const top = referrers[0];
  panel.append(
    h('div', { class: 'cards' },
      card('views-total-2', 'Total views', fmt(state.totals.views), `${fmt(state.totals.uniqueViews)} unique`),
      card('views-today', 'Today', today ? fmt(today.views) : '0',
        today ? `so far; ≈${fmt(today.projection ? today.projection.views : today.views)} projected for the day` : 'no data for today yet'),
      card('views-week', 'Last 7 days', fmt(week.week), week.lastDate ? `complete days up to ${D.shortDate(week.lastDate)}` : null),
      card('top-referrer', 'Top referrer', top ? D.referrerName(top.source) : 'none yet', top ? `${fmt(top.count)} views in 14 days` : null)),
    chartBlock({
      id: 'views',
      title: `Views, ${rangeLabel()}`,
      toggles: true,
      fields: [{ key: 'views', name: 'Views' }, { key: 'uniqueViews', name: 'Unique views' }],
    }),
    h('div', { class: 'two-col' },
      h('section', { class: 'block', 'data-section': 'referrers' },
        h('h2', { text: 'Referrers (last 14 days)' }),
        simpleTable('Referring sites', [
          { key: 'name', label: 'Source' }, { key: 'count', label: 'Views', num: true }, { key: 'uniques', label: 'Unique', num: true },
        ], referrers.map((r) => ({ name: D.referrerName(r.source), count: r.count, uniques: r.uniques })), { 'data-table': 'referrers' })),
      h('section', { class: 'block', 'data-section': 'paths' },
        h('h2', { text: 'Popular pages (last 14 days)' }),
        simpleTable('Popular pages', [
          { key: 'path', label: 'Page' }, { key: 'title', label: 'Title' }, { key: 'count', label: 'Views', num: true }, { key: 'uniques', label: 'Unique', num: true },
        ], state.popularPaths.map((p) => ({ path: D.stripRepoPrefix(p.path, owner, repo), title: D.repairMojibake(p.title), count: p.count, uniques: p.uniques })), { 'data-table': 'paths' }))));
}

function trend(field) {
  const change = D.snapshotChange(ui.result.days, field, 30);
  if (change == null) return null;
  return h('p', { class: 'card-detail', 'data-metric': `${field}-trend`, text: `${change > 0 ? '+' : change < 0 ? '−' : '±'}${fmt(Math.abs(change))} in 30 days` });
}

const SERIES_SOURCES = { stargazers: 'the stargazer list', forks: 'the fork list' };

/**
 * Stars and forks since the repository's creation, from the state's `series` (written by
 * `ghtraf backfill --from stars|forks`): a line chart, a note when a series is incomplete,
 * and a table. null when the state has no series.
 */
function historyBlock(created) {
  const { series } = ui.result.state;
  if (!series) return null;
  const fields = [['stars', 'Stars'], ['forks', 'Forks']].filter(([key]) => series[key]).map(([key, name]) => ({ key, name }));
  const { size, buckets } = D.seriesBuckets(series, { from: created });
  const unit = { day: 'per day', week: 'per week', month: 'per month' }[size];
  const chartHost = h('div', { class: 'chart', id: 'chart-history' });
  const title = `${fields.map((f, i) => (i ? f.name.toLowerCase() : f.name)).join(' and ')} since ${D.dayKey(created) && D.dayKey(created) <= buckets[0].start ? 'the repository’s creation' : buckets[0].start}`;
  const notes = fields.map((f) => {
    const s = series[f.key];
    const read = D.dayKey(s.at);
    const from = `${f.name} from ${SERIES_SOURCES[s.source] || s.source || 'a backfill'}${read ? `, read ${read}` : ''}`;
    if (s.complete) return h('p', { class: 'muted', 'data-series': f.key, text: `${from}.` });
    return h('p', { class: 'series-note', role: 'note', 'data-series': f.key, 'data-series-note': 'incomplete' },
      h('strong', { text: `${f.name}: incomplete. ` }), s.note || 'The list could not be read whole.', ` (${from}; the line stops at the last known day.)`);
  });
  const draw = () => {
    try {
      charts.lineChart(chartHost, {
        title: `${title}, end of each ${size}`,
        labels: buckets.map((b) => b.label),
        series: fields.map((f) => ({ name: f.name, color: COLORS[f.key], points: buckets.map((b) => (b.values[f.key] == null ? null : { y: b.values[f.key], projected: false })) })),
      });
    } catch (error) {
      chartHost.textContent = 'The chart could not be drawn; the table below has every value.';
      console.error(error);
    }
  };
  const tableHost = h('div', { class: 'table-wrap' });
  const details = h('details', { class: 'chart-table', 'data-table': 'history' },
    h('summary', { text: `Table: ${title} (${unit})` }), tableHost);
  details.addEventListener('toggle', () => {
    if (!details.open || tableHost.firstChild) return;
    tableHost.append(h('table', {},
      h('caption', { class: 'visually-hidden', text: `${title}, count at the end of each ${size}` }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: size === 'day' ? 'Date' : 'Period' }), fields.map((f) => h('th', { scope: 'col', text: f.name })))),
      h('tbody', {}, buckets.slice().reverse().map((b) => h('tr', { 'data-period': b.key },
        // Years of history: a week is named by its full date.
        h('th', { scope: 'row', text: size === 'week' ? `Week of ${b.key}` : b.label }),
        fields.map((f) => h('td', { 'data-field': f.key, text: b.values[f.key] == null ? 'not known' : fmt(b.values[f.key]) })))))));
  });
  const legend = h('div', { class: 'legend', role: 'group', 'aria-label': `${title} series` },
    fields.map((f) => h('span', { class: 'legend-item' }, h('span', { class: 'swatch', style: `--series:${COLORS[f.key]}`, 'aria-hidden': 'true' }), f.name)));
  const block = h('section', { class: 'chart-block', 'aria-labelledby': 'h-history', 'data-section': 'history' },
    h('h2', { id: 'h-history' }, title, h('span', { class: 'unit', text: ` · ${unit}` })), legend, ...notes, chartHost, details);
  afterPaint().then(() => { if (chartHost.isConnected) draw(); });
  return block;
}

function renderCommunity(panel) {
  const { state } = ui.result;
  const created = state.repoStats.createdAt || ui.config.created;
  const age = D.ageInDays(created, ui.now);
  panel.append(
    h('div', { class: 'cards' },
      card('stars-2', 'Stars', fmt(state.repoStats.stars ?? lastObserved('stars')), trend('stars')),
      card('forks-2', 'Forks', fmt(state.repoStats.forks ?? lastObserved('forks')), trend('forks')),
      card('open-issues', 'Open issues', fmt(state.repoStats.openIssues ?? lastObserved('openIssues')), trend('openIssues')),
      card('age', 'Repository age', age == null ? 'unknown' : age >= 365 ? `${(age / 365).toFixed(1)} years` : `${fmt(age)} days`,
        created ? `created ${D.dayKey(created)}` : null)),
    historyBlock(created),
    chartBlock({
      id: 'community',
      title: `Community, ${rangeLabel()}`,
      toggles: true,
      fields: [{ key: 'stars', name: 'Stars' }, { key: 'forks', name: 'Forks' }, { key: 'openIssues', name: 'Open issues' }],
    }),
    h('p', { class: 'muted', text: 'Stars, forks and issues are daily snapshots, drawn on the days they were observed.' }));
}

/** The backfill runs the state records, for the Dev tab; null when there were none. */
function provenanceBlock() {
  const { provenance } = ui.result.state;
  if (provenance.length === 0) return null;
  return h('section', { class: 'block', 'data-section': 'sources' },
    h('h2', { text: 'Backfilled data' }),
    h('p', { class: 'muted', text: 'Days ghtraf did not collect itself, written by ghtraf backfill (newest run first). Charts mark them with a strip under the bars or lines, and their tables have a Source column.' }),
    simpleTable('Backfill runs', [
      { key: 'source', label: 'Source' }, { key: 'at', label: 'Run' }, { key: 'range', label: 'Days' },
      { key: 'daysAdded', label: 'Added', num: true }, { key: 'daysRaised', label: 'Raised', num: true }, { key: 'fields', label: 'Fields' },
    ], provenance.map((p) => ({
      source: p.source,
      at: p.at ? p.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : 'unknown',
      range: p.from && p.to ? `${p.from} – ${p.to}` : p.from || p.to || '—',
      daysAdded: p.daysAdded,
      daysRaised: p.daysRaised,
      fields: p.fields.join(', ') || '—',
    })), { 'data-table': 'provenance' }));
}

function renderDev(panel) {
  const { state, days } = ui.result;
  const { totals } = state;
  const fresh = D.freshness(state.capturedAt, ui.now);
  const freshText = fresh.hours == null ? 'unknown' : fresh.hours < 1 ? 'under an hour ago' : fresh.hours < 48 ? `${Math.floor(fresh.hours)} h ago` : `${Math.floor(fresh.hours / 24)} days ago`;
  const levelText = { fresh: 'up to date', stale: 'a run was missed', old: 'collection has stopped', unknown: 'no capture time recorded' }[fresh.level];
  const ciDays = D.filterRange(days, ui.range).filter((d) => !d.missing && d.ciCheckouts != null).reverse();
  const inRange = D.workflowTotals(D.filterRange(days, ui.range));
  const workflows = Object.entries(inRange ?? state.ciWorkflows)
    .map(([name, wf]) => ({ name, runs: wf.runs, checkouts: wf.checkouts }))
    .sort((a, b) => b.checkouts - a.checkouts || b.runs - a.runs);
  panel.append(
    h('div', { class: 'cards' },
      card('raw-clones', 'Raw clones', fmt(totals.clones), `${fmt(totals.uniqueClones)} unique`),
      card('organic-clones-dev', 'Organic clones', fmt(totals.organicClones), `${fmt(totals.organicUniqueClones)} unique (estimate)`),
      card('ci-checkouts', 'CI checkouts', fmt(totals.ciCheckouts), `${D.formatPercent(totals.ciCheckouts, totals.clones)} of raw clones`),
      h('div', { class: `card freshness ${fresh.level}`, 'data-section': 'freshness' },
        h('h3', { class: 'card-label', text: 'Data freshness' }),
        h('p', { class: 'card-value', 'data-metric': 'freshness', text: freshText }),
        h('p', { class: 'card-detail', text: `${levelText}${state.capturedAt ? ` · last capture ${state.capturedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}` : ''}` }))),
    chartBlock({
      id: 'clones',
      section: 'clones',
      title: `Clone breakdown, ${rangeLabel()}`,
      kind: 'stacked',
      fields: [{ key: 'organicClones', name: 'Organic clones' }, { key: 'ciCheckouts', name: 'CI checkouts' }],
    }),
    h('p', { class: 'muted', text: 'Organic clones = clones − CI checkouts (jobs with a checkout step). Organic uniques are an estimate.' }),
    h('div', { class: 'two-col' },
      h('section', { class: 'block', 'data-section': 'ci' },
        h('h2', { text: 'CI checkouts per day' }),
        simpleTable('CI checkouts per day', [
          { key: 'date', label: 'Date' }, { key: 'clones', label: 'Raw clones', num: true }, { key: 'ci', label: 'CI checkouts', num: true },
          { key: 'runs', label: 'CI runs', num: true }, { key: 'organic', label: 'Organic', num: true },
        ], ciDays.map((d) => ({ date: d.date, clones: d.clones, ci: d.ciCheckouts, runs: d.ciRuns, organic: d.organicClones })), { 'data-table': 'ci-days' })),
      h('section', { class: 'block' },
        h('h2', { text: 'CI by workflow' }),
        h('p', { class: 'muted', text: inRange ? `Runs and checkouts, ${rangeLabel()}.` : 'Runs and checkouts of the latest collected day.' }),
        simpleTable('CI by workflow', [
          { key: 'name', label: 'Workflow' }, { key: 'runs', label: 'Runs', num: true }, { key: 'checkouts', label: 'Checkouts', num: true },
        ], workflows, { 'data-table': 'workflows' }))),
    provenanceBlock());
}

const RENDERERS = { overview: renderOverview, installs: renderInstalls, views: renderViews, community: renderCommunity, dev: renderDev };

/** Tabs are rendered when first shown, and again after the data or range changes. */
const renderedTabs = new Set();

function renderTab(tab) {
  if (!ui.result || ui.result.setup !== 'ok' || renderedTabs.has(tab)) return;
  renderedTabs.add(tab);
  const panel = $(`panel-${tab}`);
  panel.textContent = '';
  try {
    RENDERERS[tab](panel);
  } catch (error) {
    panel.append(h('p', { class: 'status error', text: `This section could not be rendered: ${error.message}` }));
    console.error(error);
  }
}

function renderAll() {
  if (renderFrame) { cancelAnimationFrame(renderFrame); renderFrame = 0; }
  renderedTabs.clear();
  renderTab(ui.tab);
}

function renderEmpty(setup) {
  const code = (text) => h('code', { text });
  const [title, ...body] = setup === 'no-gist'
    ? ['Not set up yet', 'This dashboard has no data gist configured. Run ', code('ghtraf create'), ' (or ', code('ghtraf init'), ') to set up the daily collection; numbers appear after its first run.']
    : ['No data yet', 'The data gist exists but nothing has been collected yet. The daily workflow fills it in; check back after its first run.'];
  for (const tab of TABS) {
    const panel = $(`panel-${tab}`);
    panel.replaceChildren(h('div', { class: 'empty-state', 'data-empty': setup }, h('h2', { text: title }), h('p', {}, body)));
  }
  setStatus(`${title}: ${body.map((part) => part.textContent ?? part).join('')}`, 'info');
}

function archiveMessage(result) {
  const { archive, days, state } = result;
  const measured = days.filter((d) => !d.missing).length;
  const span = `${fmt(measured)} days of history`;
  const stateDays = state.days.length;
  switch (archive.status) {
    case 'ok': {
      const pending = archive.pending.length;
      const months = (n) => `${n} archived month${n === 1 ? '' : 's'}`;
      if (archive.months.length === 0 && pending === 0) return [`Loaded ${span} from state.json (no month archived yet).`, 'info'];
      if (pending === 0) return [`Loaded ${span} (${months(archive.months.length)} + current state).`, 'info'];
      if (archive.months.length === 0) return [`Showing ${span} from state.json; ${months(pending)} of older history load when a longer range or a download needs them.`, 'info'];
      return [`Showing ${span} (${archive.months.length} of ${months(archive.months.length + pending)} + current state); the other ${pending} load when a longer range or a download needs them.`, 'info'];
    }
    case 'none':
      return [`Loaded ${span} from state.json (no archive gist configured).`, 'info'];
    case 'no-index':
      return archive.months.length
        ? [`Loaded ${span}. The archive index (archive.json) is missing; found ${archive.months.length} archived month${archive.months.length === 1 ? '' : 's'} directly.`, 'warn']
        : [`Loaded ${span} from state.json only: the archive index (archive.json) is missing.`, 'warn'];
    case 'rate-limited':
      return [`Archives could not be loaded (rate-limited by GitHub). Showing the ${fmt(stateDays)} days in state.json; try again later for all history.`, 'warn'];
    case 'partial':
      return [`Loaded ${span}, but archives for ${archive.failed.join(', ')} could not be loaded.`, 'warn'];
    default:
      return [`Archives could not be loaded. Showing the ${fmt(stateDays)} days in state.json.`, 'warn'];
  }
}

function renderHeader() {
  const { config, result } = ui;
  const name = config.displayName || config.repo;
  document.title = `${name} · traffic`;
  $('title').textContent = `${name} traffic`;
  const parts = [`${config.owner}/${config.repo}`];
  // Archives can reach further back than the state's own record (the original tool's did).
  const first = result && result.days && result.days[0] ? result.days[0].date : null;
  const since = [result && result.state && result.state.trackingSince, first].filter(Boolean).sort()[0];
  if (since) parts.push(`tracking since ${since}`);
  $('subtitle').textContent = parts.join(' · ');
}

async function fetchJson(url) {
  const response = await fetch(url, { cache: 'no-cache' });
  if (response.status !== 200) return { status: response.status, data: null };
  return { status: 200, data: await response.json() };
}

/**
 * index.html's first script starts config.json, state.json (and for all history the archive
 * index) before this module has even loaded (`window.ghtrafBoot`); their responses are used
 * here instead of asking again.
 */
const boot = window.ghtrafBoot || null;

function bootConfig() {
  if (boot && boot.config) return boot.config;
  return fetch('config.json').then((response) => {
    if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
    return response.json();
  });
}

const bootEarly = boot && boot.early ? boot.early.catch(() => null) : Promise.resolve(null);
let bootResponses = null;
bootEarly.then((list) => { bootResponses = Array.isArray(list) ? list : []; });

/**
 * A URL the boot script asked for is answered by its response (once); once those are known,
 * other requests go out at once, so month downloads start before anything is drawn.
 */
function fetchFirst(url) {
  if (!bootResponses) return bootEarly.then(() => fetchFirst(url));
  const index = bootResponses.findIndex((e) => e.url === url);
  if (index < 0) return fetchJson(url);
  return bootResponses.splice(index, 1)[0].response;
}

/** Renders of the loading phase wait for the next frame, so data arriving together draws once. */
let renderFrame = 0;
function scheduleRender() {
  if (!renderFrame) renderFrame = requestAnimationFrame(() => { renderFrame = 0; renderAll(); });
}

function showResult() {
  renderHeader();
  renderAll();
  showStatus();
}

function showStatus() {
  const [message, kind] = archiveMessage(ui.result);
  const notes = [message];
  if (ui.result.stateFromCache) notes.push('state.json could not be fetched; showing the copy cached on this device.');
  const fresh = D.freshness(ui.result.state.capturedAt, ui.now);
  if (fresh.level === 'old') notes.push(`The last collection was ${Math.floor(fresh.hours / 24)} days ago: the daily workflow may have stopped (see the Dev tab).`);
  setStatus(notes.join(' '), ui.result.stateFromCache || fresh.level === 'old' ? 'warn' : kind);
}

/** Loads the archive months `range` (default: the shown one) needs, then redraws. */
async function loadRange(range = ui.range) {
  if (!ui.result || ui.result.setup !== 'ok' || !ui.result.loader) return;
  const before = ui.result;
  if (range === ui.range && before.archive.pending.length) setStatus('Loading archived months…', 'info');
  if (range === ui.range) {
    // All history by month: the index's monthly totals first, as on a first visit.
    D.loadSummaries(before, { range }).then((summaries) => {
      if (!summaries || ui.result !== before || ui.range !== range) return;
      ui.summaries = summaries;
      renderAll();
      setStatus(`Showing the monthly totals of ${summaries.size} archived months from the archive index; loading their days…`, 'info');
    });
  }
  const after = await D.extendDashboard(before, { range });
  if (after === before) { if (range === ui.range) showStatus(); return; }
  // A later load may have finished first: the loader only grows, so keep the fuller result.
  if (after.archive.months.length >= ui.result.archive.months.length) ui.result = after;
  showResult();
}

async function main() {
  setupTabs();
  setupControls();
  applyHash({ focusSection: false });
  try {
    ui.config = await bootConfig();
  } catch (error) {
    renderEmpty('no-gist');
    setStatus(`This dashboard is not configured (${error.message}). Run \`ghtraf init\` to write docs/stats/config.json.`, 'error');
    return;
  }
  renderHeader();
  const loadedRange = ui.range;
  try {
    ui.result = await D.loadDashboard({
      config: ui.config,
      fetchJson: fetchFirst,
      cache: window.localStorage,
      now: ui.now,
      range: ui.range,
      onState: (early) => {
        // Numbers from state.json first; all history follows when the archives arrive.
        if (early.setup !== 'ok') return;
        const first = !ui.result;
        ui.result = early;
        // The first numbers are written at once, so the next frame paints them; later
        // renders of the loading phase wait for a frame to gather what arrives together.
        if (first) renderAll(); else scheduleRender();
        setStatus('Showing recent days from state.json; loading archived months…', 'info');
        performance.mark('ghtraf:first-render');
      },
      onSummaries: (summaries) => {
        if (!ui.result || ui.result.setup !== 'ok' || ui.result.loader) return;
        ui.summaries = summaries;
        // At once: the index usually arrives with the state, and its months then reach the
        // screen with the chart that follows the numbers, not a frame after it.
        renderAll();
        setStatus(`Showing the monthly totals of ${summaries.size} archived months from the archive index; loading their days…`, 'info');
        performance.mark('ghtraf:summaries');
      },
    });
    performance.mark('ghtraf:loaded');
  } catch (error) {
    setStatus(error.message, 'error');
    for (const tab of TABS) $(`panel-${tab}`).replaceChildren(h('p', { class: 'empty-state', text: 'The traffic data could not be loaded. Reload the page to try again.' }));
    return;
  }
  renderHeader();
  if (ui.result.setup !== 'ok') {
    renderEmpty(ui.result.setup);
    return;
  }
  showResult();
  // The range was changed while the first months were loading.
  if (ui.range !== loadedRange) loadRange();
  $('export-csv').disabled = false;
  $('export-json').disabled = false;
  applyHash();
  // Charts waiting for the module were queued before this line, so they are drawn now.
  await afterPaint();
  performance.mark('ghtraf:rendered');
}

// `data-ready` tells tests and the bench that the page has settled, whatever the outcome.
main().finally(() => {
  document.documentElement.dataset.ready = 'true';
  $('main').removeAttribute('aria-busy');
});
