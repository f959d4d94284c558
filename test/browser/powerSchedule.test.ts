import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Impression } from '../../src/shared/impression.js';
import type { PowerStatus } from '../../src/shared/powerSchedule.js';
import { StatusMessage } from '../../src/shared/protocol.js';
import { NO_START_MEDIA, parseStartMedia, START_MEDIA_KEY } from '../../src/shared/startMedia.js';
import { freezeClockAt, newPlayerPage, onScreen, readStore, waitForItem } from '../support/browser.js';
import { playerUrl, WELCOME_BUNDLE } from '../support/hubSuite.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { startStandInHub, type StandInHub } from '../support/standInHub.js';
import { useBrowserAndSite } from '../support/suite.js';

/**
 * Screens asleep when the building is closed, in the web player (real Chromium, page clock): a
 * stand-in hub sends a set with a power schedule; the screen goes black at closing, comes back at
 * opening, and an urgent alert wakes it in the night. The page alone can only go black: `black`.
 */

const { browser, site } = useBrowserAndSite({ playlistsDir: () => makePlaylistsDir(WELCOME_BUNDLE, 'bundle-r1') });
let hub: StandInHub;
beforeAll(async () => {
  // An hour without a pong before the player gives up: the page clock moves by minutes at a time here.
  hub = await startStandInHub({ pingTimeoutMs: 3_600_000 });
});
afterAll(async () => {
  await hub?.close();
});

const TUESDAY_1729 = Date.parse('2026-12-01T17:29:00+01:00');
const CLOSING = Date.parse('2026-12-01T17:30:00+01:00');
const OPENING = Date.parse('2026-12-02T08:30:00+01:00');

/** The black cover: its state, whether it covers the viewport in pure black, and where its dim line is. */
async function sleepCover(page: Page): Promise<{ state: string | null; black: boolean; line: { x: number; y: number; color: string } | null } | null> {
  return page.evaluate(() => {
    const cover = document.querySelector('[data-power]');
    if (!cover) return null;
    const box = cover.getBoundingClientRect();
    const style = getComputedStyle(cover);
    const line = cover.firstElementChild?.getBoundingClientRect();
    return {
      state: cover.getAttribute('data-power'),
      black: style.backgroundColor === 'rgb(0, 0, 0)' && box.width >= window.innerWidth && box.height >= window.innerHeight && document.elementFromPoint(5, 5) === cover,
      line: line && cover.firstElementChild ? { x: Math.round(line.x), y: Math.round(line.y), color: getComputedStyle(cover.firstElementChild).color } : null,
    };
  });
}

/** Until when the next start may paint its start frame, as the player keeps it for that start (startFrame.ts): the stored value itself. */
async function paintUntil(page: Page): Promise<unknown> {
  const text = await page.evaluate((key) => localStorage.getItem(key), START_MEDIA_KEY);
  // A list the start would read (parsed as it parses it), and the value as written.
  expect(parseStartMedia(text)).not.toBe(NO_START_MEDIA);
  return (JSON.parse(text ?? 'null') as { paintUntil?: unknown } | null)?.paintUntil;
}

/** The screen's connection now: moves the page clock a second at a time until the player has reconnected (its backoff runs on the page clock). */
async function liveScreen(page: Page): Promise<Socket> {
  for (let k = 0; k < 60; k++) {
    const socket = await Promise.race([hub.screen('veille-1'), new Promise<null>((resolve) => setTimeout(() => resolve(null), 200))]);
    if (socket?.connected) return socket;
    await page.clock.runFor(1_000);
  }
  throw new Error('the player did not reconnect to the stand-in hub');
}

/**
 * Sends an acked event to the screen's live connection, again on a new one if it went unanswered: the
 * connection the hub still held after the clock jump can be one the player is just closing (its first
 * send after the jump finds its heartbeat expired; once in CI the alert went out on it, unanswered).
 * The hub does the same (screenChannel.ts: an unanswered alert is sent again at the next hello); the alert
 * has an id: received twice, it is shown once.
 */
async function sendToLiveScreen(page: Page, event: string, payload: unknown): Promise<unknown> {
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const socket = await liveScreen(page);
    try {
      return await socket.timeout(10_000).emitWithAck(event, payload);
    } catch (error) {
      lastError = error;
      await page.clock.runFor(1_000);
    }
  }
  throw new Error(`the screen never answered ${event}: ${String(lastError)}`);
}

/**
 * Waits until the hub has heard the display's state. After the page clock jumped by hours, socket.io
 * finds its heartbeat expired (it reads Date.now()) and reconnects, on the page clock: moved a second
 * at a time until the status of the new connection arrives.
 */
async function reported(page: Page, lastPower: () => PowerStatus | undefined, state: string): Promise<PowerStatus> {
  for (let k = 0; k < 60; k++) {
    const power = lastPower();
    if (power?.state === state) return power;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await page.clock.runFor(1_000);
  }
  throw new Error(`the hub never heard the display ${state}; last: ${JSON.stringify(lastPower())}`);
}

