import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { screenshotAgainstPage } from '../support/pictureDifference.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io';
import type { QueueEvent, WaitEstimate } from '../../src/shared/queue.js';
import { newPlayerPage, readStore, waitForItem, type PlayerPage } from '../support/browser.js';
import { startMediaServer, type MediaServer } from '../support/mediaServer.js';
import { playerUrl } from '../support/hubSuite.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { pushSet, startStandInHub, type StandInHub } from '../support/standInHub.js';
import { useBrowserAndSite } from '../support/suite.js';
import { PLAYLISTS_DIR } from '../support/bundled.js';

/**
 * The player against a hub that answers `hello` and `wait` and leaves `impressions` unanswered
 * (a conformance harness that looks only at estimates): the estimates of §4 still come after each
 * `queue` message, and what §5 shows is on the page once, as a test outside the project finds it
 * (Playwright's locators are strict: two matches are an error).
 */

const { browser, site } = useBrowserAndSite({
  playlistsDir: () => makePlaylistsDir([{ id: 'salle', items: [{ id: 'un', type: 'text', duration: 1, title: 'Un' }] }], 'quiet-r1'),
});
let hub: StandInHub;
let media: MediaServer;
const film = new Uint8Array(2_000_000).map((_, i) => (i * 7919) & 0xff);
const poster = readFileSync(join(PLAYLISTS_DIR, 'media', 'mairie-horaires.png'));
// A bundled clip: a green title and a green bar on dark blue, which nothing else on the page has.
const clip = readFileSync(join(PLAYLISTS_DIR, 'media', 'hygiene-mains.webm'));
beforeAll(async () => {
  hub = await startStandInHub({ answers: { wait: () => ({ ok: true }) } });
  media = await startMediaServer({ film: { bytes: film, type: 'video/webm' }, poster: { bytes: poster, type: 'image/png' }, clip: { bytes: clip, type: 'video/webm' } });
});
afterAll(async () => {
  await hub?.close();
  await media?.close();
});


/** A player page on this stand-in hub as `screenId`, and the screen's socket once it said hello. */
async function openScreen(screenId: string, viewport: { width?: number; height?: number } = {}): Promise<PlayerPage & { screen: Socket }> {
  const opened = await newPlayerPage(browser(), viewport);
  await opened.page.goto(playerUrl(site().url, hub.url, screenId, 'token'));
  return { ...opened, screen: await hub.screen(screenId) };
}

