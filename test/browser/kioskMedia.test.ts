import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaFiles } from '../../src/main/mediaFiles.js';
import type { PlaylistInput } from '../../src/shared/playlist.js';
import { advance, countStore, newPlayerPage, readStore, waitForItem } from '../support/browser.js';
import { PLAYLISTS_DIR } from '../support/bundled.js';
import { playerUrl } from '../support/hubSuite.js';
import { startMediaServer, type Behaviour, type MediaServer } from '../support/mediaServer.js';
import { startStandInHub } from '../support/standInHub.js';
import type { StatusMessage } from '../../src/shared/protocol.js';
import { VIDEO_PACE } from '../../src/shared/downloadPace.js';
import { kioskBridge as startKioskBridge, type KioskBridge } from '../support/kioskBridge.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { serveWeb, type StaticSite } from '../support/staticServer.js';
import type { Browser } from 'playwright-core';
import { closeContexts, sharedBrowser } from '../support/suite.js';

/**
 * The player page as it runs in the kiosk, with its media in the main process's file store: a
 * stand-in preload bridge in the page calls the real store (src/main/mediaFiles) in this
 * process, and the page's requests for the files are answered by the real app://media handler
 * (served under the page's origin here, as Chromium in a test knows no app:// scheme).
 */

const png = (name: string) => ({ bytes: new Uint8Array(readFileSync(join(PLAYLISTS_DIR, 'media', name))), type: 'image/png' });
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let media: MediaServer;
let browser: Browser;
const sites: StaticSite[] = [];
const stores: MediaFiles[] = [];
beforeAll(async () => {
  media = await startMediaServer({
    'a.png': png('mairie-horaires.png'),
    'b.png': png('mairie-ticket.png'),
    'clip.webm': { bytes: new Uint8Array(readFileSync(join(PLAYLISTS_DIR, 'media', 'hygiene-mains.webm'))), type: 'video/webm' },
  });
  browser = await sharedBrowser();
});
afterAll(async () => {
  for (const store of stores) store.stop();
  await closeContexts(browser);
  for (const site of sites) await site.close();
  await media?.close();
});

function image(id: string, behaviour: Behaviour, name: string) {
  const file = media.files.get(name)!;
  return { id, type: 'image' as const, duration: 5, src: media.url(behaviour, name), sha256: sha(file.bytes), bytes: file.bytes.length };
}

async function site(playlists: PlaylistInput[]): Promise<StaticSite> {
  const s = await serveWeb({ playlistsDir: makePlaylistsDir(playlists) });
  sites.push(s);
  return s;
}

/** The kiosk's preload bridge, answered by a real file store (stopped after the file's tests). */
async function kioskBridge(context: BrowserContext, s: StaticSite, options: { hold?: boolean } = {}): Promise<KioskBridge> {
  const kiosk = await startKioskBridge(context, s, options);
  stores.push(kiosk.store);
  return kiosk;
}

const shownSrc = (page: import('playwright-core').Page, itemId: string) => page.evaluate((id) => document.querySelector<HTMLImageElement>(`[data-item-id="${id}"]:not([data-leaving]) img`)?.src ?? null, itemId);

