import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ScreenSet, ScreenToken } from '../../src/shared/adminApi.js';
import type { FeedList, FeedRecord } from '../../src/shared/feeds.js';
import { newPlayerPage } from '../support/browser.js';
import { atomOfAlerts, prefectureAlert, townNewsAtom, townNewsRss } from '../support/feedSamples.js';
import { startFeedServer, type FeedServer } from '../support/feedServer.js';
import { useHubAndSite } from '../support/hubSuite.js';
import { ADMIN_TOKEN, adminApi } from '../support/hubProcess.js';
import { afterAll, beforeAll } from 'vitest';

/**
 * Feeds end to end: a real hub process polls CAP and news documents served by a local HTTP
 * server (configured through its admin API; the CLI's feed commands are tested in
 * test/unit/feedCli.test.ts), and a web player joined to it shows the alert and the news in its
 * ticker zone; a Cancel in the feed clears the alert on the screen.
 */

const { browser, hub, playerUrl } = useHubAndSite();
/** DASHBOARD_SCREENSHOTS=docs writes the README's pictures of feeds (npm run screenshots:dashboard). */
const SHOTS = process.env['DASHBOARD_SCREENSHOTS'] ? resolve(process.env['DASHBOARD_SCREENSHOTS']) : null;

async function picture(page: Page, file: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, file) });
}
let feeds: FeedServer;
beforeAll(async () => {
  feeds = await startFeedServer();
});
afterAll(async () => {
  await feeds?.close();
});

const LAYOUT = {
  id: 'accueil',
  zones: [
    { id: 'main', x: 0, y: 0, width: 100, height: 85 },
    { id: 'bandeau', x: 0, y: 85, width: 100, height: 15, kind: 'ticker' },
  ],
};

