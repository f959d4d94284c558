import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--autoplay-policy=no-user-gesture-required'];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface PlayerPage {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/** A fresh profile (its own IndexedDB) with a page; page errors are collected. */
export async function newPlayerPage(
  browser: Browser,
  options: { width?: number; height?: number; timezoneId?: string; locale?: string } = {},
): Promise<PlayerPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 720 },
    timezoneId: options.timezoneId ?? 'Europe/Paris',
    locale: options.locale ?? 'fr-FR',
  });
  // tsx (bench, scripts) names functions with a __name helper that pages passed to evaluate() lack.
  await context.addInitScript('globalThis.__name = globalThis.__name || ((fn) => fn);');
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  return { context, page, errors };
}

/** What the page shows now: the current item's ids (not a leaving one), or idle. */
export async function onScreen(page: Page): Promise<{ playlistId: string; itemId: string } | 'idle' | null> {
  return page.evaluate(() => {
    const current = document.querySelector('[data-item-id]:not([data-leaving])');
    if (current) return { playlistId: current.getAttribute('data-playlist-id') ?? '', itemId: current.getAttribute('data-item-id') ?? '' };
    return document.querySelector('[data-idle]') ? 'idle' : null;
  });
}

export async function waitForItem(page: Page, itemId: string, timeout = 10_000): Promise<void> {
  await page.waitForSelector(`[data-item-id="${itemId}"]:not([data-leaving])`, { timeout });
}

/** Every store of the player's IndexedDB, read with the raw API (no help from the app). */
export async function readStore<T = unknown>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(
    (name) =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('antichambre');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction(name, 'readonly').objectStore(name).getAll();
          request.onsuccess = () => {
            db.close();
            resolve(request.result);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    store,
  ) as Promise<T[]>;
}

/** Page time stands still at `at` until the test moves it (runFor), before the page loads. */
export async function freezeClockAt(page: Page, at: number): Promise<void> {
  await page.clock.install({ time: at - 1_000 });
  await page.clock.pauseAt(at);
}
