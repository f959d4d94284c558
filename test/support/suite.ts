import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { startStandInHub, type StandInHub } from './standInHub.js';
import { serveWeb, type StaticSite } from './staticServer.js';

/**
 * One Chromium for all the test files a worker runs (modules are imported once per worker: the
 * suite runs without isolation), launched at the first file that asks, again if it went away.
 * Each file's pages are in contexts of their own, and whatever contexts a file leaves open are
 * closed at its end: a file starts with the browser as a launch leaves it. A launch cost 0.66 CPU-s
 * (machine A), and the suite's files made 30 of them.
 */
let workerBrowser: Promise<Browser> | undefined;

export async function sharedBrowser(): Promise<Browser> {
  const current = workerBrowser && (await workerBrowser.catch(() => undefined));
  if (current?.isConnected()) return current;
  workerBrowser = launchBrowser();
  return workerBrowser;
}

/** At a file's end: closes the contexts it left open in the worker's browser. */
export async function closeContexts(browser: Browser | undefined): Promise<void> {
  if (browser?.isConnected()) await Promise.all(browser.contexts().map((context) => context.close()));
}

/** One Chromium and one web player on loopback for a test file; `playlistsDir` replaces the bundled playlists. */
export function useBrowserAndSite(options: { playlistsDir?: () => string } = {}): { browser: () => Browser; site: () => StaticSite } {
  let site: StaticSite | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    site = await serveWeb(options.playlistsDir ? { playlistsDir: options.playlistsDir() } : {});
    browser = await sharedBrowser();
  });
  afterAll(async () => {
    await closeContexts(browser);
    await site?.close();
  });
  return { browser: () => browser!, site: () => site! };
}

/** A stand-in hub (standInHub.ts: a real socket.io server on loopback) for a test file: started before its tests, closed after them. */
export function useStandInHub(options?: Parameters<typeof startStandInHub>[0]): () => StandInHub {
  let hub: StandInHub | undefined;
  beforeAll(async () => {
    hub = await startStandInHub(options);
  });
  afterAll(async () => {
    await hub?.close();
  });
  return () => hub!;
}
