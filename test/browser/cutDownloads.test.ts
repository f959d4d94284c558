import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusMessage } from '../../src/shared/protocol.js';
import { advance, freezeClockAt, newPlayerPage, onScreen, readStore, storedDigest, waitForItem } from '../support/browser.js';
import { startBusyCore, type BusyCore } from '../support/busyCore.js';
import { PLAYLISTS_DIR } from '../support/bundled.js';
import { playerUrl } from '../support/hubSuite.js';
import { startMediaServer, type MediaServer } from '../support/mediaServer.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { startStandInHub, type StandInHub } from '../support/standInHub.js';
import { serveWeb, type StaticSite } from '../support/staticServer.js';
import { holdStores } from '../support/storeHold.js';
import type { PlaylistInput } from '../../src/shared/playlist.js';
import { seededRandom } from '../../src/shared/lognormal.js';
import { closeContexts, sharedBrowser } from '../support/suite.js';

/**
 * Issue #23: on a flaky line a transfer is cut, again and again; after every cut the file must
 * be tried again (with a Range request where bytes were kept) and play soon after the line
 * recovers, even on a busy machine. The cause: the retry timer of a file fired, on time, but up
 * to a millisecond before the wall-clock time it was compared with (Chromium runs a timer of
 * 1234.5 ms after 1234 ms; Date.now() is in whole ms), so the file was skipped as "not yet due"
 * and nothing woke it again before the next plan, half an hour later. Besides, nothing may
 * wait forever on an await: a stuck attempt and a stuck hold of the room lock are given up.
 */

const START = Date.parse('2026-11-25T10:00:00+01:00');
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');


// Real posters followed by noise after their end (decoders stop at IEND): 6 MB and 1 MB PNGs.
const poster = new Uint8Array(readFileSync(join(PLAYLISTS_DIR, 'media', 'mairie-horaires.png')));
const noise = (bytes: number) => new Uint8Array(bytes).map((_, i) => (i * 2654435761) >>> 24);
const bigPng = new Uint8Array([...poster, ...noise(6_000_000)]);
const midPng = new Uint8Array([...poster, ...noise(1_000_000)]);
const small = new Uint8Array(readFileSync(join(PLAYLISTS_DIR, 'media', 'clinique-urgences.png')));
const gone = new Uint8Array([...poster, ...noise(1_000)]);
const PLAYERS = 20;

let media: MediaServer;
let browser: Browser;
let busy: BusyCore;
let hub: StandInHub;
const sites: StaticSite[] = [];
beforeAll(async () => {
  media = await startMediaServer({
    'big.png': { bytes: bigPng, type: 'image/png' },
    'mid.png': { bytes: midPng, type: 'image/png' },
    'small.png': { bytes: small, type: 'image/png' },
    'gone.png': { bytes: gone, type: 'image/png' },
    ...Object.fromEntries(Array.from({ length: PLAYERS }, (_, i) => [`big-${i}.png`, { bytes: bigPng, type: 'image/png' }])),
  });
  browser = await sharedBrowser();
  hub = await startStandInHub();
  busy = await startBusyCore();
});
afterAll(async () => {
  await busy?.stop();
  await closeContexts(browser);
  await hub?.close();
  for (const site of sites) await site.close();
  await media?.close();
});

async function site(playlists: PlaylistInput[]): Promise<StaticSite> {
  const s = await serveWeb({ playlistsDir: makePlaylistsDir(playlists) });
  sites.push(s);
  return s;
}

function image(id: string, src: string, bytes: Uint8Array) {
  return { id, type: 'image' as const, duration: 5, src, sha256: sha(bytes), bytes: bytes.length };
}

const seed = Number(process.env.CUT_SEED ?? Date.now() % 1_000_000);
const why = (): string => `seed ${seed} (CUT_SEED to replay); ${busy.why}`;

