import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { MediaFiles } from '../../src/main/mediaFiles.js';
import type { LayoutInput } from '../../src/shared/layout.js';
import type { PlaylistInput } from '../../src/shared/playlist.js';
import { freezeClockAt, newPlayerPage, onScreen, putInStore, readStore, waitForItem } from '../support/browser.js';
import { kioskBridge, APP_MEDIA } from '../support/kioskBridge.js';
import { startMediaServer } from '../support/mediaServer.js';
import { bundledMedia, makePlaylistsDir } from '../support/playlistsFixture.js';
import { serveWeb, type StaticSite } from '../support/staticServer.js';
import { useBrowserAndSite } from '../support/suite.js';
import { bundledPlaylists, expectedSequence, PLAYLISTS_DIR } from '../support/bundled.js';
import { parseStartMedia, START_IMAGE_KEY_PREFIX, START_MEDIA_KEY, startImageKey, type StartBox, type StartMedia } from '../../src/shared/startMedia.js';
import { nextChangeAt } from '../../src/shared/schedule.js';
import { BundleSource } from '../../src/shared/bundle.js';
import { bundleFilesFor } from '../../src/shared/bundleFiles.js';

// Wednesday 25 November 2026, 10:00 in Paris: the office-hours playlist is on.
const START = Date.parse('2026-11-25T10:00:00+01:00');

const env = useBrowserAndSite();

const playlists = bundledPlaylists('mairie');
const expected = expectedSequence(playlists, 'Europe/Paris', START, 3);

/** The bundled layout's `main` zone (the test pages are landscape): where its start frame is painted. */
const MAIN_BOX: StartBox = (() => {
  const layout = JSON.parse(readFileSync(join(PLAYLISTS_DIR, 'mairie/layouts/accueil.layout.json'), 'utf8')) as LayoutInput;
  const { x, y, width, height } = layout.zones.find((zone) => zone.id === 'main')!;
  return { x, y, width, height };
})();

const storedList = async (page: Page): Promise<StartMedia> => parseStartMedia(await page.evaluate((key) => localStorage.getItem(key), START_MEDIA_KEY));
const storeList = (page: Page, list: unknown): Promise<void> => page.evaluate(([key, text]) => localStorage.setItem(key!, text!), [START_MEDIA_KEY, JSON.stringify(list)]);

function fileOf(show: { playlistId: string; itemId: string }): string {
  const item = playlists.find((p) => p.id === show.playlistId)?.items.find((i) => i.id === show.itemId);
  if (item?.type !== 'image') throw new Error(`${show.itemId}: this test needs an image item there`);
  return item.sha256.toLowerCase();
}

interface Watched {
  /** The blob behind each object URL the page made (its policy lets it fetch no blob: URL). */
  blobs: Map<string, Blob>;
  revoked: Set<string>;
  /** Image URLs decoded by an image in no document: read ahead (the page clock leaves no performance marks to read). */
  decodedAhead: Set<string>;
  /** Image URLs decoded by an image on the page (an item prepared off screen). */
  decodedOnPage: Set<string>;
}

/** Watches, from the page's first script, the object URLs it makes and gives back, and what it decodes off screen. */
async function watchStart(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const watched: Watched = { blobs: new Map(), revoked: new Set(), decodedAhead: new Set(), decodedOnPage: new Set() };
    (window as unknown as { __watched: Watched }).__watched = watched;
    const make = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      const url = make(blob);
      if (blob instanceof Blob) watched.blobs.set(url, blob);
      return url;
    };
    const revoke = URL.revokeObjectURL.bind(URL);
    URL.revokeObjectURL = (url: string) => {
      watched.revoked.add(url);
      revoke(url);
    };
    const decode = HTMLImageElement.prototype.decode;
    HTMLImageElement.prototype.decode = function (this: HTMLImageElement) {
      (this.isConnected ? watched.decodedOnPage : watched.decodedAhead).add(this.src);
      return decode.call(this);
    };
  });
}

/** The image on screen in `zone`: whether it was read ahead, whether it was decoded again on the page before showing, the sha256 of its bytes, and the URLs read ahead and given back. */
async function shownImage(page: Page, zone = 'main'): Promise<{ readAhead: boolean; decodedOnPage: boolean; digest: string; givenBack: string[]; drawn: boolean }> {
  return page.evaluate(async (zone) => {
    const watched = (window as unknown as { __watched: Watched }).__watched;
    const img = document.querySelector<HTMLImageElement>(`[data-zone="${zone}"] [data-item-id]:not([data-leaving]) img`);
    if (!img) throw new Error(`no image on screen in ${zone}`);
    const blob = watched.blobs.get(img.src);
    if (!blob) throw new Error(`${img.src}: not an object URL the page made`);
    const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
    return {
      readAhead: watched.decodedAhead.has(img.src),
      decodedOnPage: watched.decodedOnPage.has(img.src),
      digest: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''),
      givenBack: [...watched.decodedAhead].filter((url) => watched.revoked.has(url)),
      // Its URL still valid and its pixels there.
      drawn: !watched.revoked.has(img.src) && img.complete && img.naturalWidth > 0,
    };
  }, zone);
}

/** A first start shows expected[0] and prepares expected[1]; the page closes mid-item. Returns the context, to start again in. */
async function firstStart(): Promise<{ context: Awaited<ReturnType<typeof newPlayerPage>>['context']; page: Page }> {
  const { context, page } = await newPlayerPage(env.browser());
  await freezeClockAt(page, START);
  await page.goto(env.site().url);
  await waitForItem(page, expected[0]!.itemId);
  // A start from now on would show the item after it (the rotation is saved): its file is kept for
  // that start, with its zone's box, and may be painted until the schedule may change (no power schedule here).
  await expect.poll(async () => (await storedList(page)).files).toEqual([{ zone: 'main', sha256: fileOf(expected[1]!), video: false, box: MAIN_BOX }]);
  const { decidedAt, paintUntil } = await storedList(page);
  expect(paintUntil).toBe(nextChangeAt(playlists, 'Europe/Paris', START));
  expect(paintUntil).toBeGreaterThan(START + 3_000);
  // Decided on this page's clock (paused at START, moved by the player's waits only).
  expect(decidedAt).toBeGreaterThanOrEqual(START);
  expect(decidedAt).toBeLessThan(START + 3_000);
  // Once the first item is on screen (its frames: the page clock gives them) and the list has not
  // changed for 2 s, the web player keeps a copy of that image beside the list, its very bytes, and no other.
  await copiesKeptOnly(page, fileOf(expected[1]!));
  return { context, page };
}

