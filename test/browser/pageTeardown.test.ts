import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPlayerPage, onScreen, readStore, waitForItem } from '../support/browser.js';
import type { Impression } from '../../src/shared/impression.js';
import { HEARTBEAT_MS } from '../../src/renderer/impressionLog.js';
import { bundledPlaylists, expectedSequence } from '../support/bundled.js';
import { playerUrl } from '../support/hubSuite.js';
import { useBrowserAndSite, useStandInHub } from '../support/suite.js';

/**
 * The page going away (`pagehide`: a reload, a navigation, the kiosk's window closed) ends what the
 * player started: every repeating timer of its parts (the cache, the queue's reports, the set's
 * replanning, the hub link's status, the alerts' expiry…) and the hub link itself. The player runs
 * for real on the bundled clinic set, linked to a stand-in hub; the page's timers are counted by
 * wrapping `setTimeout` and `setInterval` before any of its code runs.
 *
 * The view's own timers (a ticker's retry, a clock zone's minute) belong to its React components,
 * which stay mounted: the last frame stays on screen until the next page paints. The clinic's set
 * has no layout, so no such zone: every timer seen here is the player's.
 */

const env = useBrowserAndSite();
const hub = useStandInHub();

interface LiveTimer {
  kind: 'timeout' | 'interval';
  ms: number;
  /** Where it was set: the first frames of the page's own code. */
  where: string;
}

/** Counts the page's live timers (window's own, set by any script) from before its first script. */
async function countTimers(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const live = new Map<number, { kind: 'timeout' | 'interval'; ms: number; where: string }>();
    const where = () =>
      (new Error().stack ?? '')
        .split('\n')
        .slice(3, 6)
        .map((line) => line.trim())
        .join(' < ');
    const { setTimeout: setT, setInterval: setI, clearTimeout: clearT, clearInterval: clearI } = window;
    type Callback = (...args: unknown[]) => void;
    window.setTimeout = ((run: Callback, ms = 0, ...args: unknown[]) => {
      const id: number = setT(() => {
        live.delete(id);
        run(...args);
      }, ms);
      live.set(id, { kind: 'timeout', ms: Number(ms), where: where() });
      return id;
    }) as typeof window.setTimeout;
    window.setInterval = ((run: Callback, ms = 0, ...args: unknown[]) => {
      const id: number = setI(run, ms, ...args);
      live.set(id, { kind: 'interval', ms: Number(ms), where: where() });
      return id;
    }) as typeof window.setInterval;
    // One id space for both kinds: either clear ends either.
    window.clearTimeout = ((id?: number) => {
      if (id !== undefined) live.delete(id);
      clearT(id);
    }) as typeof window.clearTimeout;
    window.clearInterval = ((id?: number) => {
      if (id !== undefined) live.delete(id);
      clearI(id);
    }) as typeof window.clearInterval;
    (window as unknown as { __liveTimers: () => unknown[] }).__liveTimers = () => [...live.values()];
  });
}

function liveTimers(page: Page): Promise<LiveTimer[]> {
  return page.evaluate(() => (window as unknown as { __liveTimers: () => LiveTimer[] }).__liveTimers());
}