describe('kiosk media in files (main process)', () => {
  it('plays a poster from a host that sends no CORS header, read from the file store through its scheme', async () => {
    const poster = image('affiche', 'nocors', 'a.png');
    const s = await site([{ id: 'mairie', items: [poster, { id: 'txt', type: 'text', duration: 5, title: 'Bienvenue' }] }]);
    const { context, page, errors } = await newPlayerPage(browser);
    const kiosk = await kioskBridge(context, s);
    await page.goto(s.url);
    await waitForItem(page, 'affiche', 30_000);
    expect(await shownSrc(page, 'affiche')).toBe(`${kiosk.base}/${poster.sha256}`);
    expect(await page.evaluate(() => document.querySelector<HTMLImageElement>('[data-item-id="affiche"] img')?.naturalWidth ?? 0)).toBeGreaterThan(0);
    expect(kiosk.store.isReady(poster.sha256)).toBe(true);
    // The page fetched nothing itself, and kept nothing in IndexedDB.
    expect(media.log.filter((l) => l.path.startsWith('/nocors/')).every((l) => l.status === 200 || l.status === 206)).toBe(true);
    expect(await readStore(page, 'media')).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('while a video plays, the page asks the file store to pace its downloads, and lifts the pace when no video plays', async () => {
    const clip = media.files.get('clip.webm')!.bytes;
    const s = await site([{ id: 'mairie', items: [{ id: 'clip', type: 'video', duration: 3, src: media.url('good', 'clip.webm'), sha256: sha(clip), bytes: clip.length }, image('affiche', 'good', 'a.png')] }]);
    const { context, page, errors } = await newPlayerPage(browser);
    const kiosk = await kioskBridge(context, s);
    await page.goto(s.url);
    await waitForItem(page, 'clip', 30_000);
    // Nothing plays at start (no pace), then the clip (VIDEO_PACE), then the poster after it (none again).
    await expect.poll(() => kiosk.paces, { timeout: 10_000 }).toEqual([null, VIDEO_PACE]);
    await waitForItem(page, 'affiche', 30_000);
    await expect.poll(() => kiosk.paces, { timeout: 10_000 }).toEqual([null, VIDEO_PACE, null]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an updated kiosk keeps showing what it cached in IndexedDB until the file store has it, then forgets that copy', async () => {
    const poster = image('affiche', 'good', 'b.png');
    const s = await site([{ id: 'mairie', items: [poster, { id: 'txt', type: 'text', duration: 2, title: 'Bienvenue' }] }]);
    const { context, page, errors } = await newPlayerPage(browser);
    // The older version: the web player's cache in IndexedDB.
    await page.goto(s.url);
    await waitForItem(page, 'affiche', 30_000);
    await expect.poll(async () => (await readStore<{ sha256: string }>(page, 'media')).map((m) => m.sha256), { timeout: 15_000 }).toEqual([poster.sha256]);

    // Updated: the kiosk bridge is there, its store has nothing yet (held): the old copy is shown.
    const kiosk = await kioskBridge(context, s, { hold: true });
    await page.reload();
    await waitForItem(page, 'affiche', 30_000);
    expect(await shownSrc(page, 'affiche')).toMatch(/^blob:/);
    expect(kiosk.store.isReady(poster.sha256)).toBe(false);

    kiosk.release();
    await expect.poll(() => kiosk.store.isReady(poster.sha256), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => countStore(page, 'media'), { timeout: 15_000 }).toBe(0);
    // Shown from the file store from its next turn on.
    await expect.poll(() => shownSrc(page, 'affiche'), { timeout: 30_000 }).toBe(`${kiosk.base}/${poster.sha256}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the web player names a host that sends no CORS header, plays on, and tries it again only rarely', async () => {
    const poster = image('affiche', 'nocors', 'a.png');
    const s = await site([{ id: 'mairie', items: [poster, { id: 'txt', type: 'text', duration: 5, title: 'Bienvenue' }] }]);
    const { context, page } = await newPlayerPage(browser);
    const hub = await startStandInHub();
    await page.clock.install({ time: Date.parse('2026-11-25T10:00:00+01:00') });
    await page.goto(playerUrl(s.url, hub.url, 'accueil-web', 'jeton'));
    const statuses: StatusMessage[] = [];
    (await hub.connected()).on('status', (status: StatusMessage) => statuses.push(status));
    await waitForItem(page, 'txt', 30_000);
    const host = new URL(poster.src).host;
    const expected = `${host} sends no Access-Control-Allow-Origin: the web player cannot fetch it; the kiosk can`;
    await expect.poll(async () => (await readStore<{ error: string }>(page, 'mediaErrors'))[0]?.error ?? '', { timeout: 20_000 }).toContain(expected);
    const [error] = await readStore<{ error: string }>(page, 'mediaErrors');
    expect(error!.error).toContain(`${host} n'envoie pas Access-Control-Allow-Origin`);
    expect(error!.error.indexOf("n'envoie pas")).toBeLessThan(error!.error.indexOf('sends no'));
    const asked = () => media.log.filter((l) => l.path === `/nocors/a.png`).length;
    const afterFirst = asked();
    expect(afterFirst).toBeGreaterThan(0);
    // Twenty minutes later: not asked again (a refusal waits 30 min), the text plays on, the poster never shows.
    await advance(page, 20 * 60_000, 10_000);
    expect(asked()).toBe(afterFirst);
    await waitForItem(page, 'txt', 30_000);
    expect(await page.$('[data-item-id="affiche"]')).toBeNull();
    await page.keyboard.press('F9');
    await page.waitForSelector('[data-status-overlay]');
    expect(await page.locator('[data-file-state="failed"]').textContent()).toContain(expected);
    // And the hub is told why the poster is missing.
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.at(-1)!.cache).toMatchObject({ missing: 1 });
    expect(statuses.at(-1)!.cache.errors?.[0]).toContain(expected);
    await context.close();
    await hub.close();
  });

  it('a bridge that answers nonsense about the files is named in the log, nothing of it is shown, and the rest plays', async () => {
    const poster = image('affiche', 'good', 'a.png');
    const s = await site([{ id: 'mairie', items: [poster, { id: 'txt', type: 'text', duration: 5, title: 'Bienvenue' }] }]);
    const { context, page, errors, warnings } = await newPlayerPage(browser);
    await context.addInitScript((sha256) => {
      (window as unknown as { antichambre: unknown }).antichambre = {
        getConfig: async () => ({ config: { lang: 'fr' } }),
        mediaWant: async () => undefined,
        // Says the poster is ready, served from elsewhere, with a malformed list: refused whole.
        mediaStatus: async () => ({ base: 'https://ailleurs.example', files: 'all', ready: [sha256], bytes: 1, count: 1, missing: 0, budget: null, oldestMissingS: 0 }),
        mediaClear: async () => undefined,
      };
    }, poster.sha256);
    await page.goto(s.url);
    await waitForItem(page, 'txt', 30_000);
    await expect.poll(() => warnings.some((w) => w.includes('media store: media status: unexpected answer from the bridge')), { timeout: 10_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await page.$('[data-item-id="affiche"]')).toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  });
});