describe('downloads cut on a flaky line, on a busy machine (issue #23)', () => {
  // In real time: Playwright's page clock keeps a timer's fractional milliseconds and never runs
  // it early, so the lost retry happens only with Chromium's own timers (it did in 6 runs of 20).
  // The bounds are liveness bounds, ten times the backoff of a first retry (1 to 3 s).
  it(`after a cut at a random point, the file is always tried again and plays: ${PLAYERS} players, one cut each, in real time`, async () => {
    const random = seededRandom(seed);
    const run = async (i: number) => {
      const name = `big-${i}.png`;
      const share = random();
      media.cutNext(name, 1, () => share);
      const s = await site([{ id: 'p', items: [image('big', media.url('cut', name), bigPng)] }]);
      const { context, page, warnings } = await newPlayerPage(browser);
      try {
        await page.goto(s.url);
        const requests = () => media.log.filter((r) => r.path === `/cut/${name}`);
        const deadline = Date.now() + 30_000;
        while (requests().length < 2) {
          if (Date.now() > deadline) throw new Error(`${name}: no request in 30 s after its cut (${requests()[0]?.cutAfter} bytes sent); ${why()}; page warnings: ${warnings.join(' | ')}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await waitForItem(page, 'big', 30_000);
        expect(await storedDigest(page, sha(bigPng))).toBe(sha(bigPng));
      } finally {
        await context.close();
      }
    };
    for (let i = 0; i < PLAYERS; i += 4) await Promise.all([i, i + 1, i + 2, i + 3].filter((n) => n < PLAYERS).map(run));
  }, 400_000);

  it('a file cut eight times at random points resumes with Range requests and plays once the line recovers', async () => {
    const cuts = 8;
    /** The backoff is at most 5 min, up to one and a half times with jitter: the next try comes within this (page time). */
    const retryWithinMs = 1.5 * 5 * 60_000 + 30_000;
    media.cutNext('big.png', cuts, seededRandom(seed + 1));
    const s = await site([{ id: 'p', items: [image('small', media.url('good', 'small.png'), small), image('big', media.url('cut', 'big.png'), bigPng)] }]);
    const { context, page, warnings } = await newPlayerPage(browser);
    await page.clock.install({ time: START });
    await page.goto(s.url);
    const requests = () => media.log.filter((r) => r.path === '/cut/big.png');
    for (let n = 1; n <= cuts + 1; n++) {
      for (let waited = 0; requests().length < n; waited += 5_000) {
        if (waited > retryWithinMs) throw new Error(`no request ${retryWithinMs / 1000} s (page time) after cut ${n - 1}; ${why()}; page warnings: ${warnings.join(' | ')}`);
        await advance(page, 5_000, 5_000, 25);
      }
    }
    const log = requests();
    expect(log.slice(0, cuts).every((r) => r.cutAfter !== undefined), why()).toBe(true);
    expect(log[cuts]!.cutAfter, why()).toBeUndefined();
    // Bytes kept across cuts are not fetched again: later transfers ask for the rest only.
    expect(log.some((r) => r.status === 206 && /^bytes=[1-9]\d*-$/.test(r.range ?? '')), why()).toBe(true);
    let shown = false;
    for (let waited = 0; !shown && waited <= 60_000; waited += 1_000) {
      await advance(page, 1_000, 1_000, 40);
      const now = await onScreen(page);
      shown = now !== null && now !== 'idle' && now.itemId === 'big';
    }
    expect(await storedDigest(page, sha(bigPng)), why()).toBe(sha(bigPng));
    expect(shown, `big not on screen within 60 s (page time) of the line's recovery; ${why()}; page warnings: ${warnings.join(' | ')}`).toBe(true);
    await context.close();
  }, 180_000);

  it('a download whose part writes never settle is given up after twice the stall time, logged with what it waited for, and resumed', async () => {
    const s = await site([{ id: 'p', items: [{ id: 'txt', type: 'text', duration: 5, title: 'En attendant' }, image('mid', media.url('slow', 'mid.png'), midPng)] }]);
    const { context, page, warnings } = await newPlayerPage(browser);
    await page.clock.install({ time: START });
    await page.goto(s.url);
    await expect.poll(async () => (await readStore<{ bytesDone: number }>(page, 'downloads'))[0]?.bytesDone ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    // The disk stops answering for the download's stores.
    const hold = await holdStores(page, ['parts', 'downloads']);
    const givenUp = () => warnings.find((w) => /mid\.png: nothing for \d+ s while waiting for parts to be written \(IndexedDB\); given up, will try again/.test(w));
    for (let i = 0; i < 40 && !givenUp(); i++) await advance(page, 5_000, 1_000, 30);
    expect(givenUp(), `page warnings: ${warnings.join(' | ')}`).toBeDefined();
    expect(Number(/nothing for (\d+) s/.exec(givenUp()!)![1])).toBeGreaterThanOrEqual(60); // twice the stall time (30 s)
    await hold.release();
    // Retried: the rest comes with a Range request, and the file is whole and verified.
    let shown = false;
    for (let i = 0; !shown && i < 120; i++) {
      await advance(page, 1_000, 1_000, 60);
      const now = await onScreen(page);
      shown = now !== null && now !== 'idle' && now.itemId === 'mid';
    }
    expect(await storedDigest(page, sha(midPng))).toBe(sha(midPng));
    expect(shown, `mid not on screen; page warnings: ${warnings.join(' | ')}`).toBe(true);
    expect(media.log.filter((r) => r.path === '/slow/mid.png' && r.range !== null).length).toBeGreaterThan(0);
    await context.close();
  }, 180_000);

  it('a hold of the room lock that never ends is released after twice the stall time; the status says how long the oldest file has been missing', async () => {
    const s = await site([{ id: 'p', items: [image('small', media.url('good', 'small.png'), small)] }]);
    const { context, page, warnings } = await newPlayerPage(browser);
    // Page time moves only when the test says: the retry below cannot start before the disk is held.
    await freezeClockAt(page, START);
    await page.goto(playerUrl(s.url, hub.url, 'cut-screen', 'cut-token'));
    const screen = await hub.connected();
    const statuses: StatusMessage[] = [];
    screen.on('status', (status: StatusMessage) => statuses.push(status));
    let listening = true;
    void (async () => {
      while (listening) (await hub.connected()).on('status', (status: StatusMessage) => statuses.push(status));
    })();
    for (let i = 0; i < 60 && !(await page.$('[data-item-id="small"]')); i++) await advance(page, 1_000, 1_000, 50);
    await waitForItem(page, 'small');
    // The hub's set: a poster whose first transfer is cut, and a file the server no longer has.
    media.cutNext('mid.png', 1, () => 0.5);
    const ack = (await screen.timeout(10_000).emitWithAck('playlists', {
      revision: 'r-cut',
      playlists: [{ id: 'hub', items: [image('poster', media.url('cut', 'mid.png'), midPng), image('gone', media.url('missing', 'gone.png'), gone), { id: 'txt', type: 'text', duration: 5, title: 'Bienvenue' }] }],
    })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    const setAt = await page.evaluate(() => Date.now());
    await expect.poll(async () => (await readStore<{ src: string }>(page, 'mediaErrors')).map((e) => e.src).sort(), { timeout: 15_000 }).toEqual([media.url('cut', 'mid.png'), media.url('missing', 'gone.png')].sort());
    // The disk stops answering: the retry of the poster asks for room and waits for the list of stored files.
    const hold = await holdStores(page, ['downloads']);
    const released = () => warnings.find((w) => /the room lock, held for room for .*mid\.png, saw nothing for \d+ s while waiting for the stored files to be listed: released/.test(w));
    for (let i = 0; i < 40 && !released(); i++) await advance(page, 5_000, 1_000, 30);
    expect(released(), `page warnings: ${warnings.join(' | ')}`).toBeDefined();
    expect(Number(/saw nothing for (\d+) s/.exec(released()!)![1])).toBeGreaterThanOrEqual(60); // twice the stall time (30 s)
    expect(warnings.some((w) => /mid\.png: nothing for \d+ s while waiting for room in the budget \(the room lock\); given up, will try again/.test(w)), `page warnings: ${warnings.join(' | ')}`).toBe(true);
    await hold.release();
    let shown = false;
    for (let i = 0; !shown && i < 120; i++) {
      await advance(page, 1_000, 1_000, 60);
      const now = await onScreen(page);
      shown = now !== null && now !== 'idle' && now.itemId === 'poster';
    }
    expect(shown, `poster not on screen; page warnings: ${warnings.join(' | ')}`).toBe(true);
    expect(await storedDigest(page, sha(midPng))).toBe(sha(midPng));
    // Ten minutes on, the file the server lacks is still missing, and the status says for how long.
    await advance(page, 10 * 60_000, 5_000, 20);
    // (Page time jumps past the socket's ping timeout: the player connects again and sends a status at once.)
    for (let i = 0; i < 120 && !statuses.some((st) => Date.parse(st.at) - setAt >= 10 * 60_000); i++) await advance(page, 1_000, 1_000, 50);
    const last = statuses.at(-1)!;
    expect(last.cache.missing).toBe(1);
    const missingFor = (Date.parse(last.at) - setAt) / 1000;
    expect(last.cache.oldestMissingS).toBeGreaterThanOrEqual(Math.floor(missingFor) - 2);
    expect(last.cache.oldestMissingS).toBeLessThanOrEqual(Math.ceil(missingFor) + 2);
    // Before the set, nothing was missing.
    expect(statuses.find((st) => Date.parse(st.at) < setAt)?.cache.oldestMissingS ?? 0).toBe(0);
    listening = false;
    await context.close();
  }, 180_000);
});
