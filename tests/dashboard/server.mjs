// A loopback static server for the browser tests and the bench: the dashboard's template
// files under /s/<scenario>/, a generated config.json per scenario, and fake gists under
// /raw/<scenario>/<gistOwner>/<gistId>/raw/<file> (the shape of gist.githubusercontent.com).
// As on GitHub, the gists are another origin than the page (a second port: their own
// connections, and the page's requests must pass CORS, which raw gist files allow for all).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const PAGE_DIR = join(here, '..', '..', 'crates', 'ghtraf', 'templates', 'docs', 'stats');
export const PORTFOLIO_DIR = join(here, '..', '..', 'crates', 'ghtraf', 'templates', 'docs', 'portfolio');
/** A page file name: no directories, no dot files (nothing outside the page folder). */
const PAGE_FILE = /^[\w-][\w.-]*$/;

const TYPES = { html: 'text/html', js: 'text/javascript', css: 'text/css', svg: 'image/svg+xml', json: 'application/json', md: 'text/markdown' };

/**
 * `scenarios`: { name: { config: {...without gistRawBase}, gists: { gistId: { file: object } },
 * statuses: { 'gistId/file' or 'gistId/*': httpStatus }, pageDir: folder of the page's files
 * (default the dashboard template; the bench serves an older copy beside it), pageDirs:
 * folders searched in turn (the portfolio page with the dashboard's style.css), deployed: true
 * to serve index.html with config.json written into it, as `ghtraf create` deploys it (an object:
 * with these keys changed, as a config.json edited after the deploy) } }.
 * Returns { origin, gistOrigin, pageUrl(name), requests: [{scenario, path, status}], close() }.
 */
/**
 * index.html as `ghtraf create` deploys it: the config written into its
 * `ghtraf-deployed-config` element, compact, every `<` escaped (templates.rs does the same).
 */
export function deployIndex(page, config) {
  const element = '<script type="application/json" id="ghtraf-deployed-config">';
  const empty = `${element}null</script>`;
  if (page.split(empty).length !== 2) throw new Error('index.html must hold the deployed-config element exactly once');
  return page.replace(empty, () => `${element}${JSON.stringify(config).replace(/</g, '\\u003c')}</script>`);
}

export async function startServer(scenarios) {
  const requests = [];
  // Serialised once, so the server's own time stays out of the page's measured load time.
  const bodies = new Map();
  for (const [name, scenario] of Object.entries(scenarios)) {
    for (const [gistId, files] of Object.entries(scenario.gists || {})) {
      for (const [file, body] of Object.entries(files)) bodies.set(`${name}/${gistId}/${file}`, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
    }
  }
  // Page files are read once, as a static host serves them from memory.
  const files = new Map();
  const readPageFile = async (path) => {
    if (!files.has(path)) files.set(path, await readFile(path));
    return files.get(path);
  };
  const handler = async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const send = (status, body, type = 'text/plain') => {
      requests.push({ path: url.pathname, status });
      const headers = { 'content-type': type, 'cache-control': 'no-store' };
      if (url.pathname.startsWith('/raw/')) headers['access-control-allow-origin'] = '*';
      res.writeHead(status, headers);
      res.end(body);
    };
    const parts = url.pathname.split('/').filter(Boolean);
    const scenario = scenarios[parts[1]];
    if (!scenario) return send(404, 'no such scenario');
    if (parts[0] === 's') {
      const file = parts.slice(2).join('/') || 'index.html';
      const config = () => ({ gistRawBase: `${gistOrigin}/raw/${parts[1]}`, apiBase: `${origin}/api`, ...scenario.config });
      if (file === 'config.json') {
        if (scenario.config === null) return send(404, 'not found');
        return send(200, JSON.stringify(config()), TYPES.json);
      }
      if (file === 'index.html' && scenario.deployed) {
        const page = String(await readPageFile(join(scenario.pageDir || PAGE_DIR, 'index.html')));
        const overrides = scenario.deployed === true ? {} : scenario.deployed;
        return send(200, deployIndex(page, { ...config(), ...overrides }), TYPES.html);
      }
      if (!PAGE_FILE.test(file)) return send(404, 'not found');
      for (const dir of scenario.pageDirs || [scenario.pageDir || PAGE_DIR]) {
        let body;
        try {
          body = await readPageFile(normalize(join(dir, file)));
        } catch {
          continue;
        }
        return send(200, body, TYPES[file.split('.').pop()] || 'application/octet-stream');
      }
      return send(404, 'not found');
    }
    if (parts[0] === 'raw' && parts[4] === 'raw' && parts.length === 6) {
      const [, , , gistId, , file] = parts;
      const status = (scenario.statuses || {})[`${gistId}/${file}`] ?? (scenario.statuses || {})[`${gistId}/*`];
      if (status) return send(status, JSON.stringify({ message: 'API rate limit exceeded' }), TYPES.json);
      const body = bodies.get(`${parts[1]}/${gistId}/${file}`);
      if (body === undefined) return send(404, '404: Not Found');
      return send(200, body, 'text/plain; charset=utf-8');
    }
    return send(404, 'not found');
  };
  const server = createServer(handler);
  const gistServer = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise((resolve) => gistServer.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const gistOrigin = `http://127.0.0.1:${gistServer.address().port}`;
  const stop = (srv) => new Promise((resolve) => { srv.closeAllConnections(); srv.close(resolve); });
  return {
    origin,
    gistOrigin,
    requests,
    pageUrl: (name, hash = '') => `${origin}/s/${name}/${hash}`,
    close: () => Promise.all([stop(server), stop(gistServer)]),
  };
}
