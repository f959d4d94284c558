import { describe, expect, it } from 'vitest';
import type { Impression } from '../../src/shared/impression.js';
import { advance, newPlayerPage, onScreen, readStore, waitForItem } from '../support/browser.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { useBrowserAndSite } from '../support/suite.js';

/**
 * Chaos with time: across the night summer time starts in Paris, the wall clock jumps an hour
 * forward, then an hour back (a BIOS clock, then NTP). Time on screen is measured on the
 * monotonic clock: every second of it is in exactly one impression, none lost, none twice.
 */

const { browser, site } = useBrowserAndSite({
  playlistsDir: () => makePlaylistsDir([{ id: 'nuit', items: [{ id: 'a', type: 'text', duration: 10, title: 'A' }, { id: 'b', type: 'text', duration: 10, title: 'B' }] }], 'clock-r1'),
});

describe('the clock jumps', () => {
  it('across DST and ±1 h jumps, the impressions account for all the time on screen, once', async () => {
    const { context, page, errors } = await newPlayerPage(browser(), { timezoneId: 'Europe/Paris' });
    // 2027-03-28: at 02:00 Paris time the clocks go to 03:00 (01:00 UTC).
    await page.clock.install({ time: Date.parse('2027-03-28T00:10:00Z') });
    await page.goto(site().url);
    await waitForItem(page, 'a');
    const monoStart = await page.evaluate(() => performance.now());
    await advance(page, 40 * 60_000, 10_000, 5);
    await page.clock.setSystemTime((await page.evaluate(() => Date.now())) + 3_600_000);
    await advance(page, 60 * 60_000, 10_000, 5);
    await page.clock.setSystemTime((await page.evaluate(() => Date.now())) - 3_600_000);
    await advance(page, 60 * 60_000, 10_000, 5);
    const monoEnd = await page.evaluate(() => performance.now());

    await expect.poll(async () => (await readStore<Impression>(page, 'outbox')).length, { timeout: 10_000 }).toBeGreaterThan(900);
    const outbox = await readStore<Impression>(page, 'outbox');
    const playing = await readStore<Impression>(page, 'playing');
    expect(new Set(outbox.map((i) => i.id)).size).toBe(outbox.length);
    // Every showing lasts its 10 s (the two cut at the jumps excepted) and together they cover the monotonic time.
    const full = outbox.filter((i) => Math.abs(i.durationMs - 10_000) <= 100);
    expect(full.length).toBeGreaterThanOrEqual(outbox.length - 4);
    const onScreenMs = [...outbox, ...playing].reduce((sum, i) => sum + i.durationMs, 0);
    const elapsed = monoEnd - monoStart;
    expect(onScreenMs / elapsed).toBeGreaterThan(0.99);
    expect(onScreenMs / elapsed).toBeLessThan(1.01);
    expect(await onScreen(page)).toMatchObject({ playlistId: 'nuit' });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
