import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freezeClockAt, newPlayerPage, onScreen, waitForItem } from '../support/browser.js';
import { useBrowserAndSite } from '../support/suite.js';

const SHOTS = resolve(import.meta.dirname, '../../test-results');
mkdirSync(SHOTS, { recursive: true });
// Sunday 29 November 2026, 10:00 in Paris: only the always-on playlists play.
const SUNDAY = Date.parse('2026-11-29T10:00:00+01:00');

const env = useBrowserAndSite();

describe('video with captions', () => {
  it('plays the clinic video muted, with its French captions shown large', async () => {
    const { context, page, errors } = await newPlayerPage(env.browser());
    await page.clock.install({ time: SUNDAY });
    await page.goto(`${env.site().url}?bundle=clinique`);
    await waitForItem(page, 'hygiene-mains');
    const captions = page.locator('[data-item-id="hygiene-mains"] [data-captions]');
    await captions.waitFor({ timeout: 10_000 });
    expect(await captions.getAttribute('lang')).toBe('fr');
    expect(await captions.textContent()).toContain('Mouillez vos mains');
    const video = await page.evaluate(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-item-id="hygiene-mains"] video')!;
      return { muted: v.muted, paused: v.paused, track: v.textTracks[0]?.language, fontPx: parseFloat(getComputedStyle(document.querySelector('[data-captions] span')!).fontSize) };
    });
    expect(video).toMatchObject({ muted: true, paused: false, track: 'fr' });
    expect(video.fontPx).toBeGreaterThanOrEqual(30); // readable from the back of the room at 720p
    await page.screenshot({ path: resolve(SHOTS, 'captions-1280x720.png') });
    // The next caption follows the video.
    await page.waitForFunction(() => document.querySelector('[data-captions]')?.textContent?.includes('Savonnez'), null, { timeout: 10_000 });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('layout', () => {
  for (const [width, height] of [
    [1920, 1080],
    [3840, 2160],
    [1080, 1920],
  ] as const) {
    it(`fills a ${width}x${height} screen with images and text that fit`, async () => {
      const { context, page } = await newPlayerPage(env.browser(), { width, height });
      await freezeClockAt(page, SUNDAY);
      await page.goto(env.site().url);
      await waitForItem(page, 'horaires');
      // The town hall's layout (§6) gives the carousel the zone main: the item fills that zone.
      const zone = await page.locator('[data-zone="main"]').boundingBox();
      expect(zone!.width * zone!.height).toBeGreaterThan(0.5 * width * height);
      const box = await page.locator('[data-item-id="horaires"]').boundingBox();
      expect(box).toEqual(zone);
      const img = await page.evaluate(() => {
        const el = document.querySelector<HTMLImageElement>('[data-item-id="horaires"] img')!;
        const r = el.getBoundingClientRect();
        return { complete: el.complete, natural: el.naturalWidth, w: r.width, h: r.height };
      });
      expect(img.complete && img.natural > 0).toBe(true);
      expect(img.w).toBeLessThanOrEqual(zone!.width);
      expect(img.h).toBeLessThanOrEqual(zone!.height);
      await page.waitForFunction(() => getComputedStyle(document.querySelector('[data-item-id="horaires"]')!).opacity === '1');
      await page.screenshot({ path: resolve(SHOTS, `image-${width}x${height}.png`) });

      // On to the text slide: its words fit on the screen at this size.
      await page.clock.runFor(24_000);
      await waitForItem(page, 'bienvenue');
      await page.waitForFunction(() => document.querySelectorAll('[data-zone="main"] [data-leaving]').length === 0);
      const text = await page.evaluate(() => {
        const slide = document.querySelector<HTMLElement>('[data-item-id="bienvenue"] .text-slide')!;
        const title = slide.querySelector<HTMLElement>('.text-title')!;
        return { overflow: slide.scrollHeight > slide.clientHeight || slide.scrollWidth > slide.clientWidth, titlePx: parseFloat(getComputedStyle(title).fontSize) };
      });
      expect(text.overflow).toBe(false);
      expect(text.titlePx).toBeGreaterThanOrEqual(height >= 2000 || width >= 2000 ? 80 : 60);
      await page.screenshot({ path: resolve(SHOTS, `text-${width}x${height}.png`) });
      expect(await onScreen(page)).toEqual({ playlistId: 'mairie-accueil', itemId: 'bienvenue' });
      await context.close();
    });
  }
});