describe('feeds', () => {
  it('a prefecture CAP feed raises and cancels an alert on the screens of the site; a news feed fills its ticker', async () => {
    const { token } = (await adminApi<ScreenToken>(hub, 'POST', '/api/screens', { id: 'feed-1', name: 'Accueil', site: 'mairie-feeds', timezone: 'Europe/Paris' })).body;
    const pushed = await adminApi(hub, 'POST', '/api/playlists', {
      playlists: [{ id: 'accueil', items: [{ id: 'bienvenue', type: 'text', duration: 30, title: 'Bienvenue' }] }],
      target: { site: 'mairie-feeds' },
      layout: LAYOUT,
    });
    expect(pushed.status).toBe(200);
    const { page, errors } = await newPlayerPage(browser());
    await page.goto(playerUrl('feed-1', token));
    await page.waitForSelector('[data-item-id="bienvenue"]');

    const now = Date.now();
    feeds.set('/pref92.atom', atomOfAlerts([{ id: 'v1', updated: now, xml: prefectureAlert({ identifier: 'v1', sent: now - 60_000, severity: 'Severe', urgency: 'Immediate', headline: 'Vigilance rouge vents violents', expires: now + 3_600_000 }) }]));
    expect((await adminApi(hub, 'POST', '/api/feeds', { id: 'pref92', site: 'mairie-feeds', kind: 'cap', url: `${feeds.url}/pref92.atom` })).status).toBe(201);
    // Polled at once (else within a second of being added).
    expect((await adminApi<FeedRecord>(hub, 'POST', '/api/feeds/pref92/poll')).body.state).toMatchObject({ active: 1, lastError: null });
    const alert = await page.waitForSelector('[data-alert-level="urgent"]');
    expect(await alert.textContent()).toContain('Vigilance rouge vents violents (Hauts-de-Seine (92))');
    await picture(page, 'player-feed-alert.png');

    // The prefecture cancels it: the next poll clears it on the screen.
    feeds.set('/pref92.atom', atomOfAlerts([{ id: 'v2', updated: now + 1, xml: prefectureAlert({ identifier: 'v2', sent: now, msgType: 'Cancel', references: [{ identifier: 'v1', sent: now - 60_000 }] }) }]));
    expect((await adminApi<FeedRecord>(hub, 'POST', '/api/feeds/pref92/poll')).body.state).toMatchObject({ active: 0, lastError: null });
    await page.waitForSelector('[data-alert-id]', { state: 'detached' });

    // News: the town's RSS, HTML and all, becomes the ticker's lines.
    feeds.set('/actus.rss', townNewsRss([{ guid: 'marche', title: 'March&amp;eacute; de No&amp;euml;l &lt;b&gt;samedi&lt;/b&gt;', pubDate: now - 3_600_000 }]));
    await adminApi(hub, 'POST', '/api/feeds', { id: 'actus', site: 'mairie-feeds', kind: 'news', url: `${feeds.url}/actus.rss`, news: { zone: 'bandeau' } });
    expect((await adminApi<FeedRecord>(hub, 'POST', '/api/feeds/actus/poll')).body.state).toMatchObject({ active: 1, lastError: null });
    const line = await page.waitForSelector('[data-zone="bandeau"] .ticker-line[data-playlist-id="feed-actus"]', { timeout: 15_000 });
    expect(await line.textContent()).toBe('Marché de Noël samedi');
    if (SHOTS) {
      // Once the line is well into the band.
      await expect.poll(() => line.boundingBox().then((box) => (box ? box.x : 9_999)), { timeout: 15_000 }).toBeLessThan(400);
      await picture(page, 'player-feed-ticker.png');
    }

    const list = await adminApi<FeedList>(hub, 'GET', '/api/feeds');
    expect(list.body.feeds.map((f) => [f.id, f.kind, f.state.active, f.state.lastError])).toEqual([
      ['actus', 'news', 1, null],
      ['pref92', 'cap', 0, null],
    ]);

    // Removing the news feed empties its ticker playlist.
    expect((await adminApi<FeedRecord>(hub, 'DELETE', '/api/feeds/actus')).body.id).toBe('actus');
    const set = await adminApi<ScreenSet>(hub, 'GET', '/api/screens/feed-1/playlists');
    expect(set.body.playlists.find((p) => p.id === 'feed-actus')?.items).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the dashboard Feeds page adds a feed (polled at once), lists each with its last poll, and removes it', async () => {
    const { page, context } = await newPlayerPage(browser(), { width: 1280, height: 900 });
    await context.addInitScript((token) => sessionStorage.setItem('antichambre.adminToken', token), ADMIN_TOKEN);
    await page.goto(`${hub.url}/#/feeds`);
    await page.waitForSelector('[data-feed-row="pref92"]');
    feeds.set('/actus2.atom', townNewsAtomFeed());
    await page.check('input[name=feed-kind][value=news]');
    await page.fill('#feed-id', 'actus2');
    await page.fill('#feed-site', 'mairie-feeds');
    await page.fill('#feed-url', `${feeds.url}/actus2.atom`);
    await page.fill('#feed-zone', 'bandeau');
    await page.click('#add-feed-title ~ form button[type=submit]');
    await expect.poll(() => page.textContent('#add-feed-title ~ [role=status]')).toBe('Flux ajouté et relevé (2)');
    await expect.poll(() => page.getAttribute('[data-feed-row="actus2"] [data-feed-active]', 'data-feed-active')).toBe('2');
    await picture(page, 'dashboard-feeds.png');
    // A feed that fails says why, in its row.
    feeds.set('/actus2.atom', '<html>not a feed</html>');
    await page.click('[data-feed-row="actus2"] button:has-text("Relever")');
    await expect.poll(() => page.textContent('[data-feed-row="actus2"] .error')).toContain('actus2.atom: neither an RSS nor an Atom feed');
    await page.click('[data-feed-row="actus2"] button:has-text("Supprimer")');
    await page.waitForSelector('[data-feed-row="actus2"]', { state: 'detached' });
    await context.close();
  });
});

function townNewsAtomFeed(): string {
  const now = Date.now();
  return townNewsAtom([
    { id: 'a', title: 'Conseil municipal jeudi', updated: now - 60_000 },
    { id: 'b', title: 'Fermeture exceptionnelle lundi', updated: now - 120_000 },
  ]);
}