/**
 * Waits until the page has stored each zone's place in its rotation (`zone` → playlist → next index).
 * A zone writes it to IndexedDB as an item begins, and the list to localStorage as it decides: a page
 * closed between the two starts the next time from the list's guess but the rotation of before.
 */
async function rotationsSaved(page: Page, cursors: Record<string, Record<string, number>>): Promise<void> {
  const saved = async () => Object.fromEntries((await readStore<{ key: string; value: { cursors: Record<string, number> } }>(page, 'settings')).filter((r) => r.key.startsWith('rotation:')).map((r) => [r.key.slice('rotation:'.length), r.value.cursors]));
  await expect.poll(saved).toEqual(cursors);
}

/** Moves the page clock half a second at a time until the page keeps a copy of `sha256`'s image, its very bytes, and no other. */
async function copiesKeptOnly(page: Page, sha256: string): Promise<void> {
  await expect.poll(async () => (await page.clock.runFor(500), keptCopies(page)), { timeout: 15_000 }).toEqual({ [sha256]: sha256 });
}

/** The start frame images' copies the page keeps beside the list (startImages.ts): the file each is kept for → the sha256 of the bytes it holds. */
async function keptCopies(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async (prefix) => {
    const copies: Record<string, string> = {};
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (!key.startsWith(prefix)) continue;
      // (The page's policy lets it fetch no data: URL: its base64 decoded here.)
      const url = localStorage.getItem(key)!;
      const bytes = Uint8Array.from(atob(url.slice(url.indexOf(',') + 1)), (c) => c.charCodeAt(0));
      copies[key.slice(prefix.length)] = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    }
    return copies;
  }, START_IMAGE_KEY_PREFIX);
}

async function startAgain(context: Awaited<ReturnType<typeof newPlayerPage>>['context']): Promise<Page> {
  const again = await context.newPage();
  await watchStart(again);
  await freezeClockAt(again, START + 3_000);
  await again.goto(env.site().url);
  // The rotation was saved when expected[0] began: a start now shows expected[1].
  await waitForItem(again, expected[1]!.itemId);
  expect(await onScreen(again)).toEqual({ playlistId: expected[1]!.playlistId, itemId: expected[1]!.itemId });
  // Its first frames (the page clock gives them): what was read ahead and not shown is given back then.
  await again.clock.runFor(100);
  return again;
}


/**
 * Holds the player's code (its entry chunk; `script`, another of its scripts) until the returned
 * function is called: what happens before is the start frame script's alone.
 */
async function holdPlayerCode(page: Page, script = /\/assets\/index-[^/]+\.js$/): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  // (Routing also turns the page's HTTP cache off: the chunk is asked for again.)
  await page.route(script, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

/**
 * The start frame's image in `zone`: its box on the page (px, rounded), whether it is drawn, the
 * sha256 of its bytes, and where they came from (the copy kept beside the list, a data URL; or
 * IndexedDB, an object URL); null when none is painted. Drawn: the image decoded, and the page's
 * stylesheet applied. The frame script runs as soon as it is fetched (`async`), possibly before
 * the stylesheet has come, but the page paints nothing before its stylesheet in the head: a box
 * measured before it (the body's margin, the image's own height) is no box the room sees, and
 * was measured so once, on a loaded machine.
 */
async function frameImage(page: Page, zone = 'main'): Promise<{ box: { x: number; y: number; width: number; height: number }; drawn: boolean; digest: string; from: 'copy' | 'database' } | null> {
  return page.evaluate(async (zone) => {
    const box = document.querySelector(`.start-frame [data-start-frame-zone="${zone}"]`);
    const img = box?.querySelector('img');
    if (!box || !img) return null;
    const watched = (window as unknown as { __watched: Watched }).__watched;
    const fromCopy = img.src.startsWith('data:');
    const blob = fromCopy ? new Blob([Uint8Array.from(atob(img.src.slice(img.src.indexOf(',') + 1)), (c) => c.charCodeAt(0))]) : watched.blobs.get(img.src);
    const digest = blob ? [...new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()))].map((b) => b.toString(16).padStart(2, '0')).join('') : `not an object URL: ${img.src}`;
    const rect = box.getBoundingClientRect();
    const styled = getComputedStyle(box.parentElement!).position === 'fixed';
    return { box: { x: Math.round(rect.x), y: Math.round(rect.y), width: Math.round(rect.width), height: Math.round(rect.height) }, drawn: styled && img.complete && img.naturalWidth > 0, digest, from: fromCopy ? 'copy' : 'database' };
  }, zone);
}

/** Where the start frame's image and the item's image (on the stage, under it) lie in `zone` (px, rounded): the same box, or the item would jump when the frame gives way. */
async function imageBoxes(page: Page, zone = 'main'): Promise<{ frame: number[] | null; item: number[] | null }> {
  return page.evaluate((zone) => {
    const rect = (el: Element | null) => (el ? ((r) => [r.x, r.y, r.width, r.height].map(Math.round))(el.getBoundingClientRect()) : null);
    return {
      frame: rect(document.querySelector(`.start-frame [data-start-frame-zone="${zone}"] img`)),
      item: rect(document.querySelector(`#root [data-zone="${zone}"] [data-item-id]:not([data-leaving]) img`)),
    };
  }, zone);
}

/** Where the bundled layout's main zone lies on this page (px, rounded). */
function mainBoxOn(page: Page): { x: number; y: number; width: number; height: number } {
  const { width, height } = page.viewportSize()!;
  return { x: Math.round((width * MAIN_BOX.x) / 100), y: Math.round((height * MAIN_BOX.y) / 100), width: Math.round((width * MAIN_BOX.width) / 100), height: Math.round((height * MAIN_BOX.height) / 100) };
}

