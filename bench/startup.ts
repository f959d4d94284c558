import type { Browser } from 'playwright-core';
import { newPlayerPage } from '../test/support/browser.js';
import type { StaticSite } from '../test/support/staticServer.js';
import { fmt, median } from './stats.js';

const MARK = 'antichambre:first-item';

async function firstItemMs(page: import('playwright-core').Page): Promise<number> {
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, MARK, { timeout: 30_000 });
  return page.evaluate((mark) => performance.getEntriesByName(mark)[0]!.startTime, MARK);
}

/** Offline cold start: navigation to the first item painted, fresh profile and warm profile. */
export async function benchStartup(browser: Browser, site: StaticSite, runs = 10): Promise<void> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { context, page } = await newPlayerPage(browser, { width: 1920, height: 1080 });
    await page.goto(site.url);
    cold.push(await firstItemMs(page));
    await page.close();
    const again = await context.newPage();
    await again.goto(site.url);
    warm.push(await firstItemMs(again));
    await context.close();
  }
  console.log(`startup  fresh profile (import bundle, then first item): median ${fmt(median(cold))}  [goal < 1000 ms]  runs: ${cold.map((v) => v.toFixed(0)).join(' ')}`);
  console.log(`startup  warm profile (from IndexedDB):                  median ${fmt(median(warm))}  [goal < 300 ms]   runs: ${warm.map((v) => v.toFixed(0)).join(' ')}`);
}
