import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Impression } from '../../src/shared/impression.js';
import type { LayoutInput } from '../../src/shared/layout.js';
import type { PlaylistInput } from '../../src/shared/playlist.js';
import { newPlayerPage, readStore } from '../support/browser.js';
import { playerUrl } from '../support/hubSuite.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { pushSet } from '../support/standInHub.js';
import { useBrowserAndSite, useStandInHub } from '../support/suite.js';

/**
 * A ticker's lines as proof of play (§3: one record per item shown, `complete` false when cut
 * short by an alert, a new set or a shutdown; nothing lost across crashes): each line is an
 * impression from the moment it sets off across its zone. The stand-in hub never acks impressions:
 * they stay in the player's outbox, where the test reads them.
 */

const { browser, site } = useBrowserAndSite({
  playlistsDir: () => makePlaylistsDir([{ id: 'attente', items: [{ id: 'patience', type: 'text', duration: 60, title: 'Merci de patienter' }] }], 'ticker-r0'),
});
const hub = useStandInHub();

const LAYOUT: LayoutInput = {
  id: 'bandeau-seul',
  zones: [
    { id: 'main', x: 0, y: 0, width: 100, height: 88 },
    { id: 'bandeau', x: 0, y: 88, width: 100, height: 12, kind: 'ticker' },
  ],
};
const PLAYLISTS: PlaylistInput[] = [
  { id: 'salle', items: [{ id: 'accueil', type: 'text', duration: 60, title: 'Bienvenue' }] },
  {
    id: 'infos',
    zone: 'bandeau',
    items: [
      { id: 'wifi', type: 'text', duration: 5, title: 'Wi-Fi', body: 'Réseau public gratuit' },
      { id: 'horaires', type: 'text', duration: 5, title: 'Horaires', body: 'Lundi–vendredi 8 h 30 – 17 h' },
    ],
  },
];

const linesOnScreen = (page: Page) => page.locator('[data-zone="bandeau"] .ticker-line').count();
const tickerRows = async (page: Page, store: 'playing' | 'outbox') => (await readStore<Impression>(page, store)).filter((i) => i.zoneId === 'bandeau');

describe('ticker lines as proof of play', () => {
  it('a line is kept as playing while it crosses; an urgent alert cuts the lines on their way short (none scrolls under it); after a crash the line on its way is recovered, cut short', async () => {
    const { context, page, errors } = await newPlayerPage(browser());
    const url = playerUrl(site().url, hub().url, 'ticker-1', 'token');
    await page.goto(url);
    expect(await pushSet(await hub().screen('ticker-1'), { revision: 'ticker-r1', playlists: PLAYLISTS, layout: LAYOUT })).toEqual({ ok: true });
    await page.waitForSelector('[data-zone="bandeau"] .ticker-line', { timeout: 20_000 });
    // On its way across (a line takes about 15 s here): begun, kept as playing in its zone, not yet in the outbox.
    await expect.poll(async () => (await tickerRows(page, 'playing')).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await tickerRows(page, 'outbox')).toEqual([]);

    const screen = await hub().screen('ticker-1');
    const until = new Date(Date.now() + 10 * 60_000).toISOString();
    const alertAt = Date.now();
    expect(await screen.timeout(10_000).emitWithAck('alert', { id: 'evacuation', level: 'urgent', text: 'Évacuation du bâtiment', until })).toEqual({ ok: true });
    await page.waitForSelector('[data-alert-level="urgent"]');
    // Under the alert: no line scrolls, none is playing, and each line that was on its way is recorded, cut short, with the set it came from.
    await expect.poll(() => linesOnScreen(page)).toBe(0);
    await expect.poll(async () => (await tickerRows(page, 'playing')).length).toBe(0);
    const cut = await tickerRows(page, 'outbox');
    expect(cut.length).toBeGreaterThan(0);
    for (const line of cut) {
      expect(line).toMatchObject({ complete: false, revision: 'ticker-r1', playlistId: 'infos' });
      expect(Date.parse(line.end)).toBeGreaterThanOrEqual(alertAt);
      expect(Date.parse(line.end) - Date.parse(line.start)).toBe(line.durationMs);
    }
    // A while under the alert: nothing more is recorded nor begun.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await linesOnScreen(page)).toBe(0);
    expect((await tickerRows(page, 'outbox')).length).toBe(cut.length);

    // The alert cleared: lines scroll again.
    const clearedAt = Date.now();
    expect(await screen.timeout(10_000).emitWithAck('alert:clear', { id: 'evacuation' })).toEqual({ ok: true });
    await page.waitForSelector('[data-zone="bandeau"] .ticker-line', { timeout: 10_000 });
    await expect.poll(async () => (await tickerRows(page, 'playing')).length).toBeGreaterThan(0);
    const onItsWay = (await tickerRows(page, 'playing')).map((row) => row.id);

    // The renderer crashes while a line is on its way: at the next start that line is recovered into the outbox, cut short.
    const cdp = await context.newCDPSession(page);
    void cdp.send('Page.crash').catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 500));
    const reopened = await context.newPage();
    await reopened.goto(url);
    await expect.poll(async () => (await tickerRows(reopened, 'outbox')).filter((i) => onItsWay.includes(i.id)).length, { timeout: 20_000 }).toBe(onItsWay.length);
    for (const line of (await tickerRows(reopened, 'outbox')).filter((i) => onItsWay.includes(i.id))) {
      expect(line).toMatchObject({ complete: false, revision: 'ticker-r1', zoneId: 'bandeau' });
      expect(Date.parse(line.start)).toBeGreaterThanOrEqual(clearedAt);
    }
    // No line was recorded complete across the alert.
    expect((await tickerRows(reopened, 'outbox')).filter((i) => i.complete && Date.parse(i.start) < Date.parse(until) && Date.parse(i.end) > alertAt && Date.parse(i.start) < clearedAt)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
