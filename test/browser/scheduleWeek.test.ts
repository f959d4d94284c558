import { describe, expect, it } from 'vitest';
import type { Impression } from '../../src/shared/impression.js';
import { Playlist, type PlaylistInput } from '../../src/shared/playlist.js';
import { isScheduleActive, nextChangeAt } from '../../src/shared/schedule.js';
import { freezeClockAt, newPlayerPage, onScreen, readStore } from '../support/browser.js';
import { useBrowserAndSite } from '../support/suite.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';

const PARIS = 'Europe/Paris';
const text = (id: string, minutes: number) => ({ id, type: 'text' as const, duration: minutes * 60, title: id });
const inputs: PlaylistInput[] = [
  { id: 'loop', priority: 0, items: [text('loop-1', 20), text('loop-2', 20), text('loop-3', 20)] },
  {
    id: 'office',
    priority: 1,
    schedule: { timezone: PARIS, days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:00' }] },
    items: [text('office-1', 25), text('office-2', 25)],
  },
  { id: 'christmas', priority: 2, schedule: { timezone: PARIS, from: '2026-12-24T00:00', until: '2026-12-26T00:00' }, items: [text('xmas-1', 30), text('xmas-2', 30)] },
];
const playlists = inputs.map((p) => Playlist.parse(p));
// Tuesday to Saturday morning of Christmas week: two working days with office hours over the
// loop (four cuts each), Christmas over both (two working days), its end on Saturday (no
// office). Monday would only repeat Tuesday, the weekend Saturday's morning.
const WEEK_START = Date.parse('2026-12-22T00:00:00+01:00'); // Tuesday
const WEEK_END = Date.parse('2026-12-26T06:00:00+01:00');
const STEP = 10 * 60_000; // sampled every 10 min (items last 20 to 30; the cuts are checked on the impressions)

/** The playlist that must be on screen at `t`: the highest active layer (each has one playlist here). */
function expectedPlaylist(t: number): string {
  const active = playlists.filter((p) => isScheduleActive(p.schedule, PARIS, t));
  return active.sort((a, b) => b.priority - a.priority)[0]!.id;
}

const env = useBrowserAndSite({ playlistsDir: () => makePlaylistsDir(inputs) });

describe('simulated days of Christmas week in Paris', () => {
  it('plays what the engine says: office hours over the loop, Christmas over both, cut at the boundaries', async () => {
    const { context, page, errors } = await newPlayerPage(env.browser(), { timezoneId: PARIS });
    await freezeClockAt(page, WEEK_START);
    await page.goto(`${env.site().url}?screen=ecran-semaine`);
    await page.waitForSelector('[data-item-id]');

    const mismatches: string[] = [];
    for (let t = WEEK_START; t < WEEK_END; t += STEP) {
      const shown = await onScreen(page);
      // Sample a minute after each step: by then any switch due at a boundary has happened.
      if (shown === 'idle' || shown === null || shown.playlistId !== expectedPlaylist(t)) mismatches.push(`${new Date(t).toISOString()}: ${JSON.stringify(shown)} instead of ${expectedPlaylist(t)}`);
      await page.clock.runFor(STEP);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);

    await page.waitForFunction(() => document.querySelector('[data-item-id]') !== null); // the page is still responsive
    const outbox = (await readStore<Impression>(page, 'outbox')).sort((a, b) => a.start.localeCompare(b.start));
    expect(outbox.length).toBeGreaterThan(200);
    const boundaries = new Set<number>();
    for (let t = WEEK_START; t < WEEK_END; ) {
      t = nextChangeAt(playlists, PARIS, t);
      boundaries.add(t);
    }
    for (let k = 0; k < outbox.length; k++) {
      const imp = outbox[k]!;
      const start = Date.parse(imp.start);
      const end = Date.parse(imp.end);
      const item = playlists.find((p) => p.id === imp.playlistId)!.items.find((i) => i.id === imp.itemId)!;
      expect(imp.playlistId, imp.start).toBe(expectedPlaylist(start));
      // Airtime is continuous: each item starts when the previous one ends.
      if (k > 0) expect(start, imp.start).toBe(Date.parse(outbox[k - 1]!.end));
      if (imp.complete) expect(imp.durationMs, imp.start).toBe(item.duration! * 1000);
      else expect(boundaries.has(end), `${imp.itemId} cut at ${imp.end}, not at a boundary`).toBe(true);
    }
    const christmas = outbox.filter((i) => i.playlistId === 'christmas');
    expect(christmas[0]!.start).toBe(new Date(Date.parse('2026-12-24T00:00:00+01:00')).toISOString());
    expect(christmas.at(-1)!.end).toBe(new Date(Date.parse('2026-12-26T00:00:00+01:00')).toISOString());
    expect(outbox.filter((i) => !i.complete).length).toBeGreaterThanOrEqual(8);
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it('follows a clock jump of an hour, forward and back (NTP correction)', async () => {
    const { context, page } = await newPlayerPage(env.browser(), { timezoneId: PARIS });
    const wednesday = Date.parse('2026-12-23T11:50:00+01:00');
    await freezeClockAt(page, wednesday);
    await page.goto(env.site().url);
    await page.waitForSelector('[data-playlist-id="office"]');
    // 11:50 becomes 12:50: lunch, the office playlist closes.
    await page.clock.setSystemTime(wednesday + 3_600_000);
    await page.clock.runFor(10_000);
    await page.waitForSelector('[data-playlist-id="loop"]:not([data-leaving])', { timeout: 5_000 });
    // And back to 11:50 and a bit: the office is open again.
    await page.clock.setSystemTime(wednesday + 20_000);
    await page.clock.runFor(10_000);
    await page.waitForSelector('[data-playlist-id="office"]:not([data-leaving])', { timeout: 5_000 });
    // Both cut items reach the outbox (written just after they leave the screen).
    await expect.poll(async () => (await readStore<Impression>(page, 'outbox')).filter((i) => !i.complete).length).toBe(2);
    const outbox = await readStore<Impression>(page, 'outbox');
    // Time on screen is measured on the monotonic clock: no item got an hour more or less.
    for (const imp of outbox) expect(imp.durationMs).toBeLessThan(60_000);
    await context.close();
  });
});