/**
 * Records, from the page's first script, the start frame's life in order: `frame <zone>` when a
 * zone's frame is painted, `frame gone <zone> over <item>` when it is taken down, with the item
 * then on screen in that zone (or `none`). (The page clock leaves no performance marks to read.)
 */
function watchFrame(): void {
  const events: string[] = [];
  (window as unknown as { __frameEvents: string[] }).__frameEvents = events;
  new MutationObserver((records) => {
    for (const record of records) {
      // (The frame's layer goes on the page first, then each zone's box into it.)
      for (const node of record.addedNodes) if (node instanceof HTMLElement && node.dataset.startFrameZone) events.push(`frame ${node.dataset.startFrameZone}`);
      for (const node of record.removedNodes) {
        const zone = node instanceof HTMLElement ? node.dataset.startFrameZone : undefined;
        if (!zone) continue;
        const item = document.querySelector(`#root [data-zone="${zone}"] [data-item-id]:not([data-leaving])`);
        events.push(`frame gone ${zone} over ${item?.getAttribute('data-item-id') ?? 'none'}`);
      }
    }
  }).observe(document, { childList: true, subtree: true });
}

const frameEvents = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __frameEvents: string[] }).__frameEvents);

/**
 * Lets the held player's code run (`release`): its first item comes under the main zone's frame,
 * its image in the frame image's very box (its frames wait for the page clock), and the frame is
 * taken down once the item is on screen under it.
 */
async function givesWayTo(page: Page, release: () => void, itemId: string): Promise<void> {
  release();
  await waitForItem(page, itemId);
  const boxes = await imageBoxes(page);
  expect(boxes.frame).not.toBeNull();
  expect(boxes.item).toEqual(boxes.frame);
  await page.clock.runFor(100);
  await expect.poll(() => page.evaluate(() => document.querySelector('.start-frame') !== null)).toBe(false);
  expect(await frameEvents(page)).toEqual(['frame main', `frame gone main over ${itemId}`]);
}

/** Deletes a file's bytes (its parts) from the player's IndexedDB, with the raw API. */
async function deleteParts(page: Page, sha256: string): Promise<void> {
  await page.evaluate(
    (sha) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('antichambre');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('parts', 'readwrite');
          tx.objectStore('parts').delete(IDBKeyRange.bound([sha, -Infinity], [sha, Infinity]));
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
    sha256,
  );
}

/** A second start on the first's profile, at START + 3 s, with the player's code held back; returns its release. */
async function heldStart(context: Awaited<ReturnType<typeof newPlayerPage>>['context']): Promise<{ again: Page; release: () => void }> {
  const again = await context.newPage();
  await watchStart(again);
  await again.addInitScript(watchFrame);
  await freezeClockAt(again, START + 3_000);
  const release = await holdPlayerCode(again);
  await again.goto(env.site().url, { waitUntil: 'commit' });
  return { again, release };
}

