// The deployments the browser tests load: ghtraf v4, the original tool's states, an empty
// deployment and a rate-limited archive gist.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recentFile } from './fixtures/generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
// The original tool's states live once, beside the Rust tests that import them.
const shared = join(here, '..', 'fixtures');

export function readFixture(...path) {
  const root = path[0] === 'gtt' ? shared : fixtures;
  return JSON.parse(readFileSync(join(root, ...path), 'utf8'));
}

function dirGist(dir) {
  return Object.fromEntries(readdirSync(join(fixtures, dir)).filter((f) => f.endsWith('.json')).map((f) => [f, readFixture(dir, f)]));
}

const base = (repo, extra = {}) => ({
  owner: 'octo', repo, displayName: `Demo ${repo}`, created: '2024-03-01', gistOwner: 'octo',
  badgeGistId: `badge-${repo}`, archiveGistId: `archive-${repo}`, ...extra,
});

/** The backfilled fixture with its star series cut short by the API cap, and no fork series. */
export function cappedBackfillState() {
  const state = readFixture('backfill', 'state.json');
  const stars = state.series.stars;
  state.series = {
    stars: { ...stars, points: stars.points.filter(([date]) => date <= '2025-12-31'), complete: false, note: '40,000-star API cap: stars after 2025-12-31 are missing' },
  };
  return state;
}

export function scenarios() {
  const v4 = dirGist('v4');
  const backfill = dirGist('backfill');
  const backfillArchive = Object.fromEntries(Object.entries(backfill).filter(([f]) => f.startsWith('archive')));
  const v4State = { 'state.json': v4['state.json'] };
  const v4Archive = Object.fromEntries(Object.entries(v4).filter(([f]) => f.startsWith('archive')));
  const gtt = (f) => readFixture('gtt', f);
  return {
    v4: { config: { ...base('v4'), repo: 'demo', displayName: 'Demo' }, gists: { 'badge-v4': v4State, 'archive-v4': v4Archive } },
    // index.html as `ghtraf create` deploys it, with config.json written into it; and one whose
    // config.json was pointed at another gist after the deploy (config.json wins).
    'v4-deployed': { config: { ...base('v4-deployed'), repo: 'demo', displayName: 'Demo' }, deployed: true, gists: { 'badge-v4-deployed': v4State, 'archive-v4-deployed': v4Archive } },
    'v4-deployed-moved': { config: { ...base('v4-deployed-moved'), repo: 'demo', displayName: 'Demo' }, deployed: { badgeGistId: 'badge-before-the-move' }, gists: { 'badge-v4-deployed-moved': v4State, 'archive-v4-deployed-moved': v4Archive } },
    // Since the dashboard's first-paint work collect also writes archive-recent.json (the
    // newest months in one file); a copy cut off mid-way must cost nothing but a request.
    'v4-recent': { config: base('v4-recent'), gists: { 'badge-v4-recent': v4State, 'archive-v4-recent': { ...v4Archive, 'archive-recent.json': recentFile(v4['state.json'], v4Archive) } } },
    'v4-recent-cut': {
      config: base('v4-recent-cut'),
      gists: { 'badge-v4-recent-cut': v4State, 'archive-v4-recent-cut': { ...v4Archive, 'archive-recent.json': JSON.stringify(recentFile(v4['state.json'], v4Archive)).slice(0, 5000) } },
    },
    'v4-403': { config: base('v4-403'), gists: { 'badge-v4-403': v4State, 'archive-v4-403': v4Archive }, statuses: { 'archive-v4-403/*': 403 } },
    'v4-noindex': {
      config: base('v4-noindex'),
      gists: { 'badge-v4-noindex': v4State, 'archive-v4-noindex': Object.fromEntries(Object.entries(v4Archive).filter(([f]) => f !== 'archive.json')) },
    },
    gtt: {
      config: { ...base('gtt', { owner: 'ExampleOrg', repo: 'example-project', displayName: 'Example project', created: '2025-12-01', gistOwner: 'ExampleOrg' }), badgeGistId: 'badge-gtt', archiveGistId: 'archive-gtt' },
      gists: {
        'badge-gtt': { 'state.json': gtt('synthetic-state.json') },
        'archive-gtt': {
          'archive.json': gtt('synthetic-archive-gist.json'),
          'archive-2025-12.json': gtt('synthetic-archive-2025-12.json'),
          'archive-2026-01.json': gtt('synthetic-archive-2026-01.json'),
        },
      },
    },
    'gtt-real-b': {
      config: { ...base('gtt-real-b', { owner: 'DazzleML', repo: 'comfyui-triton-and-sageattention-installer', displayName: 'Installer' }), archiveGistId: null },
      gists: { 'badge-gtt-real-b': { 'state.json': gtt('real-v1-state-b.json') } },
    },
    'gtt-real-a': {
      config: { ...base('gtt-real-a'), archiveGistId: null },
      gists: { 'badge-gtt-real-a': { 'state.json': gtt('real-v1-state-a.json') } },
    },
    // After `ghtraf backfill`: imported days (in an archive month and in state.json), runs
    // recorded in `provenance`, star and fork series since the repository's creation.
    backfill: {
      config: base('backfill'),
      gists: { 'badge-backfill': { 'state.json': backfill['state.json'] }, 'archive-backfill': backfillArchive },
    },
    'backfill-capped': {
      config: base('backfill-capped'),
      gists: { 'badge-backfill-capped': { 'state.json': cappedBackfillState() }, 'archive-backfill-capped': backfillArchive },
    },
    unconfigured: { config: base('unconfigured', { badgeGistId: null, archiveGistId: null }), gists: {} },
    nodata: { config: base('nodata'), gists: { 'badge-nodata': {} } },
    noconfig: { config: null, gists: {} },
    // A fresh ghtraf deployment after its first collections: an index with no months yet.
    'v4-fresh': {
      config: base('v4-fresh'),
      gists: {
        'badge-v4-fresh': { 'state.json': { ...v4['state.json'], archived: { months: [], totals: v4['state.json'].baseline } } },
        'archive-v4-fresh': { 'archive.json': { schemaVersion: 4, repo: 'octo/v4-fresh', updatedAt: '2026-02-26T06:00:00Z', months: [] } },
      },
    },
  };
}
