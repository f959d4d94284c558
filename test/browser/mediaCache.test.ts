import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaylistInput } from '../../src/shared/playlist.js';
import { VIDEO_PACE } from '../../src/shared/downloadPace.js';
import { advance, advanceUntil, countStore, jump, newPlayerPage, readStore, recordShownItems, shownItems, storedDigest, waitForItem } from '../support/browser.js';
import { PLAYLISTS_DIR } from '../support/bundled.js';
import { startMediaServer, type Behaviour, type MediaServer } from '../support/mediaServer.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { serveWeb, type StaticSite } from '../support/staticServer.js';
import type { Browser } from 'playwright-core';
import { closeContexts, sharedBrowser } from '../support/suite.js';

const png = (name: string) => ({ bytes: new Uint8Array(readFileSync(join(PLAYLISTS_DIR, 'media', name))), type: 'image/png' });
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const START = Date.parse('2026-11-25T10:00:00+01:00');
/** Files large enough that, paced while a video plays, their downloads take seconds. */
const LARGE_BYTES = 20_000_000;

let media: MediaServer;
let browser: Browser;
const sites: StaticSite[] = [];
beforeAll(async () => {
  media = await startMediaServer({
    'a.png': png('mairie-horaires.png'),
    'b.png': png('mairie-ticket.png'),
    'c.png': png('mairie-en-ligne.png'),
    'd.png': png('clinique-urgences.png'),
    big: { bytes: new Uint8Array(Buffer.alloc(3_000_000, 7).map((_, i) => (i * 2654435761) >>> 24)), type: 'application/octet-stream' },
    'clip.webm': { bytes: new Uint8Array(readFileSync(join(PLAYLISTS_DIR, 'media', 'hygiene-mains.webm'))), type: 'video/webm' },
    nine: { bytes: new Uint8Array(Buffer.alloc(9_000_000).map((_, i) => (i * 3266489917) >>> 24)), type: 'video/webm' },
    large: { bytes: new Uint8Array(Buffer.alloc(LARGE_BYTES).map((_, i) => (i * 2246822519) >>> 24)), type: 'video/webm' },
    large2: { bytes: new Uint8Array(Buffer.alloc(LARGE_BYTES).map((_, i) => (i * 3266489917 + 7) >>> 24)), type: 'video/webm' },
  });
  browser = await sharedBrowser();
});
afterAll(async () => {
  await closeContexts(browser);
  for (const site of sites) await site.close();
  await media?.close();
});

function image(id: string, behaviour: Behaviour, name: string) {
  const file = media.files.get(name)!;
  return { id, type: 'image' as const, duration: 5, src: media.url(behaviour, name), sha256: sha(file.bytes), bytes: file.bytes.length };
}

async function site(playlists: PlaylistInput[]): Promise<StaticSite> {
  const s = await serveWeb({ playlistsDir: makePlaylistsDir(playlists) });
  sites.push(s);
  return s;
}

