// Launching Debian's Chromium through playwright-core with a fresh profile, and a page
// that may only talk to loopback: any other request is aborted and recorded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A persistent context in a throwaway user-data-dir; `offLoopback` collects blocked URLs. */
export async function launch({ colorScheme = 'light', viewport = { width: 1280, height: 900 } } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'ghtraf-dash-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    colorScheme,
    acceptDownloads: true,
  });
  const offLoopback = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'blob:' || url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
    offLoopback.push(route.request().url());
    return route.abort();
  });
  return {
    context,
    offLoopback,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
