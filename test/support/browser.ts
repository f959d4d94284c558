import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The features playwright-core (1.65) turns off in every Chromium it launches (its chromiumSwitches.ts).
 * Chromium reads only the last `--disable-features` it is given, so ours repeats them
 * (test/unit/chromiumArgs.test.ts compares this list with the installed playwright-core's).
 */
export const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/**
 * Chromium 156 headless preloads the address bar's two popups (browser UI pages, each in its own
 * renderer) for every new window: 1.2 s of CPU of each fresh player start (3.3 s in all, 1.9 s
 * without; machine A), for something a headless page never shows. The suite opens hundreds of
 * windows on two cores, and spent about a third of its CPU there. A kiosk (Electron) has no
 * address bar at all.
 */
export const BROWSER_UI_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

/**
 * Chromium keeps a spare renderer process started ahead of the next page (a new one each time the
 * last is taken). Every test page is in a context of its own, which a spare never serves: each
 * new page started two renderers and used one, 0.12 of its 1.5 CPU-s (machine A).
 */
export const SPARE_RENDERER_FEATURES = ['SpareRendererForSitePerProcess'];

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...BROWSER_UI_FEATURES, ...SPARE_RENDERER_FEATURES].join(',')}`,
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** The page's last console warnings and errors, for the message of a failed wait. */
const pageWarnings = new WeakMap<Page, string[]>();

function recentWarnings(page: Page): string {
  const warnings = pageWarnings.get(page) ?? [];
  return `page warnings: ${warnings.length ? warnings.join(' | ') : 'none'}`;
}

export interface PlayerPage {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** The page's last 20 console warnings and errors. */
  warnings: string[];
}

/** A fresh profile (its own IndexedDB) with a page; page errors and console warnings are collected. */
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
  const warnings: string[] = [];
  pageWarnings.set(page, warnings);
  page.on('console', (message) => {
    if (message.type() !== 'warning' && message.type() !== 'error') return;
    warnings.push(message.text());
    if (warnings.length > 20) warnings.shift();
  });
  return { context, page, errors, warnings };
}

/** What a zone (default `main`, the whole screen without a layout) shows now: the current item's ids (not a leaving one), or idle. */
export async function onScreen(page: Page, zone = 'main'): Promise<{ playlistId: string; itemId: string } | 'idle' | null> {
  return page.evaluate((zone) => {
    const box = document.querySelector(`[data-zone="${zone}"]`);
    const current = box?.querySelector('[data-item-id]:not([data-leaving])');
    if (current) return { playlistId: current.getAttribute('data-playlist-id') ?? '', itemId: current.getAttribute('data-item-id') ?? '' };
    return box?.querySelector('[data-idle]') ? 'idle' : null;
  }, zone);
}

/**
 * Waits until the item is on screen (not leaving). The page watches its own document for it (a
 * MutationObserver, which a page clock holding its timers still does not stop; Playwright's own
 * waiting relies on those timers) and answers once; the deadline is kept in Node, in real time.
 * (Asking every 50 ms cost 6 ms of CPU an answer, Node and Chromium together: 12 % of a core.)
 */
export async function waitForItem(page: Page, itemId: string, timeout = 10_000): Promise<void> {
  const selector = `[data-item-id="${itemId}"]:not([data-leaving])`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeout)));
  try {
    for (;;) {
      // A navigation (a reload, a crash and a new start) ends the page's watch: watch the new document.
      const watch = page.evaluate(whenPresent, selector).then(
        () => 'there' as const,
        (error: unknown) => (page.isClosed() ? Promise.reject(error) : 'navigated'),
      );
      const outcome = await Promise.race([watch, late]);
      if (outcome === 'there') return;
      if (outcome === 'late') {
        // The watch left in the page ends with it, unheard.
        watch.catch(() => {});
        throw new Error(`${itemId} not on screen after ${timeout} ms; on screen: ${JSON.stringify(await onScreen(page).catch(() => null))}; ${recentWarnings(page)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    clearTimeout(timer);
  }
}

/** In the page: resolves once an element matches `selector`, now or after a change to the document. */
function whenPresent(selector: string): Promise<void> {
  return new Promise<void>((resolve) => {
    if (document.querySelector(selector)) return resolve();
    const watcher = new MutationObserver(() => {
      if (!document.querySelector(selector)) return;
      watcher.disconnect();
      resolve();
    });
    watcher.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-item-id', 'data-leaving'] });
  });
}