describe("the start frame: what a start will show first, painted before the player's code has run", () => {
  it("is painted in its zone's box from the file read ahead, and gives way to the zone's first item, the same file", async () => {
    const { context, page } = await firstStart();
    await page.close();
    const { again, release } = await heldStart(context);
    await expect.poll(() => frameImage(again).then((frame) => frame?.drawn ?? false), { timeout: 10_000 }).toBe(true);
    // Painted from the copy kept beside the list (no wait for IndexedDB), the file's very bytes.
    expect(await frameImage(again)).toEqual({ box: mainBoxOn(again), drawn: true, digest: fileOf(expected[1]!), from: 'copy' });
    // The player's code has not run yet (nothing on the stage): the frame is the start frame script's alone.
    expect(await again.evaluate(() => document.getElementById('root')?.childElementCount)).toBe(0);
    await givesWayTo(again, release, expected[1]!.itemId);
    expect(await shownImage(again)).toEqual({ readAhead: true, decodedOnPage: false, digest: fileOf(expected[1]!), givenBack: [], drawn: true });
    await context.close();
  });

  it.each([
    ['a schedule boundary passed since', { paintUntil: START + 1_000 }],
    ['the clock set back before they were made', { decidedAt: START + 10_000 }],
  ])('is not painted when the decisions it came from may not hold now (%s): the file is still read ahead', async (_, change) => {
    const { context, page } = await firstStart();
    await storeList(page, { ...(await storedList(page)), ...change });
    await page.close();
    const { again, release } = await heldStart(context);
    // Read and decoded ahead (a frame would be painted at the same moment), and no frame.
    await expect.poll(() => again.evaluate(() => (window as unknown as { __watched: Watched }).__watched.decodedAhead.size), { timeout: 10_000 }).toBe(1);
    expect(await again.evaluate(() => document.querySelector('.start-frame') !== null)).toBe(false);
    release();
    await waitForItem(again, expected[1]!.itemId);
    await again.clock.runFor(100);
    expect(await shownImage(again)).toEqual({ readAhead: true, decodedOnPage: false, digest: fileOf(expected[1]!), givenBack: [], drawn: true });
    expect(await frameEvents(again)).toEqual([]);
    await context.close();
  });

  it("a wrong guess is painted, then gives way to the zone's own first item", async () => {
    const { context, page } = await firstStart();
    await storeList(page, { files: [{ zone: 'main', sha256: fileOf(expected[0]!), video: false, box: MAIN_BOX }], decidedAt: START, paintUntil: START + 3_600_000 });
    await page.close();
    const { again, release } = await heldStart(context);
    await expect.poll(() => frameImage(again).then((frame) => frame?.drawn ?? false), { timeout: 10_000 }).toBe(true);
    // That file has no copy (the list was changed behind the player's back): read from IndexedDB.
    expect(await frameImage(again)).toMatchObject({ digest: fileOf(expected[0]!), from: 'database' });
    release();
    await waitForItem(again, expected[1]!.itemId);
    await again.clock.runFor(100);
    await expect.poll(() => again.evaluate(() => document.querySelector('.start-frame') !== null)).toBe(false);
    // Over the wrong file until the zone's own first item was on screen under it.
    expect(await frameEvents(again)).toEqual(['frame main', `frame gone main over ${expected[1]!.itemId}`]);
    expect(await shownImage(again)).toMatchObject({ digest: fileOf(expected[1]!), drawn: true });
    await context.close();
  });

  it('gives way at once to an urgent alert found at start, before any item', async () => {
    const { context, page } = await firstStart();
    // An urgent alert stored just before the page went (a crash before the list was written again):
    // the list still says the frame may be painted.
    await putInStore(page, 'alerts', [{ id: 'evacuation', level: 'urgent', text: 'Évacuez le bâtiment par les sorties de secours', until: new Date(START + 3_600_000).toISOString() }]);
    await page.close();
    const { again, release } = await heldStart(context);
    await expect.poll(() => frameImage(again).then((frame) => frame?.drawn ?? false), { timeout: 10_000 }).toBe(true);
    release();
    await expect.poll(() => again.$eval('[data-alert-level="urgent"]', (el) => el.textContent).catch(() => null), { timeout: 10_000 }).toContain('Évacuez le bâtiment');
    await again.clock.runFor(100);
    // Taken down with nothing under it (the player takes it down as it starts covered, and the zone,
    // covered, decides that nothing plays): the alert, not an item, is what shows.
    expect(await frameEvents(again)).toEqual(['frame main', 'frame gone main over none']);
    expect(await again.evaluate(() => document.querySelector('.start-frame') !== null)).toBe(false);
    await context.close();
  });

  it("is taken down after 10 s even when the player's code never runs", async () => {
    const { context, page } = await firstStart();
    await page.close();
    const { again } = await heldStart(context);
    await expect.poll(() => frameImage(again).then((frame) => frame?.drawn ?? false), { timeout: 10_000 }).toBe(true);
    await again.clock.runFor(9_000);
    expect(await frameImage(again)).not.toBeNull();
    await again.clock.runFor(1_100);
    expect(await again.evaluate(() => document.querySelector('.start-frame') !== null)).toBe(false);
    expect(await frameEvents(again)).toEqual(['frame main', 'frame gone main over none']);
    await context.close();
  });

  it('is painted from its copy even when IndexedDB cannot give the file', async () => {
    const { context, page } = await firstStart();
    // The file's bytes gone from IndexedDB (as if evicted since): only its copy can paint it.
    await deleteParts(page, fileOf(expected[1]!));
    await page.close();
    const { again } = await heldStart(context);
    await expect.poll(() => frameImage(again).then((frame) => frame?.drawn ?? false), { timeout: 10_000 }).toBe(true);
    expect(await frameImage(again)).toEqual({ box: mainBoxOn(again), drawn: true, digest: fileOf(expected[1]!), from: 'copy' });
    await context.close();
  });

  it.each([
    ['not an image data URL', 'bonjour'],
    ['an image data URL that does not decode', 'data:image/jpeg;base64,AAAAAAAAAAAA'],
  ])('a copy that is %s gives way to the file read from IndexedDB', async (_, copy) => {
    const { context, page } = await firstStart();
    await page.evaluate(([key, text]) => localStorage.setItem(key!, text!), [startImageKey(fileOf(expected[1]!)), copy]);
    await page.close();
    const { again, release } = await heldStart(context);
    await expect.poll(() => frameImage(again).then((frame) => frame?.from === 'database' && frame.drawn), { timeout: 10_000 }).toBe(true);
    expect(await frameImage(again)).toEqual({ box: mainBoxOn(again), drawn: true, digest: fileOf(expected[1]!), from: 'database' });
    release();
    await waitForItem(again, expected[1]!.itemId);
    await again.clock.runFor(100);
    await expect.poll(() => again.evaluate(() => document.querySelector('.start-frame') !== null)).toBe(false);
    // Once the list moves on, the damaged copy is gone and the next file's copy made.
    await copiesKeptOnly(again, fileOf(expected[2]!));
    await context.close();
  });

  it('the copy follows the list: once the next item is on screen, the one after it is kept instead', async () => {
    const { context, page } = await firstStart();
    await page.clock.runFor(expected[0]!.durationMs);
    await waitForItem(page, expected[1]!.itemId);
    await copiesKeptOnly(page, fileOf(expected[2]!));
    await context.close();
  });
});

describe('a start reads ahead the file it will show first', () => {
  it('the file guessed right is read and decoded before the code has run, and is the one shown', async () => {
    const { context, page } = await firstStart();
    await page.close();
    const again = await startAgain(context);
    // Decoded ahead: shown at once, without being prepared off screen and decoded again first.
    expect(await shownImage(again)).toEqual({ readAhead: true, decodedOnPage: false, digest: fileOf(expected[1]!), givenBack: [], drawn: true });
    await context.close();
  });

  it('a wrong guess changes nothing of what is shown, and what it read is given back', async () => {
    const { context, page } = await firstStart();
    // Another cached file named for the zone: the start decides otherwise, and shows its own choice's file.
    await storeList(page, { files: [{ zone: 'main', sha256: fileOf(expected[0]!), video: false }], decidedAt: START, paintUntil: 0 });
    await page.close();
    const again = await startAgain(context);
    const shown = await shownImage(again);
    expect(shown).toMatchObject({ readAhead: false, decodedOnPage: true, digest: fileOf(expected[1]!), drawn: true });
    // The file read for nothing is given back once the first item is on screen.
    await expect.poll(async () => (await shownImage(again)).givenBack.length).toBe(1);
    await context.close();
  });

  it('a damaged list is ignored', async () => {
    const { context, page } = await firstStart();
    // Not a list the player wrote (the right file, but a field of the wrong type): ignored, the start reads its first file after its code has run.
    await storeList(page, { files: [{ zone: 'main', sha256: fileOf(expected[1]!), video: 'non', box: MAIN_BOX }], decidedAt: START, paintUntil: START + 3_600_000 });
    await page.close();
    const again = await startAgain(context);
    expect(await shownImage(again)).toEqual({ readAhead: false, decodedOnPage: true, digest: fileOf(expected[1]!), givenBack: [], drawn: true });
    await context.close();
  });
});