describe('the page going away', () => {
  it('stops every repeating timer of the player and closes its hub link', async () => {
    const { context, page, errors } = await newPlayerPage(env.browser());
    await countTimers(context);
    await page.goto(playerUrl(env.site().url, hub().url, 'depart-1', 'jeton', '&bundle=clinique'));
    const screen = await hub().screen('depart-1');
    const first = expectedSequence(bundledPlaylists('clinique'), 'Europe/Paris', Date.now(), 1)[0]!;
    await waitForItem(page, first.itemId, 15_000);
    // The code loaded after the first item (QR encoder, downloads) and the hub link's first status.
    await expect.poll(() => hub().received('depart-1', 'status').length, { timeout: 40_000 }).toBeGreaterThan(0);
    // An alert for two hours: the board wakes at its end.
    const until = new Date(Date.now() + 2 * 3_600_000).toISOString();
    expect(await screen.timeout(10_000).emitWithAck('alert', { id: 'travaux', level: 'info', text: 'Travaux dans le hall', until })).toEqual({ ok: true });

    // Playing: the parts' repeating timers are there (the wrapper sees them), and the alert's end.
    const before = await liveTimers(page);
    const intervals = (timers: LiveTimer[]) => timers.filter((t) => t.kind === 'interval');
    // Later than a minute: none of the view's own (a clock's next minute).
    const later = (timers: LiveTimer[]) => timers.filter((t) => t.kind === 'timeout' && t.ms > 60_050);
    expect(intervals(before).length, JSON.stringify(before, null, 1)).toBeGreaterThanOrEqual(3);
    expect(later(before).length, JSON.stringify(before, null, 1)).toBeGreaterThanOrEqual(1);
    const gone = new Promise<string>((resolve) => screen.once('disconnect', resolve));

    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false })));

    // Nothing repeats any more, nor waits for later (the alert's end, a retry).
    const after = await liveTimers(page);
    expect(intervals(after), JSON.stringify(after, null, 1)).toEqual([]);
    expect(later(after), JSON.stringify(after, null, 1)).toEqual([]);
    // The hub link closed by the player (not timed out): the hub hears it at once.
    expect(await Promise.race([gone, new Promise((resolve) => setTimeout(() => resolve('still connected after 5 s'), 5_000))])).toBe('client namespace disconnect');
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('a reload ends the item on screen when the page left, not at its last heartbeat', async () => {
    const { context, page, errors } = await newPlayerPage(env.browser());
    await page.goto(`${env.site().url}?screen=recharge-1&bundle=clinique`);
    const first = expectedSequence(bundledPlaylists('clinique'), 'Europe/Paris', Date.now(), 1)[0]!;
    await waitForItem(page, first.itemId, 15_000);
    const shownAt = await page.evaluate(() => Date.now());
    // A few seconds on screen, less than a heartbeat: the stored end is still its start.
    await page.waitForTimeout(3_000);
    const leftAfter = await page.evaluate(() => Date.now());
    expect(leftAfter - shownAt).toBeLessThan(HEARTBEAT_MS);
    await page.reload();
    // No hub: the outbox keeps what the start recovered.
    const recovered = async () => (await readStore<Impression>(page, 'outbox')).find((i) => i.itemId === first.itemId && !i.complete);
    await expect.poll(recovered, { timeout: 15_000 }).toBeDefined();
    const impression = (await recovered())!;
    expect(Date.parse(impression.end)).toBeGreaterThanOrEqual(leftAfter);
    expect(Date.parse(impression.end) - leftAfter).toBeLessThan(2_000);
    expect(impression.durationMs).toBe(Date.parse(impression.end) - Date.parse(impression.start));
    expect(impression.durationMs).toBeGreaterThanOrEqual(2_900);
    // The note is taken once: it is gone after the start that used it.
    expect(await page.evaluate(() => localStorage.getItem('antichambre:left'))).toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('back from the back-forward cache, the player starts again instead of standing frozen', async () => {
    const { context, page, errors } = await newPlayerPage(env.browser());
    await page.goto(`${env.site().url}?screen=retour-1&bundle=clinique`);
    const first = expectedSequence(bundledPlaylists('clinique'), 'Europe/Paris', Date.now(), 1)[0]!;
    await waitForItem(page, first.itemId, 15_000);
    // What Chromium does around the cache (headless Chromium here keeps no page in it): hidden persisted, then shown again.
    const reloaded = page.waitForEvent('load', { timeout: 15_000 });
    await page.evaluate(() => {
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    });
    await reloaded;
    expect(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).type)).toBe('reload');
    // Playing again (the item after the first: the rotation was saved).
    await expect.poll(() => onScreen(page), { timeout: 15_000 }).toMatchObject({ playlistId: expect.any(String) });
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
