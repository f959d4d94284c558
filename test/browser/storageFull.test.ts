import { describe, expect, it } from 'vitest';
import type { Impression } from '../../src/shared/impression.js';
import { advance, countStore, newPlayerPage, onScreen, readStore, waitForItem } from '../support/browser.js';
import { expectContiguous } from '../support/impressionsFixture.js';
import { bundledMedia, makePlaylistsDir } from '../support/playlistsFixture.js';
import { useBrowserAndSite } from '../support/suite.js';

/**
 * Chaos: the browser's storage runs out while the player plays (a quota set just above what it
 * uses, through Chromium's DevTools protocol). Proof of play goes before cached media: cached
 * files are evicted for it, the screen plays on, and no showing is lost.
 */

const cni = bundledMedia('mairie-cni-passeport.png');
const enLigne = bundledMedia('mairie-en-ligne.png');
const { browser, site } = useBrowserAndSite({
  playlistsDir: () =>
    makePlaylistsDir(
      [{ id: 'salle', items: [{ id: 'cni', type: 'image', duration: 5, ...cni }, { id: 'texte', type: 'text', duration: 5, title: 'Bonjour' }, { id: 'en-ligne', type: 'image', duration: 5, ...enLigne }] }],
      'quota-r1',
    ),
});

describe('storage full', () => {
  it('evicts cached media, not proof of play: every showing recorded, the screen playing', async () => {
    const { context, page, errors } = await newPlayerPage(browser());
    const consoleErrors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    await page.clock.install({ time: Date.UTC(2026, 11, 1, 9) });
    await page.goto(site().url);
    await waitForItem(page, 'cni', 15_000);
    await expect.poll(() => countStore(page, 'media'), { timeout: 15_000 }).toBe(2);

    const cdp = await context.newCDPSession(page);
    const origin = new URL(site().url).origin;
    const { usage } = (await cdp.send('Storage.getUsageAndQuota', { origin })) as { usage: number };
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: Math.ceil(usage) + 20_000 });
    const from = await page.evaluate(() => Date.now());
    // Chromium checks an origin's room for IndexedDB against its quota again only every 30 s or
    // so of real time, whatever the page's clock does: the page plays a minute a second until
    // its writes are refused and media is evicted, then half an hour more with the storage full.
    let fewestMedia = 2;
    const fullBy = Date.now() + 90_000;
    while (fewestMedia === 2 && Date.now() < fullBy) {
      const second = new Promise((resolve) => setTimeout(resolve, 1_000));
      await advance(page, 60_000, 5_000, 10);
      fewestMedia = Math.min(fewestMedia, await countStore(page, 'media'));
      await second;
    }
    for (let k = 0; k < 6; k++) {
      await advance(page, 5 * 60_000, 5_000, 10);
      fewestMedia = Math.min(fewestMedia, await countStore(page, 'media'));
    }
    const to = await page.evaluate(() => Date.now());

    // Storage did run out, and cached media made way; the screen plays on, nothing was dropped.
    expect(fewestMedia).toBeLessThan(2);
    expect(await onScreen(page)).not.toBeNull();
    expect(consoleErrors.filter((e) => e.includes('impression not written'))).toEqual([]);
    // The browser gives back freed room only when it compacts its files: records that found no
    // room wait in memory, in order. Room comes back (compaction, a technician): they are written.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await advance(page, 60_000, 5_000, 10);
    const recorded = async () => (await readStore<Impression>(page, 'outbox')).filter((i) => Date.parse(i.end) > from).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    await expect.poll(async () => (await recorded()).at(-1)?.end ?? '', { timeout: 30_000 }).toSatisfy((end: string) => Date.parse(end) > to - 10_000);
    const records = await recorded();
    expect(expectContiguous(records, from + 10_000, to - 10_000)).toBeGreaterThan(0.99);
    expect(errors).toEqual([]);
    await context.close();
  }, 200_000); // 40 s alone, most of it the wait for Chromium's recheck (74 to 84 s in CI when it played two hours of page time in 5 s steps instead)
});
