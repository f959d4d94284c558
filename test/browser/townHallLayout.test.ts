import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueEvent } from '../../src/shared/queue.js';
import { newPlayerPage, onScreen, waitForItem } from '../support/browser.js';
import { playerUrl } from '../support/hubSuite.js';
import { startStandInHub, type StandInHub } from '../support/standInHub.js';
import { useBrowserAndSite } from '../support/suite.js';
import { layoutProblems } from '../support/zoneFit.js';

/**
 * The bundled town hall layout (carousel, queue zone, ticker) at the screen sizes of a waiting
 * room: nothing leaves its zone (measured from the DOM: every element and every line of text
 * inside its zone's box), and every text is at least the README's legibility minimum for 4 m:
 * capital height ≥ 0.5 % of the viewing distance (20 mm) on a 55-inch screen, whose short side
 * is 685 mm, so 20 / 685 of the screen's short side in pixels.
 */

const SHOTS = resolve(import.meta.dirname, '../../test-results/town-hall-layout');
// Wednesday 25 November 2026, 10:00 in Paris: office hours, the counters' playlist is on.
const START = Date.parse('2026-11-25T10:00:00+01:00');
const SCREEN_SHORT_SIDE_MM = 685;
const MIN_CAP_MM = 20;

const env = useBrowserAndSite();
let hub: StandInHub;
beforeAll(async () => {
  hub = await startStandInHub();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await hub?.close();
});

function queueMorning(now: number): QueueEvent[] {
  const at = (minAgo: number) => new Date(now - minAgo * 60_000).toISOString();
  return [
    { type: 'counter', counter: '1', open: true, services: ['etat-civil'], at: at(40) },
    { type: 'counter', counter: '2', open: true, services: ['etat-civil'], at: at(40) },
    { type: 'counter', counter: '3', open: false, services: ['titres'], at: at(40) },
    ...Array.from({ length: 14 }, (_, k): QueueEvent => ({ type: 'issued', ticket: `A${String(30 + k).padStart(3, '0')}`, service: 'etat-civil', at: at(35 - 2 * k) })),
    ...[0, 1, 2, 3].map((k): QueueEvent => ({ type: 'called', ticket: `A${String(30 + k).padStart(3, '0')}`, counter: k % 2 ? '2' : '1', at: at(20 - 4 * k) })),
  ];
}

