import { describe, expect, it } from 'vitest';
import type { Impression } from '../../src/shared/impression.js';
import { newPlayerPage, onScreen, readStore, waitForItem } from '../support/browser.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { useBrowserAndSite } from '../support/suite.js';

/**
 * Chaos: the page is killed (the renderer crashes, through Chromium's DevTools protocol) at
 * random moments while it writes proof of play, six times, then opened again. IndexedDB is
 * never left unusable, no impression is stored twice, and each crash loses at most the item
 * that was on screen since its last durable write.
 */

const { browser, site } = useBrowserAndSite({
  playlistsDir: () => makePlaylistsDir([{ id: 'vite', items: [{ id: 'un', type: 'text', duration: 0.7, title: 'Un' }, { id: 'deux', type: 'text', duration: 0.9, title: 'Deux' }] }], 'kills-r1'),
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the page killed while it writes', () => {
  it('six crashes mid-write: nothing twice, each crash loses at most the item on screen, the player starts again', async () => {
    const { context } = await newPlayerPage(browser());
    const crashes: number[] = [];
    for (let k = 0; k < 6; k++) {
      const page = await context.newPage();
      await page.goto(site().url);
      await waitForItem(page, 'un', 15_000);
      await sleep(1_500 + ((k * 977) % 2_000));
      crashes.push(Date.now());
      const cdp = await context.newCDPSession(page);
      void cdp.send('Page.crash').catch(() => {});
      await sleep(300);
      await page.close().catch(() => {});
    }
    const page = await context.newPage();
    await page.goto(site().url);
    await waitForItem(page, 'un', 15_000);
    await sleep(1_500);
    expect(await onScreen(page)).toMatchObject({ playlistId: 'vite' });

    const outbox = (await readStore<Impression>(page, 'outbox')).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    expect(new Set(outbox.map((i) => i.id)).size).toBe(outbox.length);
    let gaps = 0;
    for (let k = 1; k < outbox.length; k++) {
      const gap = Date.parse(outbox[k]!.start) - Date.parse(outbox[k - 1]!.end);
      // Never two showings at once (nothing stored twice).
      expect(gap).toBeGreaterThanOrEqual(0);
      if (gap > 1_000) {
        gaps++;
        // A gap is a crash and the restart after it, not more.
        expect(crashes.some((at) => Date.parse(outbox[k - 1]!.end) <= at + 50 && at - Date.parse(outbox[k - 1]!.end) < 3_000)).toBe(true);
        expect(gap).toBeLessThan(15_000);
      }
    }
    expect(gaps).toBeLessThanOrEqual(crashes.length);
    expect(outbox.length).toBeGreaterThan(10);
    await context.close();
  }, 180_000);
});