/** Records, from the page's first script, the sha256 of each file whose bytes are read from IndexedDB (its `parts` store, by any index). */
async function watchPartReads(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const reads: string[] = [];
    (window as unknown as { __partReads: string[] }).__partReads = reads;
    // A file's parts are asked for by its sha256, alone or first in [sha256, offset]; the query
    // given as is or, in getAll's newer form, as the `query` of an options object (Dexie uses it).
    const shaOf = (given: unknown): string => {
      const query = given !== null && typeof given === 'object' && !(given instanceof IDBKeyRange) && !Array.isArray(given) && 'query' in given ? given.query : given;
      const key: unknown = query instanceof IDBKeyRange ? query.lower : query;
      return String(Array.isArray(key) ? key[0] : key);
    };
    for (const proto of [IDBIndex.prototype, IDBObjectStore.prototype]) {
      const methods = proto as unknown as Record<string, (this: IDBIndex | IDBObjectStore, ...args: unknown[]) => IDBRequest>;
      for (const name of ['get', 'getAll', 'getAllKeys', 'openCursor', 'openKeyCursor']) {
        const original = methods[name]!;
        methods[name] = function (this: IDBIndex | IDBObjectStore, ...args: unknown[]) {
          const store = this instanceof IDBIndex ? this.objectStore.name : this.name;
          if (store === 'parts') reads.push(shaOf(args[0]));
          return original.apply(this, args);
        };
      }
    }
  });
}

describe('a fresh start shows its first file from the bytes it has just downloaded', () => {
  it('verified, and not read back from IndexedDB; what shows after the first item is read from there', async () => {
    const sequence = expectedSequence(playlists, 'Europe/Paris', START, 3);
    const { context, page, errors } = await newPlayerPage(env.browser());
    await watchStart(page);
    await watchPartReads(page);
    await freezeClockAt(page, START);
    await page.goto(env.site().url);
    await waitForItem(page, sequence[0]!.itemId);
    const partReads = () => page.evaluate(() => (window as unknown as { __partReads: string[] }).__partReads);
    // The bytes on screen are the file's (its digest checked as it was downloaded), and were never read back.
    expect(await shownImage(page)).toMatchObject({ readAhead: false, digest: fileOf(sequence[0]!), drawn: true });
    expect(await partReads()).not.toContain(fileOf(sequence[0]!));
    // The item after it was prepared with it (from the same bytes, if they had come); the one after
    // that is prepared once the first item is on screen: its file is read from IndexedDB (which
    // also shows that the watch sees the player's reads).
    expect(fileOf(sequence[2]!)).not.toBe(fileOf(sequence[0]!));
    await page.clock.runFor(sequence[0]!.durationMs);
    await waitForItem(page, sequence[1]!.itemId);
    await page.clock.runFor(sequence[1]!.durationMs);
    await waitForItem(page, sequence[2]!.itemId);
    expect(await shownImage(page)).toMatchObject({ digest: fileOf(sequence[2]!), drawn: true });
    expect(await partReads()).toContain(fileOf(sequence[2]!));
    expect(await partReads()).not.toContain(fileOf(sequence[0]!));
    expect(errors).toEqual([]);
    await context.close();
  });
});

const sites: StaticSite[] = [];
const stores: MediaFiles[] = [];
afterAll(async () => {
  for (const store of stores) store.stop();
  for (const site of sites) await site.close();
});

const png = (name: string) => ({ bytes: new Uint8Array(readFileSync(join(PLAYLISTS_DIR, 'media', name))), type: 'image/png' });

