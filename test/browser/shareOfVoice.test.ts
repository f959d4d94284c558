import { describe, expect, it } from 'vitest';
import type { Impression } from '../../src/shared/impression.js';
import { freezeClockAt, newPlayerPage, onScreen, readStore } from '../support/browser.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { useBrowserAndSite } from '../support/suite.js';

/**
 * §6 share of voice on a real player, over two simulated clock hours (page.clock): a playlist
 * with `share: 0.6` among three of the same priority gets at least 60 % of every hour's
 * airtime (within 5 % of the hour), measured from the impressions; round-robin would give it a third.
 */

// Wednesday 25 November 2026, 10:00 in Paris.
const START = Date.parse('2026-11-25T10:00:00+01:00');
const HOUR = 3_600_000;
const ITEM_S = 60;

const text = (id: string) => ({ id, type: 'text' as const, duration: ITEM_S, title: id });
const { browser, site } = useBrowserAndSite({
  playlistsDir: () =>
    makePlaylistsDir(
      [
        { id: 'campagne', share: 0.6, items: [text('c1'), text('c2')] },
        { id: 'infos', items: [text('i1'), text('i2')] },
        { id: 'agenda', items: [text('a1'), text('a2')] },
      ],
      'share-r1',
    ),
});

describe('share of voice', () => {
  it('a playlist with share 0.6 gets at least 60 % of each clock hour, from the impressions', async () => {
    const { page, errors } = await newPlayerPage(browser());
    await freezeClockAt(page, START);
    await page.goto(site().url);
    await page.waitForSelector('[data-zone="main"] [data-item-id]:not([data-leaving])');
    // Two hours, item after item: each ends at its duration and the next one takes over.
    for (let t = 0; t < 2 * HOUR; t += ITEM_S * 1000) {
      const before = await onScreen(page);
      await page.clock.runFor(ITEM_S * 1000);
      await expect.poll(() => onScreen(page), { timeout: 5_000 }).not.toEqual(before);
    }
    await expect.poll(async () => (await readStore<Impression>(page, 'outbox')).length, { timeout: 10_000 }).toBeGreaterThanOrEqual((2 * HOUR) / (ITEM_S * 1000));
    const impressions = (await readStore<Impression>(page, 'outbox')).filter((i) => i.zoneId === 'main');
    for (const hour of [START, START + HOUR]) {
      const byPlaylist = new Map<string, number>();
      for (const i of impressions) {
        const from = Math.max(Date.parse(i.start), hour);
        const to = Math.min(Date.parse(i.end), hour + HOUR);
        if (to > from) byPlaylist.set(i.playlistId, (byPlaylist.get(i.playlistId) ?? 0) + (to - from));
      }
      const total = [...byPlaylist.values()].reduce((a, b) => a + b, 0);
      console.log(`hour ${new Date(hour).toISOString()}: ${[...byPlaylist].map(([p, ms]) => `${p} ${((100 * ms) / HOUR).toFixed(1)} %`).join(", ")}`);
      expect(total, `the whole hour from ${new Date(hour).toISOString()} is played`).toBeGreaterThanOrEqual(HOUR - 1_000);
      expect(byPlaylist.get('campagne')! / HOUR, `campagne's share from ${new Date(hour).toISOString()}`).toBeGreaterThanOrEqual(0.6 - 0.05);
      // The others still play, in turn.
      expect(byPlaylist.get('infos')).toBeGreaterThan(0);
      expect(byPlaylist.get('agenda')).toBeGreaterThan(0);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);
});