describe('media cache', () => {
  it('shows only verified media: a file with wrong bytes is refused, never shown, and its error kept', async () => {
    const s = await site([{ id: 'p', items: [image('good', 'good', 'a.png'), image('bad', 'wrong', 'b.png'), { id: 'txt', type: 'text', duration: 5, title: 'Texte' }] }]);
    const { context, page } = await newPlayerPage(browser);
    await recordShownItems(context);
    await page.clock.install({ time: START });
    await page.goto(s.url);
    await waitForItem(page, 'good');
    await advance(page, 40_000);
    await waitForItem(page, 'good');
    expect(await shownItems(page)).toEqual(['good', 'txt']);
    expect(new Set((await readStore<{ itemId: string }>(page, 'outbox')).map((i) => i.itemId))).toEqual(new Set(['good', 'txt']));
    const errors = await readStore<{ src: string; error: string }>(page, 'mediaErrors');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toContain(`sha256 is`);
    expect(errors[0]!.error).toContain('file refused');
    expect(await storedDigest(page, sha(media.files.get('b.png')!.bytes))).toBeNull();
    // The technician's overlay (F9) shows each file's state and the totals.
    await page.keyboard.press('F9');
    await page.waitForSelector('[data-status-overlay]');
    // Its list is filled in just after it opens (its effect, a render later): polled, not read at once.
    await expect.poll(() => page.locator('[data-file-state="ready"]').count()).toBe(1);
    expect(await page.locator('[data-file-state="failed"]').textContent()).toContain('sha256 is');
    await expect.poll(() => page.textContent('[data-cache-totals]')).toMatch(/^1 fichier, 0,0 Mo utilisés.* · 1 manquant/);
    await page.keyboard.press('F9');
    expect(await page.locator('[data-status-overlay]').count()).toBe(0);
    // Refused files are not fetched again in a tight loop.
    expect(media.log.filter((r) => r.path.startsWith('/wrong/')).length).toBe(1);
    await context.close();
  });

  it('a 404 is reported and not retried in a tight loop', async () => {
    const s = await site([{ id: 'p', items: [image('here', 'good', 'c.png'), image('gone', 'missing', 'd.png')] }]);
    const { context, page } = await newPlayerPage(browser);
    await page.clock.install({ time: START });
    await page.goto(s.url);
    await waitForItem(page, 'here');
    await expect.poll(async () => (await readStore<{ error: string }>(page, 'mediaErrors')).map((e) => e.error)).toEqual([expect.stringContaining('HTTP 404')]);
    await advance(page, 10 * 60_000, 10_000);
    expect(media.log.filter((r) => r.path.startsWith('/missing/')).length).toBe(1);
    await context.close();
  });

  it('resumes a dropped transfer with a Range request and recovers a stalled one, with the right digest', async () => {
    const big = media.files.get('big')!;
    const s = await site([
      {
        id: 'p',
        items: [
          image('shown', 'good', 'd.png'),
          { id: 'dropped', type: 'video', duration: 5, src: media.url('drop', 'big'), sha256: sha(big.bytes), bytes: big.bytes.length },
          { id: 'stalled', type: 'image', duration: 5, ...{ src: media.url('stall', 'a.png'), sha256: sha(media.files.get('a.png')!.bytes) } },
        ],
      },
    ]);
    const { context, page } = await newPlayerPage(browser);
    await page.clock.install({ time: START });
    await page.goto(s.url);
    // The stalled file holds the first set back for 10 s at most.
    await advance(page, 11_000);
    await waitForItem(page, 'shown');
    // The dropped transfer resumes where it stopped.
    for (let i = 0; i < 60 && !media.log.some((r) => r.path.startsWith('/drop/') && r.range); i++) await advance(page, 3_000);
    const resumed = media.log.filter((r) => r.path.startsWith('/drop/'));
    expect(resumed[0]!.range).toBeNull();
    // Resumed once some bytes were kept (on a busy machine the first drop may come before the
    // first part is written: that attempt starts again from the beginning, as it should).
    const ranged = resumed.find((r) => r.range !== null);
    expect(ranged?.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(ranged?.status).toBe(206);
    // The stalled one is aborted after 30 s without data, then fetched again.
    await advance(page, 31_000);
    for (let i = 0; i < 20 && media.log.filter((r) => r.path.startsWith('/stall/')).length < 2; i++) await advance(page, 3_000);
    await expect.poll(() => storedDigest(page, sha(big.bytes)), { timeout: 10_000 }).toBe(sha(big.bytes));
    await expect.poll(() => storedDigest(page, sha(media.files.get('a.png')!.bytes)), { timeout: 10_000 }).toBe(sha(media.files.get('a.png')!.bytes));
    expect(media.log.filter((r) => r.path.startsWith('/stall/')).length).toBeGreaterThanOrEqual(2);
    await context.close();
  });

  it('a reload in the middle of a download shows no half file, and the download resumes', async () => {
    const big = media.files.get('big')!;
    const s = await site([{ id: 'p', items: [{ id: 'txt', type: 'text', duration: 5, title: 'En attendant' }, { id: 'slow', type: 'video', duration: 5, src: media.url('slow', 'big'), sha256: sha(big.bytes) }] }]);
    const { context, page } = await newPlayerPage(browser);
    await recordShownItems(context);
    await page.goto(s.url);
    // The first set waits up to 10 s for its files; then what is ready plays.
    await waitForItem(page, 'txt', 15_000);
    await expect.poll(async () => (await readStore<{ bytesDone: number }>(page, 'downloads'))[0]?.bytesDone ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.reload();
    await waitForItem(page, 'txt', 15_000);
    expect(await storedDigest(page, sha(big.bytes))).toBeNull();
    expect(await shownItems(page)).toEqual(['txt']);
    await expect.poll(() => media.log.filter((r) => r.path.startsWith('/slow/') && r.range !== null).length, { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => storedDigest(page, sha(big.bytes)), { timeout: 30_000 }).toBe(sha(big.bytes));
    await context.close();
  });

  it('a reload after a whole part was written resumes from that part, with its hash state: the file is stored', async () => {
    // A 9 MB file: its first 4 MiB part is written, then the transfer holds (60 % sent); a reload
    // resumes it with a Range request from that part's end, and its digest is right.
    const nine = media.files.get('nine')!.bytes;
    const s = await site([{ id: 'p', items: [{ id: 'txt', type: 'text', duration: 5, title: 'En attendant' }, { id: 'held', type: 'video', duration: 5, src: media.url('hold', 'nine'), sha256: sha(nine), bytes: nine.length }] }]);
    const { context, page } = await newPlayerPage(browser);
    await page.goto(s.url);
    await waitForItem(page, 'txt', 15_000);
    await expect.poll(async () => (await readStore<{ bytesDone: number }>(page, 'downloads'))[0]?.bytesDone ?? 0, { timeout: 15_000 }).toBeGreaterThan(4_000_000);
    await page.reload();
    await expect.poll(() => storedDigest(page, sha(nine)), { timeout: 20_000 }).toBe(sha(nine));
    const ranged = media.log.filter((r) => r.path.startsWith('/hold/') && r.range !== null);
    expect(ranged.length).toBeGreaterThan(0);
    expect(Number(/^bytes=(\d+)-$/.exec(ranged[0]!.range!)?.[1])).toBeGreaterThan(4_000_000);
    expect(await readStore(page, 'mediaErrors')).toEqual([]);
    await context.close();
  });

  it('within a budget smaller than the set, keeps what plays soonest, evicts what is no longer needed, and plays on', async () => {
    // b plays tomorrow only, c from the day after next; the budget holds two of the three.
    const [a, b, c] = ['a.png', 'c.png', 'b.png'].map((n) => media.files.get(n)!.bytes.length) as [number, number, number];
    expect(a + c).toBeLessThan(a + b + 5_000); // c fits once b is gone
    const day = (n: number) => new Date(START + n * 86_400_000).toISOString().slice(0, 10) + 'T00:00';
    const s = await site([
      { id: 'now', items: [image('a', 'good', 'a.png')] },
      { id: 'tomorrow', schedule: { timezone: 'Europe/Paris', from: day(1), until: day(2) }, items: [image('b', 'good', 'c.png')] },
      { id: 'later', schedule: { timezone: 'Europe/Paris', from: day(3) }, items: [image('c', 'good', 'b.png')] },
    ]);
    const { context, page } = await newPlayerPage(browser);
    await page.clock.install({ time: START });
    await page.goto(`${s.url}?cacheBudgetMB=${(a + b + 5_000) / 1_000_000}`);
    await waitForItem(page, 'a');
    const stored = async () => (await readStore<{ sha256: string }>(page, 'media')).map((m) => m.sha256).sort();
    const shaOf = (n: string) => sha(media.files.get(n)!.bytes);
    await expect.poll(stored, { timeout: 10_000 }).toEqual([shaOf('a.png'), shaOf('c.png')].sort());
    await advance(page, 60_000, 5_000);
    expect(await stored()).toEqual([shaOf('a.png'), shaOf('c.png')].sort()); // the file of c waits: it plays last
    // Tomorrow, b plays. (Long jumps in big steps, each firing what fell due once as after a sleep, then seconds at a time so that items get prepared.)
    await jump(page, 86_400_000, 30 * 60_000);
    const played = async () => [...new Set((await readStore<{ itemId: string }>(page, 'outbox')).map((i) => i.itemId))].sort();
    const hasPlayed = (id: string) => async () => (await played()).includes(id);
    // Until b has been played (and recorded), 150 s of the page's time at most.
    await advanceUntil(page, hasPlayed('b'), 150_000, 1_000, 80);
    expect(await played()).toEqual(['a', 'b']);
    // Three days on: b is over, c plays now; b's file makes room for c's.
    await jump(page, 2 * 86_400_000, 30 * 60_000);
    await expect.poll(stored, { timeout: 10_000 }).toEqual([shaOf('a.png'), shaOf('b.png')].sort());
    await advanceUntil(page, hasPlayed('c'), 150_000, 1_000, 80);
    expect(await played()).toEqual(['a', 'b', 'c']);
    await context.close();
  }, 180_000);

  it('while a video plays, downloads together go no faster than 100 Mbit/s (the video drops no frames), and the files are whole', async () => {
    const clip = media.files.get('clip.webm')!.bytes;
    const large = [media.files.get('large')!.bytes, media.files.get('large2')!.bytes];
    // The large files play in an hour: they are cached now, side by side, while the clip plays.
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString().slice(0, 16);
    const s = await site([
      {
        id: 'p',
        items: [
          { id: 'clip', type: 'video', src: media.url('good', 'clip.webm'), sha256: sha(clip), bytes: clip.length },
          ...['large', 'large2'].map((name, k) => ({ id: name, type: 'video' as const, src: media.url('good', name), sha256: sha(large[k]!), bytes: large[k]!.length, schedule: { timezone: 'UTC', from: inAnHour } })),
        ],
      },
    ]);
    const { context, page } = await newPlayerPage(browser);
    // Their transfers are held until the clip plays (their first bytes would otherwise come before).
    let release!: () => void;
    const playing = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/good\/large2?$/, async (route) => {
      await playing;
      await route.continue();
    });
    await page.goto(s.url);
    await waitForItem(page, 'clip');
    await expect.poll(() => page.evaluate(() => [...document.querySelectorAll('video')].some((v) => !v.paused)), { timeout: 10_000 }).toBe(true);
    const from = Date.now();
    release();
    for (const bytes of large) await expect.poll(() => storedDigest(page, sha(bytes)), { timeout: 30_000, interval: 100 }).toBe(sha(bytes));
    const seconds = (Date.now() - from) / 1000;
    // Both downloads share the pace: at 12.5 MB/s, 40 MB take 3.2 s (each at its own pace, 1.6 s;
    // on loopback, unpaced, a few tenths of a second).
    expect(seconds).toBeGreaterThanOrEqual((2 * LARGE_BYTES - 1_000_000) / VIDEO_PACE);
    await context.close();
  });

  it('once everything is cached, plays a week with the network cut and makes no request', async () => {
    const s = await serveWeb();
    sites.push(s);
    const { context, page } = await newPlayerPage(browser);
    await page.clock.install({ time: START });
    await page.goto(s.url);
    await waitForItem(page, 'horaires', 15_000);
    await expect.poll(() => countStore(page, 'media'), { timeout: 15_000 }).toBe(4); // the town hall's images that play within 7 days (not yet the holiday one, from 14 December)
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    const seen = new Set<string>();
    for (let hours = 0; hours < 7 * 24; hours += 2) {
      // Half an hour at a time, firing what fell due once (as after a sleep): quick, and a week long.
      for (let k = 0; k < 4; k++) {
        await page.clock.fastForward(1_800_000);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      const shown = await page.evaluate(() => document.querySelector('[data-item-id]:not([data-leaving])')?.getAttribute('data-item-id') ?? null);
      expect(shown, `hour ${hours}`).not.toBeNull();
      seen.add(shown!);
    }
    expect(requests).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(2);
    // Proof of play over the whole week, from the cache alone.
    // (Simulated time outruns the real IndexedDB writes: let them catch up.)
    const span = async () => {
      const starts = (await readStore<{ start: string }>(page, 'outbox')).map((i) => Date.parse(i.start)).sort((x, y) => x - y);
      return starts.at(-1)! - starts[0]!;
    };
    await expect.poll(span, { timeout: 60_000 }).toBeGreaterThan(6.9 * 86_400_000);
    await context.close();
  }, 180_000);
});
