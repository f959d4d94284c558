import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { BundleIndex } from '../../src/shared/bundle.js';
import { newPlayerPage, onScreen, readStore, storedDigest, waitForItem } from '../support/browser.js';
import { startMediaServer, type MediaServer } from '../support/mediaServer.js';
import { bundledMedia, makePlaylistsDir } from '../support/playlistsFixture.js';
import { serveWeb, type StaticSite } from '../support/staticServer.js';
import { PLAYLISTS_DIR } from '../support/bundled.js';
import { closeContexts, sharedBrowser } from '../support/suite.js';
import { playerUrl } from '../support/hubSuite.js';
import { pushSet, startStandInHub } from '../support/standInHub.js';

let media: MediaServer;
let browser: Browser;
let site: StaticSite;
let dir: string;
const bytes = new Uint8Array(2_000_000).map((_, i) => (i * 7919) & 0xff);
// An image that comes slowly too (about 12 s): a bundled PNG with 1.9 MB after its end, which a decoder ignores.
const poster = Buffer.concat([readFileSync(join(PLAYLISTS_DIR, 'media', 'mairie-fetes.png')), Buffer.alloc(1_900_000)]);
const posterSha = createHash('sha256').update(poster).digest('hex');

/** The site's bundle becomes one playlist `id` of these items, at this revision. */
function useBundle(revision: string, id: string, items: unknown[]): void {
  writeFileSync(join(dir, `${id}.json`), JSON.stringify({ id, items }));
  writeFileSync(join(dir, 'bundles.json'), JSON.stringify({ default: 'test', bundles: [{ id: 'test', name: 'Test', revision, playlists: [`${id}.json`] }] } satisfies BundleIndex));
}

/** The sets the player stored, as `key:revision`, sorted. */
async function storedSets(page: Page): Promise<string[]> {
  return (await readStore<{ key: string; revision: string }>(page, 'sets')).map((s) => `${s.key}:${s.revision}`).sort();
}

/** The files whose download the player recorded as failed. */
async function failedFiles(page: Page): Promise<string[]> {
  return (await readStore<{ sha256: string }>(page, 'mediaErrors')).map((error) => error.sha256);
}

beforeAll(async () => {
  media = await startMediaServer({ film: { bytes, type: 'video/webm' }, poster: { bytes: poster, type: 'image/png' } });
  dir = makePlaylistsDir([{ id: 'ancienne', items: [{ id: 'ancien', type: 'text', duration: 5, title: 'Ancien contenu' }] }], 'r1');
  site = await serveWeb({ playlistsDir: dir });
  browser = await sharedBrowser();
});
afterAll(async () => {
  await closeContexts(browser);
  await site?.close();
  await media?.close();
});

describe('a new set of playlists', () => {
  it('waits as pending while its files download; the old set plays on, then the new one takes over', async () => {
    const { context, page } = await newPlayerPage(browser);
    await page.goto(site.url);
    await waitForItem(page, 'ancien');

    // A new bundle whose item now needs a file that comes slowly (about 12 s).
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    useBundle('r2', 'nouvelle', [{ id: 'film', type: 'video', duration: 5, src: media.url('slow', 'film'), sha256 }, { id: 'nouveau', type: 'text', duration: 5, title: 'Nouveau contenu' }]);
    await page.reload();
    await waitForItem(page, 'ancien');
    await expect.poll(() => storedSets(page), { timeout: 10_000 }).toEqual(['current:r1', 'pending:r2']);
    // While the file comes, only the old set is on screen.
    for (let k = 0; k < 6; k++) {
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await onScreen(page)).toEqual({ playlistId: 'ancienne', itemId: 'ancien' });
    }
    // Once it is there, the new set takes over.
    await waitForItem(page, 'nouveau', 30_000);
    expect(await storedSets(page)).toEqual(['current:r2']);
    await context.close();
  }, 60_000);
});