describe('a start with two playlist zones reads ahead both', () => {
  // Two playlist zones side by side, two images each: every zone keeps its own start file.
  const LAYOUT: LayoutInput = {
    id: 'deux-zones',
    zones: [
      { id: 'main', x: 0, y: 0, width: 60, height: 100 },
      { id: 'cote', x: 60, y: 0, width: 40, height: 100 },
    ],
  };
  const left = [bundledMedia('mairie-horaires.png'), bundledMedia('mairie-en-ligne.png')];
  const right = [bundledMedia('mairie-ticket.png'), bundledMedia('mairie-cni-passeport.png')];
  const PLAYLISTS: PlaylistInput[] = [
    { id: 'gauche', items: left.map((file, k) => ({ id: `gauche-${k}`, type: 'image' as const, duration: 10, ...file })) },
    { id: 'droite', zone: 'cote', items: right.map((file, k) => ({ id: `droite-${k}`, type: 'image' as const, duration: 10, ...file })) },
  ];

  it("after a first start the list names each zone's next file; a second start reads both ahead and shows each zone's own", async () => {
    const site = await serveWeb({ playlistsDir: makePlaylistsDir(PLAYLISTS, 'deux-zones-r1', LAYOUT) });
    sites.push(site);
    const { context, page } = await newPlayerPage(env.browser());
    await freezeClockAt(page, START);
    await page.goto(site.url);
    await waitForItem(page, 'gauche-0');
    await waitForItem(page, 'droite-0');
    // Each zone names the file a start from now on would show (the item after the one it shows), both zones.
    const listed = async () => (await storedList(page)).files.sort((a, b) => a.zone.localeCompare(b.zone));
    await expect.poll(listed).toEqual([
      { zone: 'cote', sha256: right[1]!.sha256, video: false, box: { x: 60, y: 0, width: 40, height: 100 } },
      { zone: 'main', sha256: left[1]!.sha256, video: false, box: { x: 0, y: 0, width: 60, height: 100 } },
    ]);
    await rotationsSaved(page, { main: { gauche: 1 }, cote: { droite: 1 } });
    await page.close();

    const again = await context.newPage();
    await watchStart(again);
    await again.addInitScript(watchFrame);
    await freezeClockAt(again, START + 3_000);
    await again.goto(site.url);
    await waitForItem(again, 'gauche-1');
    await waitForItem(again, 'droite-1');
    await again.clock.runFor(100);
    // Both read and decoded ahead, each shown in its own zone with its own bytes, none decoded again first.
    expect(await shownImage(again, 'main')).toEqual({ readAhead: true, decodedOnPage: false, digest: left[1]!.sha256, givenBack: [], drawn: true });
    expect(await shownImage(again, 'cote')).toEqual({ readAhead: true, decodedOnPage: false, digest: right[1]!.sha256, givenBack: [], drawn: true });
    // Each zone had its start frame, taken down once its own item was on screen under it.
    await expect.poll(async () => (await frameEvents(again)).sort()).toEqual(['frame cote', 'frame gone cote over droite-1', 'frame gone main over gauche-1', 'frame main']);
    await context.close();
  });

  it('an image shown with its QR code beside it is painted where the item shows it, its band left to the item', async () => {
    const [plain, withQr] = [bundledMedia('mairie-horaires.png'), bundledMedia('mairie-en-ligne.png')];
    const site = await serveWeb({
      playlistsDir: makePlaylistsDir(
        [{ id: 'qr', items: [{ id: 'simple', type: 'image', duration: 10, ...plain }, { id: 'avec-qr', type: 'image', duration: 10, ...withQr, qr: { url: 'https://www.service-public.fr/', label: 'Démarches en ligne' } }] }],
        'qr-r1',
      ),
    });
    sites.push(site);
    const { context, page } = await newPlayerPage(env.browser());
    await freezeClockAt(page, START);
    await page.goto(site.url);
    await waitForItem(page, 'simple');
    await expect.poll(async () => (await storedList(page)).files).toEqual([{ zone: 'main', sha256: withQr.sha256, video: false, qr: { label: 'Démarches en ligne' }, box: { x: 0, y: 0, width: 100, height: 100 } }]);
    await rotationsSaved(page, { main: { qr: 1 } });
    await page.close();
    const again = await context.newPage();
    await watchStart(again);
    await again.addInitScript(watchFrame);
    await freezeClockAt(again, START + 3_000);
    const release = await holdPlayerCode(again);
    await again.goto(site.url, { waitUntil: 'commit' });
    await expect.poll(() => frameImage(again).then((frame) => frame?.drawn ?? false), { timeout: 10_000 }).toBe(true);
    // Beside an empty band the size of the code's (the whole zone is the frame's box, the image narrower).
    const framed = (await frameImage(again))!;
    expect(framed.digest).toBe(withQr.sha256);
    const alone = await again.evaluate(() => document.querySelector('.start-frame img')!.getBoundingClientRect().width);
    expect(alone).toBeLessThan(again.viewportSize()!.width * 0.8);
    release();
    await waitForItem(again, 'avec-qr');
    const boxes = await imageBoxes(again);
    expect(boxes.frame).not.toBeNull();
    expect(boxes.item).toEqual(boxes.frame);
    await again.clock.runFor(100);
    expect(await shownImage(again)).toMatchObject({ readAhead: true, digest: withQr.sha256, drawn: true });
    await expect.poll(() => frameEvents(again)).toEqual(['frame main', 'frame gone main over avec-qr']);
    await context.close();
  });
});

