import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Impression } from '../../src/shared/impression.js';
import { ITEM_TIMING } from '../../src/renderer/deferredCode.js';
import { freezeClockAt, newPlayerPage, readStore, recordShownItems, shownItems, waitForItem } from '../support/browser.js';
import { bundledMedia, makePlaylistsDir } from '../support/playlistsFixture.js';
import { useBrowserAndSite } from '../support/suite.js';

/**
 * An image is shown only once decoded. Chromium's `decode()` sometimes rejects an image that
 * displays fine (under load or memory pressure); such an image must still play in its turn,
 * while a file that is truly not an image (its bytes verified all the same) is skipped.
 */

const START = Date.parse('2026-11-25T10:00:00+01:00');
const NOT_AN_IMAGE = Buffer.from('ceci n’est pas une image\n');

const { browser, site } = useBrowserAndSite({
  playlistsDir: () => {
    const dir = makePlaylistsDir(
      [
        {
          id: 'salle',
          items: [
            { id: 'horaires', type: 'image', duration: 6, ...bundledMedia('mairie-horaires.png') },
            { id: 'illisible', type: 'image', duration: 6, src: 'broken/illisible.png', sha256: createHash('sha256').update(NOT_AN_IMAGE).digest('hex') },
            { id: 'note', type: 'text', duration: 6, title: 'Prenez un ticket' },
            { id: 'en-ligne', type: 'image', duration: 6, ...bundledMedia('mairie-en-ligne.png') },
          ],
        },
      ],
      'decode-r1',
    );
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'illisible.png'), NOT_AN_IMAGE);
    return dir;
  },
});

async function playsInTurn(rejectEveryDecode: boolean): Promise<void> {
  const { context, page, errors, warnings } = await newPlayerPage(browser());
  if (rejectEveryDecode) {
    await context.addInitScript(() => {
      HTMLImageElement.prototype.decode = () => Promise.reject(new DOMException('The source image cannot be decoded.', 'EncodingError'));
    });
  }
  await recordShownItems(context);
  await freezeClockAt(page, START);
  await page.goto(site().url);

  await waitForItem(page, 'horaires');
  // The files come in real time while the page's clock stands still: all three stored before the turns
  // (an image not yet downloaded is passed over in its turn, which is not what this test is about).
  await expect.poll(async () => (await readStore<{ sha256: string }>(page, 'media')).length, { timeout: 20_000 }).toBe(3);
  for (const next of ['note', 'en-ligne', 'horaires']) {
    await page.clock.runFor(6_000);
    await waitForItem(page, next);
  }
  expect(await shownItems(page)).toEqual(['en-ligne', 'horaires', 'note']);
  // The unreadable file was downloaded and verified like any other (stored above): it is skipped for what it is.
  expect(warnings.some((w) => w.includes('salle/illisible: image not decoded'))).toBe(true);
  await expect.poll(async () => (await readStore<Impression>(page, 'outbox')).map((i) => i.itemId)).toEqual(['horaires', 'note', 'en-ligne']);
  expect(errors).toEqual([]);
  await context.close();
}

describe('images on screen', () => {
  it('skips a file that is not an image and plays the others in turn', async () => {
    await playsInTurn(false);
  });

  it('plays images in turn even when the browser rejects every decode() of them', async () => {
    await playsInTurn(true);
  });

  it('reports the first image item painted on screen by element timing, and marks no image prepared off screen (the start-up bench times the first)', async () => {
    const { context, page, errors } = await newPlayerPage(browser());
    await freezeClockAt(page, START);
    await page.goto(site().url);
    // How many images were painted with the item timing's identifier. (Items after the first fade in from
    // transparent, which element timing does not report: the bench uses only the first.)
    const painted = () =>
      page.evaluate(
        (identifier) =>
          new Promise<number>((resolve) => {
            const observer = new PerformanceObserver((list) => {
              observer.disconnect();
              resolve(list.getEntries().filter((e) => (e as PerformanceEntry & { identifier: string }).identifier === identifier).length);
            });
            observer.observe({ type: 'element', buffered: true });
            setTimeout(() => resolve(0), 2_000);
          }),
        ITEM_TIMING,
      );
    await waitForItem(page, 'horaires');
    await expect.poll(painted).toBe(1);
    // Showing the text item, with en-ligne's image prepared off screen (its slot there): still one painted.
    await page.clock.runFor(6_000);
    await waitForItem(page, 'note');
    await expect.poll(() => page.locator('.slot[data-preload] img').count()).toBe(1);
    expect(await page.locator('.slot[data-preload] img').getAttribute('elementtiming')).toBeNull();
    expect(await painted()).toBe(1);
    expect(await page.locator('.slot-current').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