describe('a bundle with an invalid playlist file', () => {
  it('is refused whole, named on screen with its file and path: on a first start nothing of it plays; after an update the old bundle plays on', async () => {
    const own = makePlaylistsDir([{ id: 'bonne', items: [{ id: 'bon', type: 'text', duration: 5, title: 'Bonne liste' }] }], 'b1');
    const ownSite = await serveWeb({ playlistsDir: own });
    const bundleOf = (revision: string, files: string[]) => writeFileSync(join(own, 'bundles.json'), JSON.stringify({ default: 'test', bundles: [{ id: 'test', name: 'Test', revision, playlists: files }] } satisfies BundleIndex));
    // An image without its digest: §1 refuses it.
    writeFileSync(join(own, 'mauvaise.json'), JSON.stringify({ id: 'mauvaise', items: [{ id: 'sans-digest', type: 'image', duration: 5, src: 'media/mairie-fetes.png' }] }));
    const notice = 'bundle test not played (what played before plays on): mauvaise.json: items[0].sha256: expected 64 hex characters';
    try {
      // A first start on a bundle with the bad file: none of it, the bad file named on screen (before, `bonne` played without it).
      bundleOf('b0', ['bonne.json', 'mauvaise.json']);
      const first = await newPlayerPage(browser);
      await first.page.goto(ownSite.url);
      await first.page.waitForSelector('[data-config-error]');
      expect(await first.page.locator('[data-config-error] li').allTextContents()).toEqual([notice]);
      expect(await first.page.$('[data-item-id]')).toBeNull();
      expect(await first.page.$('[data-zone="main"] [data-idle]')).not.toBeNull();
      await first.context.close();

      // The good bundle stored, then an update whose new revision has the bad file: the stored one plays on.
      bundleOf('b1', ['bonne.json']);
      const { context, page, errors } = await newPlayerPage(browser);
      await page.goto(ownSite.url);
      await waitForItem(page, 'bon');
      bundleOf('b2', ['bonne.json', 'mauvaise.json']);
      await page.reload();
      await waitForItem(page, 'bon');
      await page.waitForSelector('[data-config-error]');
      expect(await page.locator('[data-config-error] li').allTextContents()).toEqual([notice]);
      expect(await storedSets(page)).toEqual(['current:b1']);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await ownSite.close();
    }
  }, 60_000);
});