describe("a fresh start paints its first items from its bundle, before the player's code has run", () => {
  /** Whether the page asked for the fresh start frame's module (freshFrame.ts, an entry of its own), from the page's first request on. (The page clock leaves no resource timing to read.) */
  const watchFreshModule = (page: Page): (() => boolean) => {
    let asked = false;
    page.on('request', (request) => (asked ||= /\/assets\/freshFrame-[^/]+\.js$/.test(request.url())));
    return () => asked;
  };

  it("each zone's first image, fetched from the bundle with its digest checked, painted in its box; the same file then shown under it; a warm start does not load it", async () => {
    const { context, page, errors } = await newPlayerPage(env.browser());
    const freshModuleLoaded = watchFreshModule(page);
    await watchStart(page);
    await page.addInitScript(watchFrame);
    await freezeClockAt(page, START);
    const release = await holdPlayerCode(page);
    await page.goto(env.site().url, { waitUntil: 'commit' });
    await expect.poll(() => frameImage(page).then((frame) => frame?.drawn ?? false), { timeout: 10_000 }).toBe(true);
    // The bundle's file, its very bytes, where the layout's main zone is; the player's code has not run (nothing on the stage, nothing stored).
    expect(await frameImage(page)).toMatchObject({ box: mainBoxOn(page), drawn: true, digest: fileOf(expected[0]!) });
    expect(await page.evaluate(() => document.getElementById('root')?.childElementCount)).toBe(0);
    expect(freshModuleLoaded()).toBe(true);
    const frameSrc = await page.evaluate(() => document.querySelector('.start-frame img')!.getAttribute('src')!);
    expect(frameSrc).toMatch(/^blob:/);
    await givesWayTo(page, release, expected[0]!.itemId);
    // The object URL it was painted from is given back with the rest of what was read ahead.
    await expect.poll(() => page.evaluate((url) => (window as unknown as { __watched: Watched }).__watched.revoked.has(url), frameSrc)).toBe(true);
    await page.close();
    const again = await context.newPage();
    const loadedAgain = watchFreshModule(again);
    await freezeClockAt(again, START + 3_000);
    await again.goto(env.site().url);
    await waitForItem(again, expected[1]!.itemId);
    expect(loadedAgain()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  // Two playlist zones: office hours (weekday mornings) then an always-on playlist whose first image plays only in the afternoon; one image beside.
  const [ticket, afternoon, hours, side] = ['mairie-ticket.png', 'mairie-en-ligne.png', 'mairie-horaires.png', 'mairie-cni-passeport.png'].map(bundledMedia) as [ReturnType<typeof bundledMedia>, ReturnType<typeof bundledMedia>, ReturnType<typeof bundledMedia>, ReturnType<typeof bundledMedia>];
  const LAYOUT: LayoutInput = {
    id: 'deux-zones',
    zones: [
      { id: 'main', x: 0, y: 0, width: 60, height: 100 },
      { id: 'cote', x: 60, y: 0, width: 40, height: 100 },
    ],
  };
  const PLAYLISTS: PlaylistInput[] = [
    { id: 'guichets', schedule: { timezone: 'Europe/Paris', days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '12:00' }] }, items: [{ id: 'ticket', type: 'image', duration: 10, ...ticket }] },
    {
      id: 'accueil',
      items: [
        { id: 'apres-midi', type: 'image', duration: 10, ...afternoon, schedule: { timezone: 'Europe/Paris', hours: [{ start: '14:00', end: '18:00' }] } },
        { id: 'horaires', type: 'image', duration: 10, ...hours },
      ],
    },
    { id: 'droite', zone: 'cote', items: [{ id: 'cote-0', type: 'image', duration: 10, ...side }] },
  ];

  it.each([
    ['Wednesday 10:00', '2026-11-25T10:00:00+01:00', 'ticket', ticket],
    ['Wednesday 15:00', '2026-11-25T15:00:00+01:00', 'apres-midi', afternoon],
    ['Wednesday 20:00', '2026-11-25T20:00:00+01:00', 'horaires', hours],
  ])('decides as the player then does (%s): each zone painted with the file its first item shows', async (_, when, mainItem, mainFile) => {
    const site = await serveWeb({ playlistsDir: makePlaylistsDir(PLAYLISTS, `fresh-${mainItem}`, LAYOUT) });
    sites.push(site);
    const { context, page } = await newPlayerPage(env.browser());
    await watchStart(page);
    await page.addInitScript(watchFrame);
    await freezeClockAt(page, Date.parse(when));
    const release = await holdPlayerCode(page);
    await page.goto(site.url, { waitUntil: 'commit' });
    await expect.poll(async () => (await frameImage(page, 'main'))?.drawn && (await frameImage(page, 'cote'))?.drawn, { timeout: 10_000 }).toBe(true);
    expect((await frameImage(page, 'main'))!.digest).toBe(mainFile.sha256);
    expect((await frameImage(page, 'cote'))!.digest).toBe(side.sha256);
    release();
    await waitForItem(page, mainItem);
    await waitForItem(page, 'cote-0');
    await page.clock.runFor(100);
    await expect.poll(async () => (await frameEvents(page)).sort()).toEqual(['frame cote', 'frame gone cote over cote-0', `frame gone main over ${mainItem}`, 'frame main']);
    await context.close();
  });

  it("a file whose bytes are not the playlist's is never painted (the browser checks its digest); the player skips it as before", async () => {
    const dir = makePlaylistsDir([{ id: 'accueil', items: [{ id: 'faux', type: 'image', duration: 10, ...hours }, { id: 'vrai', type: 'image', duration: 10, ...afternoon }] }], 'fresh-corrupt');
    // Another image's bytes under the first item's name: a valid picture, but not the playlist's.
    writeFileSync(join(dir, hours.src), readFileSync(join(PLAYLISTS_DIR, 'media', 'mairie-ticket.png')));
    const site = await serveWeb({ playlistsDir: dir });
    sites.push(site);
    const { context, page } = await newPlayerPage(env.browser());
    await page.addInitScript(watchFrame);
    await freezeClockAt(page, START);
    const release = await holdPlayerCode(page);
    // The fresh frame fetches the file (and refuses it) before the player's code runs.
    const fetched = page.waitForEvent('requestfinished', { predicate: (request) => request.url().endsWith(hours.src), timeout: 10_000 });
    await page.goto(site.url, { waitUntil: 'commit' });
    await fetched;
    // (The refusal, then its answer, in the page's next tasks.)
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await waitForItem(page, 'vrai');
    await page.clock.runFor(100);
    expect(await frameEvents(page)).toEqual([]);
    await context.close();
  });
});

describe("a fresh start asks for its bundle's files before the player's code runs", () => {
  /** The bundle's files a start of this page's shape reads (as paths on the site), the index first. */
  function filesOf(bundleId: string, width: number, height: number): string[] {
    const source = BundleSource.parse(JSON.parse(readFileSync(join(PLAYLISTS_DIR, 'bundles.json'), 'utf8')));
    const bundle = source.bundles.find((b) => b.id === bundleId)!;
    return ['/playlists/bundles.json', ...bundleFilesFor(bundle, width, height).map((path) => `/playlists/${path}`)];
  }

  /** Every request for a file under /playlists/ ending in .json, in order. */
  function watchBundleRequests(page: Page): string[] {
    const asked: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/playlists/') && path.endsWith('.json')) asked.push(path);
    });
    return asked;
  }

  it.each([
    ['the default bundle, landscape', '', 'mairie', 1280, 720],
    ['the default bundle on a portrait screen (its portrait layout)', '', 'mairie', 720, 1280],
    ['the bundle the page names', '?bundle=clinique&name=Accueil%20RDC', 'clinique', 1280, 720],
  ])("%s: its index, playlists, layout and power schedule, each asked once; the player plays from those answers; a warm start asks for none of them early", async (_, query, bundleId, width, height) => {
    const { context, page, errors } = await newPlayerPage(env.browser(), { width, height });
    const asked = watchBundleRequests(page);
    await freezeClockAt(page, START);
    // Neither the player's entry nor the fresh start frame's module runs: every request before is the start frame script's.
    const releaseEntry = await holdPlayerCode(page);
    const releaseFresh = await holdPlayerCode(page, /\/assets\/freshFrame-[^/]+\.js$/);
    await page.goto(`${env.site().url}${query}`, { waitUntil: 'commit' });
    const files = filesOf(bundleId, width, height);
    expect(files.length).toBeGreaterThan(2);
    await expect.poll(() => [...asked].sort(), { timeout: 10_000 }).toEqual([...files].sort());
    releaseFresh();
    releaseEntry();
    const first = expectedSequence(bundledPlaylists(bundleId), 'Europe/Paris', START, 1)[0]!;
    await waitForItem(page, first.itemId, 15_000);
    // The import took the answers: not one of them asked for again.
    expect([...asked].sort()).toEqual([...files].sort());
    await page.close();

    // A warm start (a list stored): the start frame script asks for none of them; the player's code, held, none either.
    const again = await context.newPage();
    const askedAgain = watchBundleRequests(again);
    await freezeClockAt(again, START + 3_000);
    const releaseAgain = await holdPlayerCode(again);
    await again.goto(`${env.site().url}${query}`, { waitUntil: 'commit' });
    // The start frame script has run (it hands the player what it read: window.antichambreStart).
    await expect.poll(() => again.evaluate(() => 'antichambreStart' in window), { timeout: 10_000 }).toBe(true);
    expect(askedAgain).toEqual([]);
    releaseAgain();
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a kiosk start decodes ahead from the file store', () => {
  /** In page order: each image decoded off the page (with the app://media URL it was given) and each call of the player's code on the bridge. */
  async function watchKioskStart(context: BrowserContext): Promise<void> {
    await context.addInitScript(() => {
      const events: string[] = [];
      (window as unknown as { __events: string[] }).__events = events;
      const appUrl = (el: Element) => (window as unknown as { __appMediaUrl: (el: Element) => string | null }).__appMediaUrl(el);
      const decode = HTMLImageElement.prototype.decode;
      HTMLImageElement.prototype.decode = function (this: HTMLImageElement) {
        events.push(`${this.isConnected ? 'decode on page' : 'decode ahead'} ${appUrl(this) ?? this.src}`);
        return decode.call(this);
      };
      // The bridge is set by the kiosk's init script, run before this one: each of its calls recorded.
      const bridge = (window as unknown as { antichambre: Record<string, (...args: unknown[]) => unknown> }).antichambre;
      for (const name of Object.keys(bridge)) {
        const call = bridge[name]!;
        bridge[name] = (...args: unknown[]) => {
          events.push(`bridge ${name}`);
          return call(...args);
        };
      }
    });
  }

  it('the listed images are decoded from their app://media URL before the player asks the bridge anything, and the first item shows that image', async () => {
    const media = await startMediaServer({ 'a.png': png('mairie-horaires.png'), 'b.png': png('mairie-ticket.png') });
    try {
      const files = [
        { id: 'affiche-a', name: 'a.png', sha256: bundledMedia('mairie-horaires.png').sha256 },
        { id: 'affiche-b', name: 'b.png', sha256: bundledMedia('mairie-ticket.png').sha256 },
      ];
      const site = await serveWeb({ playlistsDir: makePlaylistsDir([{ id: 'kiosque', items: files.map((f) => ({ id: f.id, type: 'image' as const, duration: 10, src: media.url('good', f.name), sha256: f.sha256 })) }], 'kiosque-r1') });
      sites.push(site);
      const { context, page, errors } = await newPlayerPage(env.browser());
      const kiosk = await kioskBridge(context, site, { appScheme: true });
      stores.push(kiosk.store);
      // The file store has both files already (a kiosk that has run before).
      kiosk.store.want(files.map((f) => ({ sha256: f.sha256, src: media.url('good', f.name), firstPlay: 0 })));
      await expect.poll(() => files.every((f) => kiosk.store.isReady(f.sha256)), { timeout: 15_000 }).toBe(true);
      await watchKioskStart(context);
      await context.addInitScript(watchFrame);

      await freezeClockAt(page, START);
      await page.goto(site.url);
      await waitForItem(page, 'affiche-a');
      await expect.poll(async () => (await storedList(page)).files).toEqual([{ zone: 'main', sha256: files[1]!.sha256, video: false, box: { x: 0, y: 0, width: 100, height: 100 } }]);
      // The rotation too (written as the item began, apart from the list): closed before it, the next start would begin at `affiche-a` again.
      await rotationsSaved(page, { main: { kiosque: 1 } });
      await page.close();

      const again = await context.newPage();
      // The page under test's own errors (those collected above are the first page's).
      const againErrors: string[] = [];
      again.on('pageerror', (error) => againErrors.push(error.message));
      await freezeClockAt(again, START + 3_000);
      const release = await holdPlayerCode(again);
      await again.goto(site.url, { waitUntil: 'commit' });
      // Painted from its app://media URL while the player's code is held back (nothing on the stage yet).
      await expect
        .poll(
          () =>
            again.evaluate(() => {
              const img = document.querySelector<HTMLImageElement>('.start-frame [data-start-frame-zone="main"] img');
              const appUrl = (window as unknown as { __appMediaUrl: (el: Element) => string | null }).__appMediaUrl;
              return img && img.complete && img.naturalWidth > 0 ? { url: appUrl(img), stage: document.getElementById('root')?.childElementCount } : null;
            }),
          { timeout: 10_000 },
        )
        .toEqual({ url: `${APP_MEDIA}/${files[1]!.sha256}`, stage: 0 });
      release();
      await waitForItem(again, 'affiche-b');
      const events = await again.evaluate(() => (window as unknown as { __events: string[] }).__events);
      const url = `${APP_MEDIA}/${files[1]!.sha256}`;
      // Decoded from its app://media URL by the entry, before the player's code first called the bridge; never decoded again on the page.
      expect(events.indexOf(`decode ahead ${url}`)).toBeGreaterThanOrEqual(0);
      expect(events.indexOf(`decode ahead ${url}`)).toBeLessThan(events.findIndex((e) => e.startsWith('bridge ')));
      expect(events).not.toContain(`decode on page ${url}`);
      // The first item shows that image: given the same URL, drawn, with the file's bytes.
      const shown = await again.evaluate(async () => {
        const img = document.querySelector<HTMLImageElement>('[data-item-id="affiche-b"]:not([data-leaving]) img')!;
        const bytes = await (await fetch(img.currentSrc)).arrayBuffer();
        const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
        return { given: (window as unknown as { __appMediaUrl: (el: Element) => string | null }).__appMediaUrl(img), drawn: img.complete && img.naturalWidth > 0, digest };
      });
      expect(shown).toEqual({ given: url, drawn: true, digest: files[1]!.sha256 });
      // Its start frame was painted (the kiosk: from the same URL) and gave way to it once it was on screen.
      await again.clock.runFor(100);
      await expect.poll(() => frameEvents(again)).toEqual(['frame main', 'frame gone main over affiche-b']);
      expect(errors).toEqual([]);
      expect(againErrors).toEqual([]);
      await context.close();
    } finally {
      await media.close();
    }
  });
});
