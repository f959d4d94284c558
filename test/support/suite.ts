import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { serveWeb, type StaticSite } from './staticServer.js';

/** One Chromium and one web player on loopback for a test file; `playlistsDir` replaces the bundled playlists. */
export function useBrowserAndSite(options: { playlistsDir?: () => string } = {}): { browser: () => Browser; site: () => StaticSite } {
  let site: StaticSite | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    site = await serveWeb(options.playlistsDir ? { playlistsDir: options.playlistsDir() } : {});
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  return { browser: () => browser!, site: () => site! };
}