describe('the town hall layout', () => {
  for (const [width, height] of [
    [1920, 1080],
    [3840, 2160],
    [1080, 1920],
  ] as const) {
    it(`at ${width}x${height}: nothing leaves its zone, every text legible from 4 m`, async () => {
      const minCapPx = (Math.min(width, height) * MIN_CAP_MM) / SCREEN_SHORT_SIDE_MM;
      const { context, page, errors } = await newPlayerPage(env.browser(), { width, height });
      // Page time starts at START and flows (the socket and IndexedDB need their timers); the test moves it on with runFor.
      await page.clock.install({ time: START });
      const screenId = `mairie-${width}x${height}`;
      await page.goto(playerUrl(env.site().url, hub.url, screenId, 'token'));
      // The bundle is in (its files copied into IndexedDB): the zones are up.
      await page.waitForSelector('[data-zone="bandeau"] .ticker-line', { timeout: 20_000 });
      const opened = await page.evaluate(() => Date.now());
      expect(await (await hub.screen(screenId)).timeout(30_000).emitWithAck('queue', { events: queueMorning(opened) })).toEqual({ ok: true });
      // Landscape or portrait, the bundle's layout for the screen's shape: the same three zones.
      await page.waitForSelector('[data-zone="bandeau"] .ticker-line', { timeout: 15_000 });
      expect(await page.locator('[data-zone]').evaluateAll((els) => els.map((el) => el.getAttribute('data-zone')))).toEqual(['main', 'file', 'bandeau']);
      const file = (await page.locator('[data-zone="file"]').boundingBox())!;
      if (height > width) expect(file.width).toBe(width);
      else expect(file.width).toBeCloseTo(width * 0.3, 0);
      await page.waitForSelector('[data-zone="file"] [data-service="etat-civil"][data-wait-minutes]');
      expect(await page.textContent('[data-zone="file"] [data-service="titres"] .queue-range')).toBe('Service fermé');
      // The services as the layout names them (`serviceNames`), not their ids.
      expect(await page.locator('[data-zone="file"] .queue-waits > .queue-heading').allTextContents()).toEqual(['Attente estimée']);
    expect(await page.locator('[data-zone="file"] .queue-wait .queue-service-name').allTextContents()).toEqual(['État civil', 'Pièces d’identité']);

      const first = await layoutProblems(page, minCapPx);
      expect(first.problems).toEqual([]);

      // An info alert: a band over the content, at the top. The queue zone gives up what the band
      // covers instead of going under it: its heading and the ticket just called stay in sight,
      // still inside the zone and legible (a first run saw the band hide both, 2026-12-05).
      const until = new Date((await page.evaluate(() => Date.now())) + 3_600_000).toISOString();
      const info = { id: 'titres-16h', level: 'info', text: 'Le service des titres ferme exceptionnellement à 16 h aujourd’hui.', until };
      expect(await (await hub.screen(screenId)).timeout(10_000).emitWithAck('alert', info)).toEqual({ ok: true });
      await page.waitForSelector('[data-alert-id="titres-16h"]');
      const covered = async () =>
        page.evaluate(() => {
          const band = document.querySelector('[data-alert-id="titres-16h"]')!.getBoundingClientRect();
          const under = [...document.querySelectorAll('[data-zone="file"] .queue-heading, [data-zone="file"] .queue-call, [data-zone="file"] [data-service]')].filter((el) => {
            const r = el.getBoundingClientRect();
            return r.top < band.bottom && r.bottom > band.top && r.left < band.right && r.right > band.left;
          });
          return { under: under.map((el) => el.textContent), calls: document.querySelectorAll('[data-zone="file"] .queue-call').length };
        });
      await expect.poll(async () => (await covered()).under).toEqual([]);
      expect((await covered()).calls).toBeGreaterThan(0);
      const withBand = await layoutProblems(page, minCapPx);
      expect(withBand.problems).toEqual([]);
      // The band's own words, its label too, legible from 4 m (capitals are 0.67 em in Atkinson Hyperlegible).
      const bandFonts = await page.$$eval('[data-alert-id="titres-16h"] .alert-title, [data-alert-id="titres-16h"] .alert-text', (els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize)));
      expect(bandFonts).toHaveLength(2);
      expect(Math.min(...bandFonts) * 0.67).toBeGreaterThanOrEqual(minCapPx);
      await page.screenshot({ path: resolve(SHOTS, `info-${width}x${height}.png`) });
      expect(await (await hub.screen(screenId)).timeout(10_000).emitWithAck('alert:clear', { id: 'titres-16h' })).toEqual({ ok: true });
      await page.waitForFunction(() => !document.querySelector('[data-alert-id]'));

      // A call now: the banner over every zone, inside the screen, its text legible.
      const now = await page.evaluate(() => Date.now());
      expect(await (await hub.screen(screenId)).timeout(10_000).emitWithAck('queue', { events: [{ type: 'called', ticket: 'A034', counter: '2', at: new Date(now).toISOString() }] })).toEqual({ ok: true });
      await page.waitForSelector('.call-banner[data-call-ticket="A034"]');
      await page.waitForFunction(() => getComputedStyle(document.querySelector('.call-banner')!).opacity === '1');
      const banner = await page.evaluate((minCapPx) => {
        const el = document.querySelector('.call-banner')!;
        const r = el.getBoundingClientRect();
        const fonts = [...el.querySelectorAll<HTMLElement>('div')].map((d) => parseFloat(getComputedStyle(d).fontSize));
        return { inside: r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight, smallestFontPx: Math.min(...fonts), minFontPx: minCapPx / 0.7 };
      }, minCapPx);
      expect(banner.inside).toBe(true);
      expect(banner.smallestFontPx).toBeGreaterThanOrEqual(banner.minFontPx);
      await page.screenshot({ path: resolve(SHOTS, `call-${width}x${height}.png`) });
      await page.clock.runFor(9_000);
      await page.waitForFunction(() => !document.querySelector('.call-banner'));
      // Then on to the text slide (page time jumps: the socket may reconnect, so the call was sent before).
      for (let k = 0; k < 30 && (await onScreen(page))?.toString() !== 'idle'; k++) {
        const shown = await onScreen(page);
        if (shown && shown !== 'idle' && shown.itemId === 'bienvenue') break;
        await page.clock.runFor(4_000);
      }
      await waitForItem(page, 'bienvenue');
      await page.waitForFunction(() => document.querySelectorAll('[data-zone="main"] [data-leaving]').length === 0);
      const onText = await layoutProblems(page, minCapPx);
      await page.screenshot({ path: resolve(SHOTS, `text-${width}x${height}.png`) });
      expect(onText.problems).toEqual([]);
      expect(onText.texts).toBeGreaterThan(8);

      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  }
});
