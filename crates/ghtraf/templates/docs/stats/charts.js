// A small SVG chart renderer written for this page, so the dashboard loads no third-party
// script (nothing to pin, nothing that can fail from a CDN). Charts are an enhancement:
// every number they show is also in the cards and the table beside each chart.

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Drawing width when the host has no layout yet (hidden); otherwise its pixel width, so text keeps its size. */
const DEFAULT_WIDTH = 800;
const HEIGHT = 260;
const MARGIN = { top: 14, right: 14, bottom: 30, left: 52 };

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

const DIVISIONS = 5;

/** A round axis maximum (1, 2, 2.5, 5 × 10^k, at least 5) at or above `max`; a fifth of it is a whole number. */
export function niceMax(max) {
  if (!(max > 5)) return 5;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= max) return step * power;
  }
  return 10 * power;
}

/** `1,234`: like data.js's formatNumber (charts.js imports nothing); no Intl, which is slow to start. */
function grouped(n) {
  const whole = Math.round(n);
  const digits = String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return whole < 0 ? `-${digits}` : digits;
}

function compact(n) {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${+(n / 1e3).toFixed(1)}k`;
  return grouped(n);
}

function frame(host, { title, labels, yMax, marks = null }) {
  const width = Math.max(280, Math.round(host.clientWidth) || DEFAULT_WIDTH);
  host.textContent = '';
  const svg = el('svg', { viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': title, class: 'chart-svg' });
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const n = Math.max(1, labels.length);
  const x = (i) => MARGIN.left + ((i + 0.5) * plotW) / n;
  const y = (v) => MARGIN.top + plotH - (v / yMax) * plotH;
  const grid = el('g', { class: 'chart-grid' }, svg);
  for (let t = 0; t <= DIVISIONS; t += 1) {
    const value = (yMax * t) / DIVISIONS;
    el('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: y(value), y2: y(value) }, grid);
    el('text', { x: MARGIN.left - 6, y: y(value) + 4, 'text-anchor': 'end', class: 'chart-tick' }, grid).textContent = compact(value);
  }
  const ticks = Math.max(2, Math.min(labels.length, 8, Math.floor(plotW / 90)));
  const every = Math.max(1, Math.ceil(labels.length / ticks));
  for (let i = 0; i < labels.length; i += every) {
    el('text', { x: x(i), y: HEIGHT - 8, 'text-anchor': 'middle', class: 'chart-tick' }, grid).textContent = labels[i];
  }
  if (marks && marks.some(Boolean)) {
    // Backfilled buckets: a strip along the bottom of the plot, under every series.
    const strip = el('g', { class: 'chart-backfill' }, svg);
    const w = Math.max(1, plotW / n);
    marks.forEach((marked, i) => {
      if (marked) el('rect', { x: (x(i) - w / 2).toFixed(1), y: (MARGIN.top + plotH - 5).toFixed(1), width: w.toFixed(1), height: 5 }, strip);
    });
  }
  host.appendChild(svg);
  return { svg, x, y, plotW, plotH, n, width };
}

/**
 * One hover handler per chart (not one element per bucket, so long histories stay cheap):
 * a guide line and a small tooltip listing every series at the bucket under the pointer.
 */
function tooltips(host, svg, { x, plotW, n, width }, labels, series) {
  const guide = el('line', { class: 'chart-guide', y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom, visibility: 'hidden' }, svg);
  const tip = document.createElement('div');
  tip.className = 'chart-tip';
  tip.hidden = true;
  host.appendChild(tip);
  const hide = () => { tip.hidden = true; guide.setAttribute('visibility', 'hidden'); };
  svg.addEventListener('pointerleave', hide);
  svg.addEventListener('pointermove', (event) => {
    const box = svg.getBoundingClientRect();
    const svgX = ((event.clientX - box.left) / box.width) * width;
    const i = Math.floor(((svgX - MARGIN.left) / plotW) * n);
    if (i < 0 || i >= n) { hide(); return; }
    guide.setAttribute('x1', x(i));
    guide.setAttribute('x2', x(i));
    guide.setAttribute('visibility', 'visible');
    tip.textContent = '';
    const title = document.createElement('strong');
    title.textContent = labels[i];
    tip.appendChild(title);
    for (const s of series) {
      const p = s.points[i];
      const row = document.createElement('div');
      row.style.setProperty('--series', s.color);
      row.textContent = `${s.name}: ${p ? grouped(p.y) : '—'}${p && p.projected ? ' (projected)' : ''}${p && p.backfilled ? ' (backfilled)' : ''}`;
      tip.appendChild(row);
    }
    tip.hidden = false;
    const hostBox = host.getBoundingClientRect();
    const left = event.clientX - hostBox.left + 14;
    tip.style.left = `${Math.min(left, hostBox.width - tip.offsetWidth - 4)}px`;
    tip.style.top = `${event.clientY - hostBox.top + 14}px`;
  });
}

/**
 * Line chart. `series`: [{name, color (CSS colour), points: [{y, projected, backfilled} | null]}].
 * Segments touching a projected point are dashed and projected points are hollow, so
 * estimates never look like measurements. `marks[i]` true draws bucket i's backfill strip.
 */
export function lineChart(host, { title, labels, series, marks = null }) {
  const yMax = niceMax(Math.max(0, ...series.flatMap((s) => s.points.filter(Boolean).map((p) => p.y))));
  const f = frame(host, { title, labels, yMax, marks });
  for (const s of series) {
    const g = el('g', { class: 'chart-series', style: `--series:${s.color}` }, f.svg);
    let solid = '';
    let dashed = '';
    for (let i = 1; i < s.points.length; i += 1) {
      const a = s.points[i - 1];
      const b = s.points[i];
      if (!a || !b) continue;
      const seg = `M${f.x(i - 1).toFixed(1)},${f.y(a.y).toFixed(1)}L${f.x(i).toFixed(1)},${f.y(b.y).toFixed(1)}`;
      if (a.projected || b.projected) dashed += seg; else solid += seg;
    }
    if (solid) el('path', { d: solid, class: 'chart-line' }, g);
    if (dashed) el('path', { d: dashed, class: 'chart-line projected' }, g);
    const dots = s.points.length <= 62;
    s.points.forEach((p, i) => {
      if (!p) return;
      const lonely = !s.points[i - 1] && !s.points[i + 1];
      if (p.projected || dots || lonely) {
        el('circle', { cx: f.x(i).toFixed(1), cy: f.y(p.y).toFixed(1), r: p.projected ? 4.5 : 2.5, class: p.projected ? 'chart-dot projected' : 'chart-dot' }, g);
      }
    });
  }
  tooltips(host, f.svg, f, labels, series);
  return f.svg;
}

/** Stacked bar chart, same `series` and `marks`; projected buckets are pale with a dashed outline. */
export function stackedBarChart(host, { title, labels, series, marks = null }) {
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.points[i] ? s.points[i].y : 0), 0));
  const f = frame(host, { title, labels, yMax: niceMax(Math.max(0, ...totals)), marks });
  const barW = Math.max(1, (f.plotW / f.n) * 0.72);
  const base = labels.map(() => 0);
  for (const s of series) {
    const g = el('g', { class: 'chart-series', style: `--series:${s.color}` }, f.svg);
    s.points.forEach((p, i) => {
      if (!p || p.y <= 0) return;
      const top = f.y(base[i] + p.y);
      const height = f.y(base[i]) - top;
      base[i] += p.y;
      el('rect', { x: (f.x(i) - barW / 2).toFixed(1), y: top.toFixed(1), width: barW.toFixed(1), height: Math.max(0.5, height).toFixed(1), class: p.projected ? 'chart-bar projected' : 'chart-bar' }, g);
    });
  }
  tooltips(host, f.svg, f, labels, series);
  return f.svg;
}
