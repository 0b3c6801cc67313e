// Data logic of the ghtraf dashboard, kept free of the DOM so `node --test` can check it:
// reading v1–v4 states, stitching archive months, organic figures, projections for
// incomplete days, recency, range filtering, week/month buckets and CSV/JSON export.

const DAY_MS = 86400000;

/** The per-day count fields every normalised day carries (null = not collected). */
const DAY_FIELDS = [
  'clones', 'uniqueClones', 'views', 'uniqueViews', 'downloads',
  'ciCheckouts', 'ciRuns', 'organicClones', 'organicUniqueClones',
];

/** Fields that can be projected for an incomplete day. */
const PROJECTED_FIELDS = ['clones', 'views', 'downloads', 'organicClones', 'ciCheckouts'];
const UNIQUE_PAIRS = [['uniqueClones', 'clones'], ['uniqueViews', 'views'], ['organicUniqueClones', 'organicClones']];

const TOTAL_FIELDS = [
  'clones', 'uniqueClones', 'views', 'uniqueViews', 'downloads',
  'ciCheckouts', 'organicClones', 'organicUniqueClones',
];

/** A non-negative integer, or null when the value is absent or not a number. */
function count(value) {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.round(value)) : null;
}

/** `YYYY-MM-DD` of a GitHub timestamp or date string; null when unreadable. */
export function dayKey(value) {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return match ? match[1] : null;
}

function dayStartMs(key) {
  return Date.parse(`${key}T00:00:00Z`);
}

export function addDays(key, n) {
  return new Date(dayStartMs(key) + n * DAY_MS).toISOString().slice(0, 10);
}

function roundHalfUp(x) {
  return Math.floor(x + 0.5);
}

/**
 * Organic unique clones as documented in docs/state-format.md (an estimate):
 * uniques − min(round-half-up(uniques × CI / clones), CI runs), floored at 0.
 */
export function estimateOrganicUniques(uniqueClones, clones, ciCheckouts, ciRuns) {
  if (uniqueClones == null) return null;
  if (!ciCheckouts || !clones) return uniqueClones;
  const byShare = roundHalfUp((uniqueClones * ciCheckouts) / clones);
  const ciUniques = ciRuns == null ? byShare : Math.min(byShare, ciRuns);
  return Math.max(0, uniqueClones - ciUniques);
}

/**
 * One stored day in the dashboard's shape. Absent uniques stay null (never 0), and a
 * stored organic figure of 0 is kept (a fully-CI day), unlike the original's `a || b`.
 */
export function normalizeDay(raw, ciByDate = {}) {
  const date = dayKey(raw && raw.date);
  if (!date) return null;
  const clones = count(raw.clones) ?? 0;
  const uniqueClones = count(raw.uniqueClones);
  const legacyCi = ciByDate[date];
  const ciCheckouts = count(raw.ciCheckouts) ?? count(legacyCi && legacyCi.total);
  const ciRuns = count(raw.ciRuns) ?? count(legacyCi && legacyCi.runs);
  const organicClones = count(raw.organicClones) ?? Math.max(0, clones - (ciCheckouts ?? 0));
  // An organic unique figure without the uniques it is derived from is a bad computation
  // in the original's partial-day rows, so it is dropped rather than shown as 0.
  const organicUniqueClones = uniqueClones == null
    ? null
    : count(raw.organicUniqueClones) ?? estimateOrganicUniques(uniqueClones, clones, ciCheckouts, ciRuns);
  return {
    date,
    clones,
    uniqueClones,
    views: count(raw.views) ?? 0,
    uniqueViews: count(raw.uniqueViews),
    downloads: count(raw.downloads) ?? 0,
    ciCheckouts,
    ciRuns,
    organicClones,
    organicUniqueClones,
    stars: count(raw.stars),
    forks: count(raw.forks),
    openIssues: count(raw.openIssues),
    capturedAt: typeof raw.capturedAt === 'string' ? raw.capturedAt : null,
    ciWorkflows: readWorkflows(raw.ciWorkflows ?? (legacyCi && legacyCi.byWorkflow)),
    backfill: readBackfill(raw.backfill),
    partial: false,
    missing: false,
  };
}

/**
 * A day's provenance (`"backfill": {source, fields}`, written by `ghtraf backfill`): which
 * source wrote or raised which fields of it. null for days ghtraf collected itself.
 */
function readBackfill(raw) {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const fields = Array.isArray(raw.fields) ? raw.fields.filter((f) => typeof f === 'string').sort() : [];
  return { source: typeof raw.source === 'string' && raw.source ? raw.source : 'backfill', fields };
}

/** The stored fields each shown figure is made of, to tell whether a backfill touched it. */
const FIGURE_SOURCES = {
  installs: ['downloads', 'clones', 'ciCheckouts', 'organicClones'],
  organicClones: ['clones', 'ciCheckouts', 'organicClones'],
  organicUniqueClones: ['uniqueClones', 'clones', 'ciCheckouts', 'organicUniqueClones'],
};

/** Whether a backfill wrote any of the stored fields behind `field` on this day. */
export function isBackfilled(day, field) {
  if (!day || !day.backfill) return false;
  const sources = FIGURE_SOURCES[field] || [field];
  return day.backfill.fields.length === 0 || day.backfill.fields.some((f) => sources.includes(f));
}

/** A `YYYY-MM-DD` string naming a real calendar day (not 2024-02-30), else null. */
function readDate(value) {
  const key = dayKey(value);
  if (!key || key !== value) return null;
  const ms = dayStartMs(key);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === key ? key : null;
}

/**
 * A state-level cumulative series (`series.stars` / `series.forks`, written by `ghtraf
 * backfill --from stars|forks`): `{points: [[date, count]], complete, note, source, at}`.
 * Unreadable points are dropped; the rest are sorted with one point per day (the last one
 * given wins). null when there is no usable point.
 */