/** Every store of the player's IndexedDB, read with the raw API (no help from the app). */
export async function readStore<T = unknown>(page: Page, store: string): Promise<T[]> {
  return askStore(page, store, 'getAll') as Promise<T[]>;
}

/**
 * How many records a store of the player's database holds: counted in the page, not read across
 * (20,000 impressions read whole at each poll slowed the very player a test waited on).
 */
export async function countStore(page: Page, store: string): Promise<number> {
  return askStore(page, store, 'count') as Promise<number>;
}

async function askStore(page: Page, store: string, request: 'getAll' | 'count'): Promise<unknown> {
  return page.evaluate(
    ([name, method]) =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('antichambre');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const objects = db.transaction(name, 'readonly').objectStore(name);
          const asked = method === 'count' ? objects.count() : objects.getAll();
          asked.onsuccess = () => {
            db.close();
            resolve(asked.result);
          };
          asked.onerror = () => reject(asked.error);
        };
      }),
    [store, request] as const,
  );
}

/** Page time stands still at `at` until the test moves it (runFor), before the page loads. */
export async function freezeClockAt(page: Page, at: number): Promise<void> {
  await page.clock.install({ time: at - 1_000 });
  await page.clock.pauseAt(at);
}

/** Records, from the page's start, every item id that ever appears on screen (read back with shownItems). */
export async function recordShownItems(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen = new Set<string>();
    (window as unknown as { __shown: Set<string> }).__shown = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[data-item-id]')) seen.add(el.getAttribute('data-item-id')!);
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-item-id'] });
  });
}

export async function shownItems(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { __shown: Set<string> }).__shown].sort());
}

/** The sha256 of a file the player stored, recomputed in the page from its parts. */
export async function storedDigest(page: Page, sha256: string): Promise<string | null> {
  return page.evaluate(
    (sha) =>
      new Promise<string | null>((resolve, reject) => {
        const open = indexedDB.open('antichambre');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['media', 'parts'], 'readonly');
          const media = tx.objectStore('media').get(sha);
          const parts = tx.objectStore('parts').index('sha256').getAll(sha);
          tx.oncomplete = async () => {
            db.close();
            if (!media.result) return resolve(null);
            const sorted = (parts.result as { offset: number; blob: Blob }[]).sort((a, b) => a.offset - b.offset);
            const bytes = await new Blob(sorted.map((p) => p.blob)).arrayBuffer();
            const digest = await crypto.subtle.digest('SHA-256', bytes);
            resolve([...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''));
          };
        };
      }),
    sha256,
  );
}

/**
 * Moves page time forward by `ms` in steps, letting the page's own asynchronous work (IndexedDB,
 * decoding, downloads) run for `breatheMs` of real time between steps. Within one step, work
 * that needs the event loop does not progress: keep steps short where items must be prepared.
 */
export async function advance(page: Page, ms: number, step = 1_000, breatheMs = 15): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await page.clock.runFor(Math.min(step, ms - done));
    await new Promise((resolve) => setTimeout(resolve, breatheMs));
  }
}

/** Jumps the page's clock `ms` ahead, `step` at a time, each jump firing what fell due once (as after a sleep: a 1 s interval fires once, not `step` / 1 s times). */
export async function jump(page: Page, ms: number, step: number, breatheMs = 15): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await page.clock.fastForward(Math.min(step, ms - done));
    await new Promise((resolve) => setTimeout(resolve, breatheMs));
  }
}

/** Runs the page's clock `step` at a time (breathing `breatheMs` of real time between) until `done()` holds, at most `ms` of page time; true when it held. */
export async function advanceUntil(page: Page, done: () => Promise<boolean>, ms: number, step = 1_000, breatheMs = 15): Promise<boolean> {
  for (let ran = 0; ran < ms; ran += step) {
    if (await done()) return true;
    await page.clock.runFor(Math.min(step, ms - ran));
    await new Promise((resolve) => setTimeout(resolve, breatheMs));
  }
  return done();
}

/** Writes records straight into one of the player's stores (raw IndexedDB: as if the player had written them while nobody listened). */
export async function putInStore(page: Page, store: string, records: readonly unknown[]): Promise<void> {
  await page.evaluate(
    ({ store, records }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('antichambre');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(store, 'readwrite');
          for (const record of records) tx.objectStore(store).put(record);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { store, records },
  );
}

/** Writes impressions straight into the player's outbox (as if played while nobody listened). */
export const putInOutbox = (page: Page, impressions: readonly unknown[]): Promise<void> => putInStore(page, 'outbox', impressions);
