import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parseWith } from '../../src/shared/validationError.js';
import { Playlist } from '../../src/shared/playlist.js';
import { newPlayerPage, waitForItem } from '../support/browser.js';
import { useBrowserAndSite } from '../support/suite.js';

/**
 * §1 `qr`: the town hall's "en ligne" poster carries a QR code to the passport pre-application.
 * Read back from a screenshot of the real player (a maintained decoder), landscape and portrait,
 * it is the URL; it sits in a band of its own (nothing of the image under it) and is drawn at a
 * size that scans from 2 m.
 */

const { browser, site } = useBrowserAndSite();
const URL_OF_ITEM = 'https://ants.gouv.fr/';

describe('QR codes on items', () => {
  for (const size of [
    { width: 1920, height: 1080 },
    { width: 1080, height: 1920 },
  ]) {
    it(`decodes from a screenshot of the player at ${size.width}×${size.height}, beside the image, not over it`, async () => {
      const { context, page } = await newPlayerPage(browser(), size);
      // The page's clock, so the items before it are skipped, not waited for.
      await page.clock.install();
      await page.goto(site().url);
      await waitForItem(page, 'horaires', 30_000);
      // Other sets' items come between (the counters' ticket item): run the page's clock item by item until it is on.
      for (let step = 0; step < 60 && !(await page.$('[data-zone="main"] [data-item-id="en-ligne"]:not([data-leaving])')); step++) await page.clock.runFor(2_000);
      await waitForItem(page, 'en-ligne', 10_000);
      const item = page.locator('[data-zone="main"] [data-item-id="en-ligne"]').first();
      await expect.poll(() => item.locator('.qr-code').count(), { timeout: 10_000 }).toBe(1);
      // Read once the cross-fade is over: half faded in, over the item before, no decoder would read it (nor a phone).
      await expect.poll(() => page.locator('[data-zone="main"] [data-leaving]').count(), { timeout: 10_000 }).toBe(0);
      await expect.poll(() => item.evaluate((node) => getComputedStyle(node).opacity), { timeout: 10_000 }).toBe('1');
      const panel = await item.locator('.qr-panel').boundingBox();
      const image = await item.locator('img').boundingBox();
      const code = await item.locator('.qr-code').boundingBox();
      expect(panel && image && code).toBeTruthy();
      // No overlap between the image's box and the code's band.
      const overlapX = Math.min(image!.x + image!.width, panel!.x + panel!.width) - Math.max(image!.x, panel!.x);
      const overlapY = Math.min(image!.y + image!.height, panel!.y + panel!.height) - Math.max(image!.y, panel!.y);
      expect(overlapX <= 0.5 || overlapY <= 0.5).toBe(true);
      // At least 16 % of the screen's short side: 17 cm on a 55-inch screen, which scans from 1.7 m at the usual 10:1, 2 m and more at 1080p on smaller zones' 33 %.
      expect(Math.min(code!.width, code!.height)).toBeGreaterThanOrEqual(0.16 * Math.min(size.width, size.height));
      const decodeScreen = async (): Promise<string | undefined> => {
        const shot = PNG.sync.read(await page.screenshot());
        return jsQR(new Uint8ClampedArray(shot.data.buffer, shot.data.byteOffset, shot.data.length), shot.width, shot.height)?.data;
      };
      expect(await decodeScreen()).toBe(URL_OF_ITEM);
      expect(await item.locator('.qr-label').textContent()).toBe('Pré-demande de passeport en ligne');
      await context.close();
    });
  }

  it('refuses a QR code that does not lead to https, naming the field', () => {
    const item = { id: 'x', type: 'text', duration: 5, title: 'T', qr: { url: 'http://example.org/' } };
    expect(parseWith(Playlist, { id: 'p', items: [item] })).toEqual({ ok: false, error: 'items[0].qr.url: expected an https URL (a QR code on a public screen only leads to https)' });
    expect(parseWith(Playlist, { id: 'p', items: [{ ...item, qr: { url: 'javascript:alert(1)' } }] }).ok).toBe(false);
  });
});