export function readSeries(raw) {
  if (!raw || typeof raw !== 'object' || !Array.isArray(raw.points)) return null;
  const byDate = new Map();
  for (const point of raw.points) {
    if (!Array.isArray(point) || point.length < 2) continue;
    const date = readDate(point[0]);
    const n = count(point[1]);
    if (date && n != null) byDate.set(date, n);
  }
  if (byDate.size === 0) return null;
  return {
    points: [...byDate.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    complete: raw.complete !== false,
    note: typeof raw.note === 'string' && raw.note.trim() ? raw.note.trim() : null,
    source: typeof raw.source === 'string' ? raw.source : null,
    at: typeof raw.at === 'string' ? raw.at : null,
  };
}

/**
 * Stars and forks from the series, one value per bucket (the count at the end of it), from
 * `from` (the repository's creation; else the first point) to the day the series was read,
 * or, for an incomplete series, to its last point (nothing is known after it; the bucket
 * values are null there). Before a series' first point its count is 0. `size` as in
 * bucketize; 'auto' picks day, week or month by length.
 * Returns `{size, buckets: [{key, label, start, end, values: {stars, forks}}]}`.
 */
export function seriesBuckets(series, { size = 'auto', from = null } = {}) {
  const present = Object.entries(series || {}).filter(([, s]) => s);
  if (present.length === 0) return { size: 'day', buckets: [] };
  const starts = present.map(([, s]) => s.points[0][0]);
  const start = dayKey(from);
  const first = [...starts, ...(start ? [start] : [])].sort()[0];
  const endOf = {};
  for (const [name, s] of present) {
    const last = s.points[s.points.length - 1][0];
    const read = dayKey(s.at);
    endOf[name] = s.complete && read && read > last ? read : last;
  }
  const end = Object.values(endOf).sort().at(-1);
  const spanDays = (dayStartMs(end) - dayStartMs(first)) / DAY_MS + 1;
  const chosen = size === 'auto' ? (spanDays > 730 ? 'month' : spanDays > 120 ? 'week' : 'day') : size;
  const buckets = [];
  const cursor = Object.fromEntries(present.map(([name]) => [name, { i: 0, value: 0 }]));
  let current = null;
  for (let date = first; date <= end; date = addDays(date, 1)) {
    const key = bucketKey(date, chosen);
    if (!current || current.key !== key) {
      current = { key, label: bucketLabel(key, chosen), start: date, end: date, values: {} };
      for (const [name] of present) current.values[name] = null;
      buckets.push(current);
    }
    current.end = date;
    for (const [name, s] of present) {
      const c = cursor[name];
      while (c.i < s.points.length && s.points[c.i][0] <= date) { c.value = s.points[c.i][1]; c.i += 1; }
      if (date <= endOf[name]) current.values[name] = c.value;
    }
  }
  return { size: chosen, buckets };
}

/** The state's backfill runs (`provenance`), newest first. */
function readProvenance(raw) {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((p) => p && typeof p === 'object' && typeof p.source === 'string')
    .map((p) => ({
      source: p.source,
      at: typeof p.at === 'string' ? p.at : null,
      from: dayKey(p.from),
      to: dayKey(p.to),
      daysAdded: count(p.daysAdded) ?? 0,
      daysRaised: count(p.daysRaised) ?? 0,
      fields: Array.isArray(p.fields) ? p.fields.filter((f) => typeof f === 'string') : [],
    }))
    .sort((a, b) => (Date.parse(b.at ?? '') || 0) - (Date.parse(a.at ?? '') || 0));
}

function normalizeDays(list, ciByDate) {
  const byDate = new Map();
  for (const raw of Array.isArray(list) ? list : []) {
    const day = normalizeDay(raw, ciByDate);
    if (day) byDate.set(day.date, day);
  }
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

function sumTotals(days) {
  const totals = Object.fromEntries(TOTAL_FIELDS.map((f) => [f, 0]));
  for (const day of days) {
    for (const f of TOTAL_FIELDS) totals[f] += day[f] ?? 0;
  }
  return totals;
}

function readTotals(raw) {
  if (!raw || typeof raw !== 'object') return null;
  return Object.fromEntries(TOTAL_FIELDS.map((f) => [f, count(raw[f]) ?? 0]));
}

function readPopular(list, fields) {
  if (!Array.isArray(list)) return [];
  return list
    .filter((e) => e && typeof e === 'object')
    .map((e) => Object.fromEntries(fields.map((f) => [f, f === 'count' || f === 'uniques' ? count(e[f]) ?? 0 : String(e[f] ?? '')])));
}

function latestCapture(days) {
  let latest = null;
  for (const day of days) {
    if (day.capturedAt && (!latest || Date.parse(day.capturedAt) > Date.parse(latest))) latest = day.capturedAt;
  }
  return latest;
}

/** `{name: {runs, checkoutsPerRun}}` → `{name: {runs, checkouts}}`; null when absent. */
function readWorkflows(raw) {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const out = {};
  for (const [name, wf] of Object.entries(raw)) {
    out[name] = {
      runs: count(wf && wf.runs) ?? 0,
      checkouts: Array.isArray(wf && wf.checkoutsPerRun)
        ? wf.checkoutsPerRun.reduce((s, n) => s + (count(n) ?? 0), 0)
        : 0,
    };
  }
  return out;
}

/**
 * CI runs and checkouts per workflow summed over the days that carry a breakdown; null when
 * none does (then only the state's latest-day breakdown is known).
 */
export function workflowTotals(days) {
  let out = null;
  for (const day of days) {
    if (!day.ciWorkflows) continue;
    out ||= {};
    for (const [name, wf] of Object.entries(day.ciWorkflows)) {
      const target = (out[name] ||= { runs: 0, checkouts: 0 });
      target.runs += wf.runs;
      target.checkouts += wf.checkouts;
    }
  }
  return out;
}

/**
 * Any state ghtraf or the original tool wrote (schemaVersion absent/1–3 or 4) in one shape:
 * `{schemaVersion, legacy, repo, trackingSince, capturedAt, totals, days, repoStats,
 * referrers, popularPaths, ciWorkflows, archivedMonths}`.
 */
export function normalizeState(raw) {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('state.json is not a JSON object');
  const schemaVersion = count(raw.schemaVersion) ?? 1;
  if (schemaVersion > 4) throw new Error(`state.json has schema version ${schemaVersion}, written by a newer ghtraf; update this dashboard with \`ghtraf init\``);
  const legacy = schemaVersion < 4;
  const ciByDate = legacy && raw.ciCheckouts && typeof raw.ciCheckouts === 'object' ? raw.ciCheckouts : {};
  const days = normalizeDays(raw.dailyHistory, ciByDate);
  const capturedAt = (typeof raw.capturedAt === 'string' && raw.capturedAt) || latestCapture(days);
  const stats = raw.repoStats && typeof raw.repoStats === 'object' ? raw.repoStats : raw;
  let totals;
  let legacyCounters = null;
  if (legacy) {
    legacyCounters = {
      clones: count(raw.totalClones),
      uniqueClones: count(raw.totalUniqueClones),
      views: count(raw.totalViews),
      uniqueViews: count(raw.totalUniqueViews),
      downloads: count(raw.totalDownloads),
      ciCheckouts: count(raw.totalCiCheckouts),
      organicClones: count(raw.totalOrganicClones),
      organicUniqueClones: count(raw.totalOrganicUniqueClones),
    };
    totals = legacyTotals(legacyCounters, days);
  } else {
    totals = readTotals(raw.totals) ?? sumTotals(days);
  }
  const archived = raw.archived && typeof raw.archived === 'object' ? raw.archived : {};
  return {
    schemaVersion,
    legacy,
    repo: typeof raw.repo === 'string' ? raw.repo : null,
    trackingSince: dayKey(raw.trackingSince) ?? (days[0] ? days[0].date : null),
    capturedAt,
    totals,
    days,
    repoStats: {
      stars: count(stats.stars),
      forks: count(stats.forks),
      openIssues: count(stats.openIssues),
      createdAt: typeof stats.createdAt === 'string' ? stats.createdAt
        : typeof raw.repoCreatedAt === 'string' ? raw.repoCreatedAt : null,
    },
    referrers: readPopular(raw.referrers, ['source', 'count', 'uniques']),
    popularPaths: readPopular(raw.popularPaths, ['path', 'title', 'count', 'uniques']),
    ciWorkflows: readWorkflows(raw.ciWorkflows) ?? {},
    archivedMonths: Array.isArray(archived.months) ? archived.months.filter((m) => /^\d{4}-\d{2}$/.test(m)) : [],
    legacyCounters,
    series: readStateSeries(raw.series),
    provenance: readProvenance(raw.provenance),
  };
}

function readStateSeries(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const stars = readSeries(raw.stars);
  const forks = readSeries(raw.forks);
  return stars || forks ? { stars, forks } : null;
}

/**
 * Totals of an original (v1–3) state, the way `ghtraf` imports it (docs/state-format.md,
 * "Baseline"): per field, baseline = max(0, counter − Σ days held), total = baseline + Σ days.
 * The original's counters drifted and can be below the sum of its own days; then the days
 * win. Without an organic counter, pre-tracking clones all count as organic.
 */
export function legacyTotals(counters, days) {
  const summed = sumTotals(days.filter((d) => !d.missing));
  const baseline = {};
  for (const f of TOTAL_FIELDS) baseline[f] = Math.max(0, (counters[f] ?? summed[f]) - summed[f]);
  if (counters.organicClones == null) baseline.organicClones = baseline.clones;
  if (counters.organicUniqueClones == null) baseline.organicUniqueClones = baseline.uniqueClones;
  return Object.fromEntries(TOTAL_FIELDS.map((f) => [f, baseline[f] + summed[f]]));
}

/**
 * Month periods (`YYYY-MM`) named by an archive index: ghtraf's `archive.json`
 * (`months: [{period}]`), or a gist-API-shaped object with `files` (the original's mock).
 * Returns null when the index names no months in a form we know.
 */
export function archiveMonthsFromIndex(index) {
  if (!index || typeof index !== 'object') return null;
  if (Array.isArray(index.months)) {
    return index.months
      .map((m) => (typeof m === 'string' ? m : m && m.period))
      .filter((p) => typeof p === 'string' && /^\d{4}-\d{2}$/.test(p))
      .sort();
  }
  if (index.files && typeof index.files === 'object') {
    return Object.keys(index.files)
      .map((name) => /^archive-(\d{4}-\d{2})\.json$/.exec(name))
      .filter(Boolean)
      .map((m) => m[1])
      .sort();
  }
  return null;
}

/** Months from `from` to `to` inclusive (both `YYYY-MM`), capped at `limit`, newest kept. */
export function monthsBetween(from, to, limit = 48) {
  const out = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out.slice(-limit);
}

/**
 * One ascending day list from archive months and the state. Each date is taken once: the
 * state wins over archives, and an archive file wins for days of its own month (the
 * original's months overlap by a day).
 */
export function stitch(stateDays, archives = []) {
  const chosen = new Map();
  const rank = new Map();
  const offer = (day, priority, source) => {
    const current = rank.get(day.date);
    if (current !== undefined && current >= priority) return;
    rank.set(day.date, priority);
    chosen.set(day.date, { ...day, source });
  };
  for (const archive of archives) {
    if (!archive) continue;
    const period = archive.period;
    const ciByDate = archive.raw && archive.raw.ciCheckouts && typeof archive.raw.ciCheckouts === 'object' ? archive.raw.ciCheckouts : {};
    for (const day of normalizeDays(archive.raw && archive.raw.dailyHistory, ciByDate)) {
      offer(day, day.date.startsWith(period) ? 2 : 1, `archive-${period}`);
    }
  }
  for (const day of stateDays) offer(day, 3, 'state');
  return [...chosen.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** A placeholder for a date inside the history that no source holds. */
function missingDay(date) {
  const day = { date, missing: true, partial: false, capturedAt: null, source: null };
  for (const f of DAY_FIELDS) day[f] = null;
  day.stars = null; day.forks = null; day.openIssues = null; day.ciWorkflows = null; day.backfill = null;
  return day;
}

/** Fill dates absent between the first and last day with `missing` placeholders. */
export function fillGaps(days) {
  if (days.length === 0) return [];
  const out = [];
  let expected = days[0].date;
  for (const day of days) {
    while (expected < day.date) {
      out.push(missingDay(expected));
      expected = addDays(expected, 1);
    }
    out.push(day);
    expected = addDays(day.date, 1);
  }
  return out;
}

function mean(values) {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;
}

/**
 * Mark incomplete days and attach `projection` values:
 * - a day whose last capture (`capturedAt`, else `now`) is before its end is partial; its
 *   projection = measured + (unelapsed share of the day) × mean of the last 7 complete days;
 * - a complete day whose uniques expired before collection (absent after unique tracking
 *   began) gets uniques estimated from the unique/count ratio of nearby known days.
 * Measured values are never changed; projections are only for drawing, labelled as such.
 */
export function applyProjections(days, { capturedAt = null, now = Date.now() } = {}) {
  const captureMs = capturedAt ? Date.parse(capturedAt) : now;
  const out = days.map((d) => ({ ...d, projection: null }));
  const complete = [];
  for (const day of out) {
    if (day.missing) continue;
    const start = dayStartMs(day.date);
    if (captureMs < start + DAY_MS) {
      day.partial = true;
      day.elapsed = Math.min(1, Math.max(0, (captureMs - start) / DAY_MS));
    } else {
      complete.push(day);
    }
  }
  const firstKnown = {};
  for (const [u] of UNIQUE_PAIRS) {
    const first = out.find((d) => !d.missing && d[u] != null);
    firstKnown[u] = first ? first.date : null;
  }
  out.forEach((day, index) => {
    if (day.missing) return;
    const projection = {};
    if (day.partial) {
      const before = complete.filter((d) => d.date < day.date).slice(-7);
      for (const f of PROJECTED_FIELDS) {
        if (day[f] == null) continue;
        projection[f] = day[f] + Math.round((1 - day.elapsed) * mean(before.map((d) => d[f] ?? 0)));
      }
    }
    for (const [u, c] of UNIQUE_PAIRS) {
      const measured = day[u];
      if (measured != null && !day.partial) continue;
      if (measured == null && (!firstKnown[u] || day.date < firstKnown[u])) continue;
      const base = projection[c] ?? day[c];
      if (base == null) continue;
      const ratio = uniqueRatio(out, index, u, c);
      if (ratio == null) continue;
      projection[u] = Math.max(measured ?? 0, Math.round(base * ratio));
    }
    if (Object.keys(projection).length) day.projection = projection;
  });
  return out;
}

/** Σuniques / Σcounts over up to 14 complete days with known uniques nearest to `index`. */
function uniqueRatio(days, index, u, c) {
  const near = [];
  for (let step = 1; near.length < 14 && (index - step >= 0 || index + step < days.length); step += 1) {
    for (const j of [index - step, index + step]) {
      const d = days[j];
      if (d && !d.missing && !d.partial && d[u] != null && d[c] != null) near.push(d);
    }
  }
  const counts = near.reduce((s, d) => s + d[c], 0);
  if (!counts) return null;
  return Math.min(1, near.reduce((s, d) => s + d[u], 0) / counts);
}

/** Downloads plus organic clones: what the "installs" badge counts. */
export function installsOf(day) {
  if (day.missing) return null;
  return (day.downloads ?? 0) + (day.organicClones ?? 0);
}

/** A field's value for drawing: projection when the day has one, else the measured value. */
export function valueOf(day, field, projected = false) {
  if (field === 'installs') {
    if (projected && day.projection && (day.projection.downloads != null || day.projection.organicClones != null)) {
      return (day.projection.downloads ?? day.downloads ?? 0) + (day.projection.organicClones ?? day.organicClones ?? 0);
    }
    return installsOf(day);
  }
  if (projected && day.projection && day.projection[field] != null) return day.projection[field];
  return day[field];
}

/**
 * Recent activity for a field: last complete day ("24h"), last 7 and last 30 complete days.
 * Partial days are excluded so the figures match the badges' recency suffixes.
 */
export function recency(days, field) {
  const complete = days.filter((d) => !d.partial);
  if (complete.length === 0) return { day: 0, week: 0, month: 0, lastDate: null };
  const last = complete[complete.length - 1].date;
  const sumSince = (n) => {
    const from = addDays(last, -(n - 1));
    return complete.filter((d) => d.date >= from).reduce((s, d) => s + (valueOf(d, field) ?? 0), 0);
  };
  return { day: valueOf(complete[complete.length - 1], field) ?? 0, week: sumSince(7), month: sumSince(30), lastDate: last };
}

/**
 * Change of a snapshot field (stars, forks, openIssues) over the last `n` days: the last
 * observed value minus the last one observed at least `n` days before it; null when the
 * history is too short to say.
 */
export function snapshotChange(days, field, n) {
  const observed = days.filter((d) => !d.missing && d[field] != null);
  if (observed.length < 2) return null;
  const last = observed[observed.length - 1];
  const cutoff = addDays(last.date, -n);
  const before = observed.filter((d) => d.date <= cutoff).pop();
  return before ? last[field] - before[field] : null;
}

/** The badge-style recency suffix: `+N 24h`, else `+N wk`, else `+N mo`, else ''. */
export function recencyLabel(r) {
  if (r.day > 0) return `+${formatNumber(r.day)} 24h`;
  if (r.week > 0) return `+${formatNumber(r.week)} wk`;
  if (r.month > 0) return `+${formatNumber(r.month)} mo`;
  return '';
}

/** Days within the last `range` days ending at the newest day (`'all'` keeps everything). */
export function filterRange(days, range) {
  if (range === 'all' || days.length === 0) return days;
  const n = Number(range);
  if (!Number.isInteger(n) || n <= 0) return days;
  const from = addDays(days[days.length - 1].date, -(n - 1));
  return days.filter((d) => d.date >= from);
}

/** Bucket size for a range when the user chose "auto". */
export function autoBucket(range, dayCount) {
  if (range === 'all') return dayCount > 730 ? 'month' : dayCount > 120 ? 'week' : 'day';
  const n = Number(range);
  return n > 120 ? 'week' : 'day';
}

/** Monday (ISO week start) of a `YYYY-MM-DD` date. */
export function weekStart(date) {
  const weekday = (new Date(dayStartMs(date)).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function shortDate(date) {
  return `${MONTHS[Number(date.slice(5, 7)) - 1]} ${Number(date.slice(8, 10))}`;
}

function bucketKey(date, size) {
  if (size === 'week') return weekStart(date);
  if (size === 'month') return date.slice(0, 7);
  return date;
}

function bucketLabel(key, size) {
  if (size === 'month') return `${MONTHS[Number(key.slice(5, 7)) - 1]} ${key.slice(0, 4)}`;
  if (size === 'week') return `Week of ${shortDate(key)}`;
  return shortDate(key);
}

/**
 * Group days into day/week/month buckets. Each bucket has measured sums (`values`, null
 * when no day in it was measured for the field) and `projected` sums where a partial or
 * expired day contributed a projection (`hasProjection`). Snapshot fields (stars, forks,
 * openIssues) take the last observed value in the bucket. `backfilled[field]` counts the
 * days whose figure a backfill wrote, `backfillSources` names those sources.
 */
export function bucketize(days, size, fields) {
  const buckets = [];
  let current = null;
  for (const day of days) {
    const key = bucketKey(day.date, size);
    if (!current || current.key !== key) {
      current = { key, label: bucketLabel(key, size), start: day.date, end: day.date, days: 0, missingDays: 0, partial: false, hasProjection: false, values: {}, projected: {}, backfilled: {}, backfillSources: [] };
      for (const f of fields) { current.values[f] = null; current.projected[f] = null; current.backfilled[f] = 0; }
      buckets.push(current);
    }
    current.end = day.date;
    current.days += 1;
    if (day.missing) { current.missingDays += 1; continue; }
    if (day.partial) current.partial = true;
    if (day.projection) current.hasProjection = true;
    if (day.summary) current.summary = true;
    if (day.backfill && !current.backfillSources.includes(day.backfill.source)) current.backfillSources.push(day.backfill.source);
    for (const f of fields) {
      if (isBackfilled(day, f)) current.backfilled[f] += 1;
      const measured = valueOf(day, f);
      if (['stars', 'forks', 'openIssues'].includes(f)) {
        if (measured != null) { current.values[f] = measured; current.projected[f] = measured; }
        continue;
      }
      const projected = valueOf(day, f, true);
      if (measured != null) current.values[f] = (current.values[f] ?? 0) + measured;
      if (projected != null) current.projected[f] = (current.projected[f] ?? 0) + projected;
    }
  }
  return buckets;
}

/**
 * Thousands separators, fixed to en-US so the page matches the badges. Written by hand: the
 * first Intl.NumberFormat (or toLocaleString) of a fresh browser loads locale data and cost
 * 20–80 ms before the first number could be painted.
 */
export function formatNumber(n) {
  if (n == null || Number.isNaN(n)) return '—';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
  const whole = Math.round(n);
  const digits = String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return whole < 0 ? `-${digits}` : digits;
}

export function formatPercent(part, whole) {
  if (!whole) return '0%';
  return `${((part / whole) * 100).toFixed(1)}%`;
}

const REFERRER_NAMES = [
  [/^google(\.[a-z.]+)?$/i, 'Google'],
  [/^(www\.)?bing\.com$|^bing$/i, 'Bing'],
  [/^duckduckgo(\.com)?$/i, 'DuckDuckGo'],
  [/^(search\.)?yahoo(\.[a-z.]+)?$/i, 'Yahoo'],
  [/^yandex\.[a-z]+$/i, 'Yandex'],
  [/^search\.brave\.com$/i, 'Brave Search'],
  [/^github\.com$/i, 'GitHub'],
  [/^gist\.github\.com$/i, 'GitHub Gist'],
  [/^(old\.|www\.)?reddit\.com$/i, 'Reddit'],
  [/^com\.reddit\.frontpage$/i, 'Reddit (app)'],
  [/^news\.ycombinator\.com$/i, 'Hacker News'],
  [/^t\.co$|^(www\.)?(twitter|x)\.com$/i, 'X (Twitter)'],
  [/^(www\.)?linkedin\.com$|^lnkd\.in$/i, 'LinkedIn'],
  [/^(www\.)?facebook\.com$|^l\.facebook\.com$|^m\.facebook\.com$/i, 'Facebook'],
  [/^stackoverflow\.com$/i, 'Stack Overflow'],
  [/^chatgpt\.com$|^chat\.openai\.com$/i, 'ChatGPT'],
  [/^(www\.)?perplexity\.ai$/i, 'Perplexity'],
  [/^claude\.ai$/i, 'Claude'],
  [/^(www\.)?youtube\.com$/i, 'YouTube'],
  [/^dev\.to$/i, 'DEV Community'],
  [/^medium\.com$/i, 'Medium'],
  [/^(www\.)?npmjs\.com$/i, 'npm'],
  [/^pypi\.org$/i, 'PyPI'],
  [/^crates\.io$/i, 'crates.io'],
  [/^docs\.rs$/i, 'docs.rs'],
  [/^civitai\.com$/i, 'Civitai'],
  [/^com\.google\.android\.gm$/i, 'Gmail (app)'],
  [/^discord\.com$|^discordapp\.com$/i, 'Discord'],
];

/** A readable name for a referrer host as GitHub reports it. */
export function referrerName(source) {
  const s = String(source ?? '').trim();
  for (const [pattern, name] of REFERRER_NAMES) if (pattern.test(s)) return name;
  return s;
}

/** A popular path without the `/owner/repo` prefix (`/` for the repository page). */
export function stripRepoPrefix(path, owner, repo) {
  const p = String(path ?? '');
  const prefix = `/${owner}/${repo}`.toLowerCase();
  const lower = p.toLowerCase();
  if (lower === prefix || lower === `${prefix}/`) return '/';
  if (lower.startsWith(`${prefix}/`)) return p.slice(prefix.length);
  return p;
}

const CP1252 = { 0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87, 0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91, 0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98, 0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f };

/**
 * Undo UTF-8 text that was decoded as Latin-1/Windows-1252 (GitHub's page titles in the
 * original's states read "Releases Ã‚Â· …"); returns the input when it is not such text.
 */
export function repairMojibake(text) {
  let s = String(text ?? '');
  for (let round = 0; round < 3 && /[\u00c2-\u00f4][\u0080-\u00bf\u201a\u0152-\u2122]/.test(s); round += 1) {
    const bytes = [];
    for (const ch of s) {
      const code = ch.codePointAt(0);
      if (code <= 0xff) bytes.push(code);
      else if (CP1252[code] !== undefined) bytes.push(CP1252[code]);
      else return s;
    }
    try {
      s = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
    } catch {
      return s;
    }
  }
  return s;
}

/** Whole days since `iso` at `now`, or null. */
export function ageInDays(iso, now = Date.now()) {
  const t = Date.parse(iso ?? '');
  return Number.isNaN(t) ? null : Math.floor((now - t) / DAY_MS);
}

/** Freshness of the last capture: `fresh` (< 26 h), `stale` (< 50 h) or `old`. */
export function freshness(capturedAt, now = Date.now()) {
  const t = Date.parse(capturedAt ?? '');
  if (Number.isNaN(t)) return { level: 'unknown', hours: null };
  const hours = Math.max(0, (now - t) / 3600000);
  return { level: hours < 26 ? 'fresh' : hours < 50 ? 'stale' : 'old', hours };
}

/**
 * Export columns: first exactly `ghtraf export`'s (docs/state-format.md, "Export"), then what
 * the page adds. null = not collected (an empty CSV cell, `null` in JSON).
 */
const EXPORT_FIELDS = [
  ['date', (d) => d.date],
  ['clones', (d) => d.clones],
  ['unique_clones', (d) => d.uniqueClones],
  ['views', (d) => d.views],
  ['unique_views', (d) => d.uniqueViews],
  ['downloads', (d) => d.downloads],
  ['ci_checkouts', (d) => d.ciCheckouts],
  ['organic_clones', (d) => d.organicClones],
  ['organic_unique_clones', (d) => d.organicUniqueClones],
  ['ci_runs', (d) => d.ciRuns],
  ['installs', (d) => installsOf(d)],
  ['stars', (d) => d.stars],
  ['forks', (d) => d.forks],
  ['open_issues', (d) => d.openIssues],
  ['partial', (d) => d.partial],
  ['backfill_source', (d) => (d.backfill ? d.backfill.source : null)],
  ['backfill_fields', (d) => (d.backfill ? d.backfill.fields.join(' ') : null)],
];

export const EXPORT_COLUMNS = EXPORT_FIELDS.map(([name]) => name);

function exportRow(day) {
  return Object.fromEntries(EXPORT_FIELDS.map(([name, get]) => [name, get(day) ?? null]));
}

/** CSV of the measured history, one row per day held (no projections). */
export function toCSV(days) {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const day of days) {
    if (day.missing) continue;
    const row = exportRow(day);
    // Every cell is a date, number or boolean, so nothing needs quoting.
    lines.push(EXPORT_COLUMNS.map((c) => (row[c] == null ? '' : String(row[c]))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** JSON export: totals plus the same rows as the CSV. */
export function toJSON(state, days, { owner, repo, now = Date.now() } = {}) {
  return JSON.stringify({
    repo: `${owner}/${repo}`,
    exportedAt: new Date(now).toISOString(),
    capturedAt: state.capturedAt,
    totals: state.totals,
    days: days.filter((d) => !d.missing).map(exportRow),
  }, null, 2);
}

/** Raw URL of a gist file, the way `config.json` describes the gists. */
export function gistFileUrl(config, gistId, file) {
  const base = String(config.gistRawBase || 'https://gist.githubusercontent.com').replace(/\/+$/, '');
  return `${base}/${encodeURIComponent(config.gistOwner || config.owner)}/${encodeURIComponent(gistId)}/raw/${file}`;
}

function cacheKey(config, name) {
  return `ghtraf:${config.owner}/${config.repo}:${name}`;
}

function readCache(cache, key) {
  try {
    const text = cache && cache.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function isCached(cache, key) {
  try {
    return Boolean(cache && cache.getItem(key));
  } catch {
    return false;
  }
}

function writeCache(cache, key, value) {
  try {
    if (cache) cache.setItem(key, JSON.stringify(value));
  } catch {
    // A full or disabled storage only costs a re-download next time.
  }
}

/**
 * The months a range needs from the archive: all of them for 'all' (and for the original
 * tool's states, whose totals are recomputed over every day), else those that overlap the
 * last `range` days and are not covered by the state's own days.
 */
export function monthsForRange(state, months, range) {
  if (range === 'all' || state.legacy) return months.slice();
  const n = Number(range);
  const last = state.days.length ? state.days[state.days.length - 1].date : null;
  if (!last || !Number.isInteger(n) || n <= 0) return months.slice();
  const from = addDays(last, -(n - 1));
  if (state.days[0].date <= from) return [];
  return months.filter((m) => m >= from.slice(0, 7));
}

/**
 * Stand-ins for archived months from a ghtraf archive index (`months: [{period, days,
 * totals}]`): one pseudo-day per month (dated the 1st, `summary: true`) holding the month's
 * totals, so month buckets show every month's sums before its file arrives. Only for month
 * buckets: as days they would be wrong. Months without totals are left out.
 */
export function monthSummaries(index, months) {
  const out = new Map();
  if (!index || !Array.isArray(index.months)) return out;
  for (const entry of index.months) {
    if (!entry || typeof entry.period !== 'string' || !months.includes(entry.period)) continue;
    const totals = readTotals(entry.totals);
    if (!totals) continue;
    const day = missingDay(`${entry.period}-01`);
    Object.assign(day, totals, { missing: false, summary: true, summaryDays: count(entry.days), projection: null });
    out.set(entry.period, day);
  }
  return out;
}

/**
 * `days` with the summaries of months none of whose days are held, in date order: what all
 * of history by month shows while month files are still downloading (or failed).
 */
export function withSummaries(days, summaries) {
  if (!summaries || summaries.size === 0) return days;
  const held = new Set(days.filter((d) => !d.missing).map((d) => d.date.slice(0, 7)));
  const extra = [...summaries.entries()].filter(([period]) => !held.has(period)).map(([, day]) => day);
  if (extra.length === 0) return days;
  return [...extra, ...days].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * What makes a cached month stale: ghtraf's month files only change when a backfill writes
 * into an archived month, and then the state's archived totals change with them.
 */
function archiveGeneration(rawState) {
  const totals = rawState && rawState.archived && rawState.archived.totals;
  return totals && typeof totals === 'object' ? TOTAL_FIELDS.map((f) => count(totals[f]) ?? 0).join(',') : null;
}

/**
 * Fetch what the page shows first. `fetchJson(url)` resolves to `{status, data}` (data is
 * the parsed body when status is 200) or rejects on a network error; `cache` is a
 * Storage-like object (keys are prefixed with owner/repo so repos on one origin never
 * share data). Never throws for a missing archive: the result says what happened.
 *
 * Only the archive months `range` needs are downloaded (`monthsForRange`); a ghtraf state
 * names its archived months itself, so the archive index is read only for the original
 * tool's states. `extendDashboard` later loads the months a longer range needs.
 *
 * `onState(result)`, if given, gets a state-only result (archive.status 'loading') while the
 * archive months are still downloading, so the page can show numbers early.
 *
 * Result: `{setup, state, days, archive: {status, months, failed, pending}, stateFromCache}`
 * where setup is 'ok' | 'no-gist' (not set up yet) | 'no-data' (gist exists, nothing
 * collected), archive.status is 'ok' | 'none' | 'no-index' | 'partial' | 'failed' |
 * 'rate-limited', and archive.pending lists the archived months not loaded yet.
 */
export async function loadDashboard({ config, fetchJson, cache = null, now = Date.now(), onState = null, onSummaries = null, range = 'all' }) {
  const noArchive = { status: 'none', months: [], failed: [], pending: [] };
  if (!config || !config.badgeGistId) return { setup: 'no-gist', state: null, days: [], archive: noArchive };
  let rawState = null;
  let stateFromCache = false;
  let stateError = null;
  try {
    const response = await fetchJson(gistFileUrl(config, config.badgeGistId, 'state.json'));
    if (response.status === 200) rawState = response.data;
    else if (response.status !== 404) stateError = `state.json: HTTP ${response.status}`;
  } catch (error) {
    stateError = `state.json: ${error && error.message ? error.message : 'network error'}`;
  }
  if (rawState) {
    writeCache(cache, cacheKey(config, 'state'), rawState);
  } else if (stateError) {
    rawState = readCache(cache, cacheKey(config, 'state'));
    stateFromCache = rawState != null;
    if (!rawState) throw new Error(`Could not load the traffic data (${stateError}).`);
  }
  const state = rawState ? normalizeState(rawState) : null;
  if (!state || (state.days.length === 0 && state.totals.clones + state.totals.views + state.totals.downloads === 0)) {
    return { setup: 'no-data', state, days: [], archive: noArchive, stateFromCache };
  }
  const result = {
    setup: 'ok',
    state,
    days: applyProjections(fillGaps(state.days), { capturedAt: state.capturedAt, now }),
    archive: { ...noArchive, status: 'loading' },
    stateFromCache,
    stateError,
  };
  if (!config.archiveGistId) return { ...result, archive: noArchive };
  const listed = !state.legacy && rawState.archived && Array.isArray(rawState.archived.months);
  const loader = {
    config,
    fetchJson,
    cache,
    now,
    generation: archiveGeneration(rawState),
    // The months there are, once known: from the state, or from the index below.
    all: listed ? state.archivedMonths : null,
    indexStatus: listed ? 200 : null,
    probing: false,
    files: new Map(),
    failures: new Map(),
    inflight: new Map(),
    listed,
    index: null,
  };
  Object.defineProperty(result, 'loader', { value: loader, enumerable: false });
  // Requests go out before the state's numbers are drawn, so drawing overlaps with them:
  // the index (for all history by month) first in the queue, then the month files.
  const wanted = listed ? monthsForRange(state, loader.all, range) : null;
  if (onSummaries) loadSummaries(result, { range }).then((summaries) => { if (summaries) onSummaries(summaries); });
  const complete = extendDashboard(result, { range });
  if (onState && (!listed || wanted.length > 0)) onState({ ...result });
  return complete;
}

/**
 * For all of history by month while month files download: the archive index's totals of the
 * months `range` needs that are neither held nor cached (`monthSummaries`), read once per
 * load. Resolves to null when there is nothing to stand in for, or no usable index (the
 * month files are on their way anyway). Only ghtraf states, whose months are listed.
 */
export function loadSummaries(result, { range = 'all' } = {}) {
  const loader = result.loader;
  if (!loader || !loader.listed || range !== 'all') return Promise.resolve(null);
  const { config, cache } = loader;
  const wanted = monthsForRange(result.state, loader.all, range)
    .filter((m) => !loader.files.has(m) && !isCached(cache, cacheKey(config, `archive-${m}`)));
  if (wanted.length === 0) return Promise.resolve(null);
  loader.index ||= loader.fetchJson(gistFileUrl(config, config.archiveGistId, 'archive.json')).catch(() => null);
  return loader.index.then((index) => {
    if (!index || index.status !== 200) return null;
    const summaries = monthSummaries(index.data, wanted);
    return summaries.size ? summaries : null;
  });
}

/**
 * The same result with every month `range` needs loaded (months already held are not asked
 * for again). Resolves to the input when nothing is missing.
 */
export async function extendDashboard(result, { range = 'all' } = {}) {
  const loader = result.loader;
  if (!loader) return result;
  const { state } = result;
  if (!loader.all) await readIndex(loader, state);
  if (!loader.all) return finish(result, loader, range);
  const wanted = monthsForRange(state, loader.all, range)
    .filter((m) => !loader.files.has(m) && !loader.failures.has(m));
  if (wanted.length === 0 && result.archive.status !== 'loading') return result;
  // A month another call is already downloading (a range change during a download) is
  // waited for, not asked for twice.
  const fresh = wanted.filter((m) => !loader.inflight.has(m));
  if (fresh.length) {
    const request = fetchMonths(loader, fresh).then((fetched) => {
      for (const f of fetched) {
        if (f.raw) loader.files.set(f.period, f.raw);
        else loader.failures.set(f.period, f.error);
        loader.inflight.delete(f.period);
      }
    });
    for (const m of fresh) loader.inflight.set(m, request);
  }
  await Promise.all([...new Set(wanted.map((m) => loader.inflight.get(m)).filter(Boolean))]);
  return finish(result, loader, range);
}

function finish(result, loader, range) {
  const { state } = result;
  const archive = { status: 'none', months: [], failed: [], pending: [] };
  const limited = (s) => s === 403 || s === 429;
  if (limited(loader.indexStatus)) archive.status = 'rate-limited';
  else if (loader.indexStatus !== 200 && loader.indexStatus !== 404) archive.status = 'failed';
  const periods = [...loader.files.keys()].sort();
  archive.months = periods;
  for (const [period, error] of [...loader.failures.entries()].sort()) {
    if (!(loader.probing && error === 404)) archive.failed.push(period);
  }
  archive.pending = (loader.all || []).filter((m) => !loader.files.has(m) && !loader.failures.has(m));
  if (archive.status === 'none') {
    if ([...loader.failures.values()].some(limited)) archive.status = 'rate-limited';
    else if (loader.indexStatus === 404) archive.status = 'no-index';
    else archive.status = archive.failed.length === 0 ? 'ok' : archive.months.length ? 'partial' : 'failed';
  }
  const stitched = stitch(state.days, periods.map((period) => ({ period, raw: loader.files.get(period) })));
  if (state.legacyCounters) state.totals = legacyTotals(state.legacyCounters, stitched);
  const days = applyProjections(fillGaps(stitched), { capturedAt: state.capturedAt, now: loader.now });
  const next = { ...result, days, archive };
  Object.defineProperty(next, 'loader', { value: loader, enumerable: false });
  return next;
}

/** The original tool's states do not list their months: read the index, else probe. */
async function readIndex(loader, state) {
  let index;
  try {
    index = await loader.fetchJson(gistFileUrl(loader.config, loader.config.archiveGistId, 'archive.json'));
  } catch {
    index = { status: 0, data: null };
  }
  loader.indexStatus = index.status;
  const months = index.status === 200 ? archiveMonthsFromIndex(index.data) : null;
  if (months) { loader.all = months; return; }
  if (index.status !== 200 && index.status !== 404) return;
  // Without a usable index, ask for the months the state says are archived, else every
  // month from the repo's tracking start to the first day the state holds.
  loader.indexStatus = 404;
  let named = state.archivedMonths.slice();
  const firstDay = state.days[0] && state.days[0].date;
  const since = dayKey(loader.config.created) || state.trackingSince;
  if (named.length === 0 && firstDay && since && since.slice(0, 7) <= firstDay.slice(0, 7)) {
    named = monthsBetween(since.slice(0, 7), firstDay.slice(0, 7));
    loader.probing = true;
  }
  loader.all = named;
}

/** The file `ghtraf collect` writes beside the month files: the newest months in one file. */
export const RECENT_FILE = 'archive-recent.json';
/** The most months it holds (docs/state-format.md): older ones are always month files. */
const RECENT_MONTHS = 36;

/**
 * The months of an `archive-recent.json` (`data`) by period, when it describes the archive the
 * state describes: its `archived` record names the same months (`months`, the state's list) with
 * the same totals (`generation`, see archiveGeneration). Otherwise null — another shape, a month
 * the state does not list, or a copy a later backfill left stale — and the month files are read.
 */
export function readRecent(data, { generation, months }) {
  if (!data || typeof data !== 'object' || Array.isArray(data) || (count(data.schemaVersion) ?? 0) < 4 || !Array.isArray(data.months)) return null;
  if (generation == null || archiveGeneration(data) !== generation) return null;
  const listed = data.archived && Array.isArray(data.archived.months) ? data.archived.months : null;
  if (!listed || !Array.isArray(months) || listed.join(',') !== months.join(',')) return null;
  const out = new Map();
  for (const month of data.months) {
    if (!month || typeof month !== 'object' || typeof month.period !== 'string' || !months.includes(month.period) || !Array.isArray(month.dailyHistory)) return null;
    out.set(month.period, month);
  }
  return out;
}

/** archive-recent.json's months, asked for once per load; null when it is missing or unusable. */
function recentMonths(loader) {
  if (!loader.listed || loader.generation == null || !loader.config.archiveGistId) return Promise.resolve(null);
  loader.recent ||= loader.fetchJson(gistFileUrl(loader.config, loader.config.archiveGistId, RECENT_FILE))
    .then((response) => (response.status === 200 ? readRecent(response.data, { generation: loader.generation, months: loader.all }) : null))
    .catch(() => null);
  return loader.recent;
}

/**
 * Fetch month files, all at once. ghtraf's (v4) months come from and go to this repo's
 * cache, tagged with the state's archive generation so a backfilled month is read again.
 * When two or more of the newest 36 months are wanted, they come from archive-recent.json
 * (one request) if it is there and current; any month it does not give is a month file.
 */
function fetchMonths(loader, months) {
  const { config, fetchJson, cache, generation } = loader;
  const fromCache = (period) => {
    const cached = readCache(cache, cacheKey(config, `archive-${period}`));
    return cached && generation != null && cached.generation === generation && cached.data ? cached.data : null;
  };
  const cached = new Map(months.map((period) => [period, fromCache(period)]));
  const newest = new Set((loader.all || []).slice(-RECENT_MONTHS));
  const fromRecent = months.filter((period) => !cached.get(period) && newest.has(period));
  const recent = fromRecent.length >= 2 ? recentMonths(loader) : Promise.resolve(null);
  return Promise.all(months.map(async (period) => {
    const key = cacheKey(config, `archive-${period}`);
    if (cached.get(period)) return { period, raw: cached.get(period) };
    const held = newest.has(period) ? (await recent)?.get(period) : null;
    if (held) {
      writeCache(cache, key, { generation, data: held });
      return { period, raw: held };
    }
    try {
      const response = await fetchJson(gistFileUrl(config, config.archiveGistId, `archive-${period}.json`));
      if (response.status === 200 && response.data && typeof response.data === 'object') {
        if (generation != null && (response.data.schemaVersion ?? 0) >= 4) writeCache(cache, key, { generation, data: response.data });
        return { period, raw: response.data };
      }
      return { period, error: response.status };
    } catch {
      return { period, error: 0 };
    }
  }));
}