describe('a new set whose files fail', () => {
  it('does not take the screen from content to the idle screen: it waits, the old set plays on; one with something that shows takes over', async () => {
    const { context, page, errors } = await newPlayerPage(browser);
    try {
      useBundle('r1', 'ancienne', [{ id: 'ancien', type: 'text', duration: 5, title: 'Ancien contenu' }]);
      await page.goto(site.url);
      await waitForItem(page, 'ancien');
      // Its one image: bytes that are not its sha256 (a bad upload, a link that now serves something else).
      useBundle('r-bad', 'nouvelle', [{ id: 'affiche', type: 'image', duration: 5, src: media.url('wrong', 'poster'), sha256: posterSha }]);
      await page.reload();
      await expect.poll(() => storedSets(page), { timeout: 10_000 }).toEqual(['current:r1', 'pending:r-bad']);
      // The file is refused (wrong bytes), and the old set plays on: never the idle screen.
      await expect.poll(() => failedFiles(page), { timeout: 10_000 }).toContain(posterSha);
      for (let k = 0; k < 6; k++) {
        await new Promise((r) => setTimeout(r, 1_000));
        expect(await onScreen(page)).toEqual({ playlistId: 'ancienne', itemId: 'ancien' });
        expect(await page.locator('[data-idle]').count()).toBe(0);
      }
      expect(await storedSets(page)).toEqual(['current:r1', 'pending:r-bad']);
      // A set with something that shows beside the refused image takes over, the image skipped.
      useBundle('r-mixed', 'nouvelle', [{ id: 'affiche', type: 'image', duration: 5, src: media.url('wrong', 'poster'), sha256: posterSha }, { id: 'nouveau', type: 'text', duration: 5, title: 'Nouveau contenu' }]);
      await page.reload();
      await waitForItem(page, 'nouveau', 20_000);
      expect(await storedSets(page)).toEqual(['current:r-mixed']);
      expect(await page.locator('[data-item-id="affiche"]').count()).toBe(0);
      // A set that mends the link (the same file, from a source that serves it right): fetched from
      // the new source at once, though the set on screen still names the old one; it takes over.
      useBundle('r-fixed', 'nouvelle', [{ id: 'affiche', type: 'image', duration: 5, src: media.url('good', 'poster'), sha256: posterSha }]);
      await page.reload();
      await waitForItem(page, 'affiche', 20_000);
      expect(await storedSets(page)).toEqual(['current:r-fixed']);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe('a new set waiting on a failed file', () => {
  it('takes over within a minute of one of its items starting by its schedule (page clock), not at the next half-hour replan', async () => {
    const { context, page, errors } = await newPlayerPage(browser);
    try {
      await page.clock.install({ time: Date.parse('2026-12-07T10:00:00.000Z') });
      useBundle('r1', 'ancienne', [{ id: 'ancien', type: 'text', duration: 5, title: 'Ancien contenu' }]);
      await page.goto(site.url);
      await waitForItem(page, 'ancien');
      // Its image is refused (wrong bytes; tried again only in 30 min), its text starts at 10:10.
      useBundle('r-later', 'nouvelle', [
        { id: 'affiche', type: 'image', duration: 5, src: media.url('wrong', 'poster'), sha256: posterSha },
        { id: 'plus-tard', type: 'text', duration: 5, title: 'Nouveau contenu', schedule: { timezone: 'UTC', hours: [{ start: '10:10', end: '23:00' }] } },
      ]);
      await page.reload();
      await expect.poll(() => failedFiles(page), { timeout: 10_000 }).toContain(posterSha);
      await page.clock.runFor(5_000);
      expect(await onScreen(page)).toEqual({ playlistId: 'ancienne', itemId: 'ancien' });
      // 10:10:30, then a minute and a second: the set waiting is weighed again, its text may play: it takes over (the replan would come at 10:30).
      await page.clock.runFor(Date.parse('2026-12-07T10:10:30.000Z') - (await page.evaluate(() => Date.now())));
      for (let k = 0; k < 61 && (await onScreen(page).then((now) => now === 'idle' || now?.itemId !== 'plus-tard')); k++) await page.clock.runFor(1_000);
      expect(await onScreen(page)).toEqual({ playlistId: 'nouvelle', itemId: 'plus-tard' });
      expect(await page.evaluate(() => new Date(Date.now()).toISOString() < '2026-12-07T10:11:32.000Z')).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe('the first set of a fresh player', () => {
  it('takes over once the first item of each playlist can show: its other files join as they come', async () => {
    // First in its playlist, an image from the bundle; then one that comes slowly (about 12 s).
    const freshDir = makePlaylistsDir(
      [
        {
          id: 'accueil',
          items: [
            { id: 'horaires', type: 'image', duration: 5, ...bundledMedia('mairie-horaires.png') },
            { id: 'fetes', type: 'image', duration: 5, src: media.url('slow', 'poster'), sha256: posterSha },
          ],
        },
        { id: 'bandeau', items: [{ id: 'texte', type: 'text', duration: 5, title: 'Bienvenue' }] },
      ],
      'first',
    );
    const freshSite = await serveWeb({ playlistsDir: freshDir });
    const { context, page } = await newPlayerPage(browser);
    try {
      await page.goto(freshSite.url);
      // The first image is on screen while the second is still coming (a fresh screen used to wait
      // for all files, or FIRST_SET_WAIT_MS, 10 s: the page's background meanwhile).
      await waitForItem(page, 'horaires', 8_000);
      expect(await storedDigest(page, posterSha)).toBeNull();
      expect(await storedSets(page)).toEqual(['current:first']);
      // Once the slow one is there, it plays in its turn.
      await waitForItem(page, 'fetes', 40_000);
      expect(await storedDigest(page, posterSha)).toBe(posterSha);
    } finally {
      await context.close();
      await freshSite.close();
    }
  }, 90_000);
});

describe('a set from the hub whose taking over cannot be written', () => {
  it('plays a playlist id used again for other items from its first item; the same items again go on where they stood', async () => {
    const hub = await startStandInHub();
    try {
      const { context, page, errors } = await newPlayerPage(browser);
      await page.clock.install();
      await page.goto(playerUrl(site.url, hub.url, 'rotation-1', 'token'));
      const screen = await hub.screen('rotation-1');
      const set = (revision: string, ids: string[]) => ({ revision, playlists: [{ id: 'p', items: ids.map((id) => ({ id, type: 'text', duration: 5, title: id })) }] });
      // Every item that comes on screen, in order.
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { __seen: string[] }).__seen = seen;
        new MutationObserver(() => {
          const on = document.querySelector('[data-zone="main"] [data-item-id]:not([data-leaving])')?.getAttribute('data-item-id');
          if (on && seen.at(-1) !== on) seen.push(on);
        }).observe(document.body, { subtree: true, childList: true, attributes: true });
      });
      const seen = () => page.evaluate(() => (window as unknown as { __seen: string[] }).__seen.join(' '));
      expect(await pushSet(screen, set('rot1', ['a', 'b', 'c']))).toEqual({ ok: true });
      await waitForItem(page, 'a', 20_000);
      await page.clock.runFor(5_000);
      await waitForItem(page, 'b');
      // Another set: the same playlist id, other items. Before, it opened on `z` (the old index).
      expect(await pushSet(screen, set('rot2', ['x', 'y', 'z']))).toEqual({ ok: true });
      await waitForItem(page, 'x');
      expect(await seen()).toMatch(/ b x$/);
      // The same items with one more: on after the item played last.
      await page.clock.runFor(5_000);
      await waitForItem(page, 'y');
      expect(await pushSet(screen, set('rot3', ['x', 'y', 'y2', 'z']))).toEqual({ ok: true });
      await waitForItem(page, 'y2');
      expect(await seen()).toMatch(/ b x y y2$/);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await hub.close();
    }
  }, 60_000);

  it('is acked ok, for it is stored (as pending): the old set plays on, and the new one takes over once the write goes through', async () => {
    const hub = await startStandInHub();
    try {
      const { context, page, errors } = await newPlayerPage(browser);
      await page.clock.install();
      await page.goto(playerUrl(site.url, hub.url, 'promotion-1', 'token'));
      const screen = await hub.screen('promotion-1');
      const set = (revision: string, id: string) => ({ revision, playlists: [{ id, items: [{ id, type: 'text', duration: 5, title: id }] }] });
      expect(await pushSet(screen, set('h1', 'avant'))).toEqual({ ok: true });
      await waitForItem(page, 'avant', 20_000);
      // The database refuses to write a set as current (a failing disk), and only that.
      await page.evaluate(() => {
        const put = IDBObjectStore.prototype.put;
        const flags = window as unknown as { __failCurrent: boolean };
        flags.__failCurrent = true;
        IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
          if (flags.__failCurrent && this.name === 'sets' && (value as { key?: string } | null)?.key === 'current') throw new DOMException('the disk failed', 'UnknownError');
          return put.call(this, value, key);
        };
      });
      expect(await pushSet(screen, set('h2', 'apres'))).toEqual({ ok: true });
      expect(await storedSets(page)).toEqual(['current:h1', 'pending:h2']);
      expect(await onScreen(page)).toEqual({ playlistId: 'avant', itemId: 'avant' });
      // The disk works again: within a minute the stored set takes over.
      await page.evaluate(() => void ((window as unknown as { __failCurrent: boolean }).__failCurrent = false));
      await page.clock.runFor(61_000);
      await waitForItem(page, 'apres', 10_000);
      expect(await storedSets(page)).toEqual(['current:h2']);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await hub.close();
    }
  }, 60_000);
});
