import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { freezeClockAt, newPlayerPage, onScreen, waitForItem } from '../support/browser.js';
import { useBrowserAndSite } from '../support/suite.js';
import { bundledPlaylists, expectedSequence } from '../support/bundled.js';
import { START_MEDIA_KEY } from '../../src/shared/startMedia.js';

// Wednesday 25 November 2026, 10:00 in Paris: the office-hours playlist is on.
const START = Date.parse('2026-11-25T10:00:00+01:00');

const env = useBrowserAndSite();

const playlists = bundledPlaylists('mairie');
const expected = expectedSequence(playlists, 'Europe/Paris', START, 2);

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

/** The image on screen: whether it was read ahead, whether it was decoded again on the page before showing, the sha256 of its bytes, and the URLs read ahead and given back. */
async function shownImage(page: Page): Promise<{ readAhead: boolean; decodedOnPage: boolean; digest: string; givenBack: string[]; drawn: boolean }> {
  return page.evaluate(async () => {
    const watched = (window as unknown as { __watched: Watched }).__watched;
    const img = document.querySelector<HTMLImageElement>('[data-zone="main"] [data-item-id]:not([data-leaving]) img');
    if (!img) throw new Error('no image on screen');
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
  });
}

/** A first start shows expected[0] and prepares expected[1]; the page closes mid-item. Returns the context, to start again in. */
async function firstStart(): Promise<{ context: Awaited<ReturnType<typeof newPlayerPage>>['context']; page: Page }> {
  const { context, page } = await newPlayerPage(env.browser());
  await freezeClockAt(page, START);
  await page.goto(env.site().url);
  await waitForItem(page, expected[0]!.itemId);
  // A start from now on would show the item after it (the rotation is saved): its file is kept for that start.
  await expect
    .poll(() => page.evaluate((key) => localStorage.getItem(key), START_MEDIA_KEY))
    .toBe(JSON.stringify([{ zone: 'main', sha256: fileOf(expected[1]!), video: false }]));
  return { context, page };
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
    await page.evaluate(([key, sha]) => localStorage.setItem(key!, JSON.stringify([{ zone: 'main', sha256: sha, video: false }])), [START_MEDIA_KEY, fileOf(expected[0]!)]);
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
    await page.evaluate(([key, sha]) => localStorage.setItem(key!, JSON.stringify([{ zone: 'main', sha256: sha, video: 'non' }])), [START_MEDIA_KEY, fileOf(expected[1]!)]);
    await page.close();
    const again = await startAgain(context);
    expect(await shownImage(again)).toEqual({ readAhead: false, decodedOnPage: true, digest: fileOf(expected[1]!), givenBack: [], drawn: true });
    await context.close();
  });
});