/** The elements `selector` finds, read `times` times over the item's loops. */
async function countsOver(page: Page, selector: string, times: number): Promise<number[]> {
  const counts: number[] = [];
  for (let k = 0; k < times; k++) {
    counts.push(await page.locator(selector).count());
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return counts;
}

describe('against a hub that answers hello and wait only', () => {
  it("sends each queue message's estimates though its impressions go unanswered, and shows one board and one text, never a hidden second, and nothing over the idle screen", async () => {
    const { page, errors, screen } = await openScreen('calme-1');
    // A set of one playlist of one `wait` item: the item that follows it is itself.
    const board = { revision: 'calme-r1', playlists: [{ id: 'file', items: [{ id: 'tableau', type: 'wait', duration: 1, service: 'etat-civil' }] }] };
    expect(await pushSet(screen, board, 5_000)).toEqual({ ok: true });
    await waitForItem(page, 'tableau');
    // Its showings are impressions the hub leaves unanswered: the player is waiting for their ack (10 s) by now.
    await expect.poll(() => hub.received('calme-1', 'impressions').length, { timeout: 10_000 }).toBeGreaterThan(0);

    const morning = Date.now() - 30 * 60_000;
    const at = (minutes: number) => new Date(morning + minutes * 60_000).toISOString();
    const events: QueueEvent[] = [
      { type: 'counter', counter: '1', open: true, services: ['etat-civil'], at: at(0) },
      ...Array.from({ length: 6 }, (_, k): QueueEvent => ({ type: 'issued', ticket: `A${k + 1}`, service: 'etat-civil', at: at(k) })),
      { type: 'called', ticket: 'A1', counter: '1', at: at(8) },
      { type: 'called', ticket: 'A2', counter: '1', at: at(16) },
      { type: 'issued', ticket: 'A7', service: 'etat-civil', at: at(20) },
    ];
    const sentAt = Date.now();
    expect(await screen.timeout(5_000).emitWithAck('queue', { events })).toEqual({ ok: true });
    // §4: one estimate for the service, as of the message's latest event, without waiting for the impressions' ack.
    await expect.poll(() => hub.received('calme-1', 'wait').length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(Date.now() - sentAt).toBeLessThan(9_000);
    const estimates = (hub.received('calme-1', 'wait') as { estimates: WaitEstimate[] }[]).flatMap((message) => message.estimates);
    expect(estimates).toContainEqual(expect.objectContaining({ service: 'etat-civil', asOf: at(20) }));

    // §5: the service's board, once, with its minutes, over several loops of the item.
    await expect.poll(() => page.locator('[data-service="etat-civil"]').getAttribute('data-wait-minutes'), { timeout: 5_000 }).toMatch(/^\d+(\.\d+)?$/);
    expect(await countsOver(page, '[data-service="etat-civil"]', 10)).toEqual(Array(10).fill(1));

    // A set of one text item: its title is on the page once (the item fading out, marked `data-leaving`, aside).
    const text = { revision: 'calme-r2', playlists: [{ id: 'rappel', items: [{ id: 'pieces', type: 'text', duration: 1, title: 'Pensez à vos pièces justificatives' }] }] };
    expect(await pushSet(screen, text, 5_000)).toEqual({ ok: true });
    await waitForItem(page, 'pieces');
    expect(await countsOver(page, '.slot:not([data-leaving]) .text-title:has-text("Pensez à vos pièces justificatives")', 10)).toEqual(Array(10).fill(1));

    // An empty set: the idle screen, and no item left on the page over it (nothing comes in to cover the last one as it fades).
    expect(await pushSet(screen, { revision: 'calme-r3', playlists: [] }, 5_000)).toEqual({ ok: true });
    await page.waitForSelector('[data-idle]', { timeout: 5_000 });
    expect(await page.locator('[data-item-id]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("a screenshot asked of the web player is its page as Chromium paints it: an image item with its QR code, fitted to the window; a video at its current frame", async () => {
    const { page, errors, screen } = await openScreen('calme-3', { width: 960, height: 540 });
    const sha256 = createHash('sha256').update(poster).digest('hex');
    const set = { revision: 'calme-shot', playlists: [{ id: 'p', items: [{ id: 'affiche', type: 'image', duration: 600, src: media.url('good', 'poster'), sha256, qr: { url: 'https://www.service-public.fr/', label: 'Démarches en ligne' } }] }] };
    expect(await pushSet(screen, set, 5_000)).toEqual({ ok: true });
    await waitForItem(page, 'affiche', 15_000);
    await expect.poll(() => page.locator('[data-leaving], .start-frame').count(), { timeout: 5_000 }).toBe(0);
    const answer = (await screen.timeout(10_000).emitWithAck('command', { id: 'c1', type: 'screenshot' })) as { ok: boolean; data?: { png?: string } };
    expect(answer.ok).toBe(true);
    const drawn = PNG.sync.read(Buffer.from(answer.data!.png!, 'base64'));
    const seen = PNG.sync.read(await page.screenshot());
    expect([drawn.width, drawn.height]).toEqual([960, 540]);
    const { off, blank } = screenshotAgainstPage(drawn, seen);
    console.log(`screenshot of an image item against the page as Chromium paints it: ${off.toFixed(2)} of 255 (a blank picture: ${blank.toFixed(2)})`);
    expect(off).toBeLessThan(blank / 10);

    // A video playing: drawn at its current frame (the clip's green is in the picture, as on the page).
    const film = { revision: 'calme-shot-film', playlists: [{ id: 'f', items: [{ id: 'film', type: 'video', src: media.url('good', 'clip'), sha256: createHash('sha256').update(clip).digest('hex') }] }] };
    expect(await pushSet(screen, film, 5_000)).toEqual({ ok: true });
    await waitForItem(page, 'film', 15_000);
    await expect.poll(() => page.locator('[data-leaving]').count(), { timeout: 5_000 }).toBe(0);
    const [filmAnswer, filmSeen] = await Promise.all([screen.timeout(10_000).emitWithAck('command', { id: 'c2', type: 'screenshot' }) as Promise<{ ok: boolean; data?: { png?: string } }>, page.screenshot()]);
    expect(filmAnswer.ok).toBe(true);
    const green = (picture: PNG): number => {
      let n = 0;
      for (let k = 0; k < picture.data.length; k += 4) if (picture.data[k + 1]! > 180 && picture.data[k]! < 160 && picture.data[k + 2]! > 110 && picture.data[k + 2]! < 200) n++;
      return n / (picture.width * picture.height);
    };
    const filmDrawn = PNG.sync.read(Buffer.from(filmAnswer.data!.png!, 'base64'));
    console.log(`screenshot of a video: ${(green(filmDrawn) * 100).toFixed(1)} % of its pixels the clip's green (the page: ${(green(PNG.sync.read(filmSeen)) * 100).toFixed(1)} %)`);
    expect(green(PNG.sync.read(filmSeen))).toBeGreaterThan(0.01);
    expect(green(filmDrawn)).toBeGreaterThan(green(PNG.sync.read(filmSeen)) / 2);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('a push undone before its files came: the set waiting is dropped, the current one plays on, and the next hello says so', async () => {
    const opened = await openScreen('calme-2');
    const { page, errors } = opened;
    let screen = opened.screen;
    const first = { revision: 'calme-a', playlists: [{ id: 'a', items: [{ id: 'premier', type: 'text', duration: 2, title: 'Premier' }] }] };
    expect(await pushSet(screen, first, 5_000)).toEqual({ ok: true });
    await waitForItem(page, 'premier');
    const sets = async () => (await readStore<{ key: string; revision: string }>(page, 'sets')).map((set) => `${set.key}:${set.revision}`).sort();
    await expect.poll(sets).toEqual(['current:calme-a']);
    // A set whose file comes slowly (about 12 s) waits as pending; then the hub sends the current one again.
    const sha256 = createHash('sha256').update(film).digest('hex');
    const second = { revision: 'calme-b', playlists: [{ id: 'b', items: [{ id: 'film', type: 'video', src: media.url('slow', 'film'), sha256 }] }] };
    expect(await pushSet(screen, second, 5_000)).toEqual({ ok: true });
    expect(await sets()).toEqual(['current:calme-a', 'pending:calme-b']);
    expect(await pushSet(screen, first, 5_000)).toEqual({ ok: true });
    expect(await sets()).toEqual(['current:calme-a']);
    // At its next hello (the hub closed the connection), the screen reports the set the hub wants.
    screen.disconnect(true);
    screen = await hub.screen('calme-2');
    expect((hub.received('calme-2', 'hello').at(-1) as { revision: string | null }).revision).toBe('calme-a');
    expect(await sets()).toEqual(['current:calme-a']);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