describe('the web player asleep when the building is closed (page clock)', () => {
  it('goes black at closing, wakes for an urgent alert, sleeps again after it, and comes back at opening', async () => {
    const { context, page, errors, warnings } = await newPlayerPage(browser(), { timezoneId: 'Europe/Paris' });
    await freezeClockAt(page, TUESDAY_1729);
    await page.goto(playerUrl(site().url, hub.url, 'veille-1', 'jeton'));
    const screen = await hub.screen('veille-1');
    // Statuses across reconnections (socket.io reconnects after the page clock jumped by hours).
    const lastPower = () => hub.received('veille-1', 'status').map((status) => StatusMessage.parse(status).power).at(-1);
    const set = {
      revision: 'r-horaires',
      playlists: [{ id: 'accueil', items: [{ id: 'horaires', type: 'text', duration: 20, title: 'Ouvert du lundi au vendredi, 8 h 30 – 17 h 30' }] }],
      power: { open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '17:30' }] }] },
    };
    // Once in 22 CI runs (load average 7) this first push got no answer in 10 s: say what the page and the socket were doing.
    const answer = await screen
      .timeout(10_000)
      .emitWithAck('playlists', set)
      .catch((error: unknown) => {
        throw new Error(`the first push got no answer (${String(error)}); the hub's socket ${screen.id} ${screen.connected ? 'still connected' : 'gone'}, hellos so far: ${hub.received('veille-1', 'hello').length}; page warnings: ${warnings.join(' | ') || 'none'}`);
      });
    expect(answer).toEqual({ ok: true });
    await page.clock.runFor(1_000);
    await waitForItem(page, 'horaires', 15_000);
    expect(await sleepCover(page)).toBeNull();
    // A start now may paint its start frame (startFrame.ts) until closing, not after: it would light a sleeping screen.
    await expect.poll(() => paintUntil(page)).toBe(CLOSING);

    // 17:30: black, nothing on screen underneath, and the hub told at once.
    await page.clock.runFor(60_000);
    await expect.poll(() => sleepCover(page).then((c) => c?.state ?? null), { timeout: 5_000 }).toBe('black');
    const cover = (await sleepCover(page))!;
    expect(cover.black).toBe(true);
    expect(cover.line!.color).toBe('rgb(43, 43, 43)');
    expect(await page.textContent('[data-power]')).toContain('Écran en veille · rallumage mercredi 08:30');
    expect(await onScreen(page)).toBe('idle');
    // Asleep: a start paints no frame.
    await expect.poll(() => paintUntil(page)).toBe(0);
    await expect.poll(lastPower, { timeout: 10_000 }).toEqual({ state: 'black', since: new Date(CLOSING).toISOString(), until: new Date(OPENING).toISOString() });
    // The dim line moves every minute: no pixel stays lit.
    await page.clock.runFor(60_000);
    await expect.poll(async () => (await sleepCover(page))?.line, { timeout: 5_000 }).not.toEqual(cover.line);

    // 23:00: an urgent alert wakes the screen; once it is over, asleep again.
    await page.clock.setSystemTime(Date.parse('2026-12-01T23:00:00+01:00'));
    const until = new Date(Date.parse('2026-12-01T23:10:00+01:00')).toISOString();
    expect(await sendToLiveScreen(page, 'alert', { id: 'crue', level: 'urgent', text: 'Alerte crue : évitez les bords de Loire', until })).toEqual({ ok: true });
    await expect.poll(() => page.$eval('[data-alert-level="urgent"]', (el) => el.textContent).catch(() => null), { timeout: 5_000 }).toContain('Alerte crue');
    expect(await sleepCover(page)).toBeNull();
    // Covered by the alert: a start paints no frame either.
    await expect.poll(() => paintUntil(page)).toBe(0);
    // Awake for the alert: no `until` by schedule (the alert's own end decides), since the alert
    // arrived: 23:00:00 page time, or a second or two later when its first sending went unanswered on
    // the connection the player was closing after the jump, and sendToLiveScreen ran the clock on
    // before sending it again (CI, at fd651c8: 23:00:02).
    const awake = await reported(page, lastPower, 'on');
    expect(awake).toEqual({ state: 'on', since: expect.any(String) });
    expect(Date.parse(awake.since) - Date.parse('2026-12-01T23:00:00+01:00')).toBeGreaterThanOrEqual(0);
    expect(Date.parse(awake.since) - Date.parse('2026-12-01T23:00:00+01:00')).toBeLessThanOrEqual(5_000);
    await page.clock.runFor(11 * 60_000);
    await expect.poll(() => sleepCover(page).then((c) => c?.state ?? null), { timeout: 5_000 }).toBe('black');
    expect(await page.$('[data-alert-level="urgent"]')).toBeNull();
    expect(await reported(page, lastPower, 'black')).toMatchObject({ since: new Date(Date.parse('2026-12-01T23:10:00+01:00')).toISOString(), until: new Date(OPENING).toISOString() });

    // 08:30: awake, playing again.
    await page.clock.setSystemTime(OPENING - 30_000);
    await page.clock.runFor(29_000);
    expect((await sleepCover(page))?.state).toBe('black');
    await page.clock.runFor(61_000);
    await expect.poll(() => sleepCover(page), { timeout: 5_000 }).toBeNull();
    await page.clock.runFor(1_000);
    await waitForItem(page, 'horaires', 15_000);
    expect(await reported(page, lastPower, 'on')).toMatchObject({ state: 'on', until: new Date(Date.parse('2026-12-02T17:30:00+01:00')).toISOString() });
    await expect.poll(() => paintUntil(page)).toBe(Date.parse('2026-12-02T17:30:00+01:00'));

    // Nothing was counted as shown while the screen was asleep: the item on screen at closing was cut there.
    const shown = (await readStore<Impression>(page, 'outbox')).filter((i) => i.itemId === 'horaires');
    expect(shown.filter((i) => !i.complete).map((i) => i.end)).toEqual([new Date(CLOSING).toISOString()]);
    for (const impression of shown) expect(Date.parse(impression.end) <= CLOSING || Date.parse(impression.start) >= OPENING, `${impression.start} – ${impression.end}`).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
