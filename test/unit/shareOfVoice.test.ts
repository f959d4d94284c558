import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Playlist } from '../../src/shared/playlist.js';
import { decide, hourStartOf, recordAirtime, START_ROTATION, type HourAirtime, type Rotation } from '../../src/shared/schedule.js';

/** In CI the cases are the same every run; elsewhere they are new each run, to find more. */
const RUNS = (n: number) => ({ numRuns: Number(process.env.PROPERTY_RUNS ?? n), ...(process.env.CI ? { seed: Number(process.env.PROPERTY_SEED ?? 20261202) } : {}) });
const HOUR = 3_600_000;
const ZONES = ['Europe/Paris', 'Asia/Kolkata', 'America/St_Johns', 'UTC'];

interface Played {
  playlistId: string;
  start: number;
  end: number;
}

/** Plays the zone from `start` for `hours` hours, as the player does: decide, show the item its duration, record its airtime. */
function play(playlists: Playlist[], timezone: string, start: number, hours: number): Played[] {
  let rotation: Rotation = START_ROTATION;
  let airtime: HourAirtime | undefined;
  const played: Played[] = [];
  for (let t = start; t < start + hours * HOUR; ) {
    const decision = decide({ playlists, timezone, now: t, rotation, airtime: airtime ?? { hour: hourStartOf(t, timezone), ms: {} } });
    if (!decision.now) throw new Error('nothing playable');
    const end = t + decision.now.item.duration! * 1000;
    played.push({ playlistId: decision.now.playlist.id, start: t, end });
    airtime = recordAirtime(airtime, decision.now.playlist.id, t, end, timezone);
    rotation = decision.rotation;
    t = end;
  }
  return played;
}

/** Airtime of each playlist within [from, from + 1 h). */
function airtimeIn(played: Played[], from: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of played) {
    const ms = Math.max(0, Math.min(p.end, from + HOUR) - Math.max(p.start, from));
    if (ms > 0) out.set(p.playlistId, (out.get(p.playlistId) ?? 0) + ms);
  }
  return out;
}

function playlist(id: string, durations: number[], share?: number): Playlist {
  return Playlist.parse({ id, ...(share !== undefined ? { share } : {}), items: durations.map((d, i) => ({ id: `${id}-${i}`, type: 'text', duration: d, title: id })) });
}

describe('share of voice (§6)', () => {
  it('recordAirtime keeps the hour the showing ends in, and only its part of that hour', () => {
    const tz = 'Europe/Paris';
    const nine = Date.parse('2026-12-02T08:00:00Z'); // 09:00 in Paris
    let airtime = recordAirtime(undefined, 'a', nine - 10_000, nine + 50_000, tz);
    expect(airtime).toEqual({ hour: nine, ms: { a: 50_000 }, since: { a: 0 } });
    airtime = recordAirtime(airtime, 'b', nine + 50_000, nine + 60_000, tz);
    expect(airtime.ms).toEqual({ a: 50_000, b: 10_000 });
    // b's first showing of the hour began when the zone had played 50 s; a second one does not move it.
    expect(airtime.since).toEqual({ a: 0, b: 50_000 });
    expect(recordAirtime(airtime, 'b', nine + 60_000, nine + 70_000, tz).since).toEqual({ a: 0, b: 50_000 });
    expect(recordAirtime(airtime, 'a', nine + HOUR, nine + HOUR + 5_000, tz)).toEqual({ hour: nine + HOUR, ms: { a: 5_000 }, since: { a: 0 } });
    // Kolkata's clock hours begin at :30 UTC.
    const kolkata = Date.parse('2026-12-02T04:30:00Z');
    expect(hourStartOf(kolkata + 1_000, 'Asia/Kolkata')).toBe(kolkata);
  });

  it('without shares, playlists of a layer take turns exactly as before', () => {
    const start = Date.parse('2026-12-02T08:00:00Z');
    const played = play([playlist('a', [10, 10]), playlist('b', [10])], 'UTC', start, 0.01);
    expect(played.map((p) => p.playlistId)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('a playlist with share 0.5 among three gets half the hour, the others share the rest in turn', () => {
    const start = Date.parse('2026-12-02T08:00:00Z');
    const played = play([playlist('a', [10]), playlist('b', [10]), playlist('campagne', [10], 0.5)], 'UTC', start, 3);
    for (let h = 0; h < 3; h++) {
      const hour = airtimeIn(played, start + h * HOUR);
      expect(Math.abs((hour.get('campagne') ?? 0) - HOUR / 2)).toBeLessThanOrEqual(0.05 * HOUR);
      expect(Math.abs((hour.get('a') ?? 0) - (hour.get('b') ?? 0))).toBeLessThanOrEqual(10_000);
    }
  });

  it('in every whole clock hour, each share is met within 5 % of the hour; shares above 1 in all are scaled down', () => {
    const arb = fc.record({
      timezone: fc.constantFrom(...ZONES),
      startOffsetMin: fc.integer({ min: 0, max: 59 }),
      playlists: fc.array(
        fc.record({
          durations: fc.array(fc.integer({ min: 3, max: 90 }), { minLength: 1, maxLength: 5 }),
          share: fc.option(fc.double({ min: 0.05, max: 0.9, noNaN: true }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
    });
    fc.assert(
      fc.property(arb, ({ timezone, startOffsetMin, playlists: raw }) => {
        const playlists = raw.map((p, i) => playlist(`p${i}`, p.durations, p.share));
        const start = Date.parse('2026-03-29T00:00:00Z') + startOffsetMin * 60_000; // the night Paris springs forward
        const played = play(playlists, timezone, start, 4);
        const scale = Math.max(1, playlists.reduce((sum, p) => sum + (p.share ?? 0), 0));
        // Whole clock hours inside the run.
        for (let hour = hourStartOf(start, timezone) + HOUR; hour + HOUR <= start + 4 * HOUR; hour += HOUR) {
          const got = airtimeIn(played, hour);
          let zone = 0;
          for (const ms of got.values()) zone += ms;
          for (const p of playlists) {
            if (p.share === undefined) continue;
            expect(got.get(p.id) ?? 0).toBeGreaterThanOrEqual((p.share / scale) * zone - 0.05 * HOUR);
          }
        }
      }),
      RUNS(60),
    );
  });

  it('a playlist with a share that comes in during the hour takes its share of what plays from then on, not of the hour before it', () => {
    const tz = 'UTC';
    const start = Date.parse('2026-12-02T10:00:00Z');
    const others = [playlist('infos', [10]), playlist('agenda', [10])];
    // 10:00 to 10:30: the others alone.
    let airtime: HourAirtime | undefined;
    let rotation: Rotation = START_ROTATION;
    let t = start;
    for (; t < start + HOUR / 2; t += 10_000) {
      const d = decide({ playlists: others, timezone: tz, now: t, rotation, airtime: airtime ?? { hour: start, ms: {} } });
      airtime = recordAirtime(airtime, d.now!.playlist.id, t, t + 10_000, tz);
      rotation = d.rotation;
    }
    // 10:30: a campaign with half of the airtime comes in (a push, or its schedule begins).
    const set = [...others, playlist('campagne', [10], 0.5)];
    const order: string[] = [];
    for (; t < start + HOUR; t += 10_000) {
      const d = decide({ playlists: set, timezone: tz, now: t, rotation, airtime: airtime! });
      order.push(d.now!.playlist.id);
      airtime = recordAirtime(airtime, d.now!.playlist.id, t, t + 10_000, tz);
      rotation = d.rotation;
    }
    // It plays at once, then every other item: half of the half hour, never two in a row. (Counted
    // against the whole hour, it played alone until 11:00: 0.5 × 30 min behind, and behind still
    // as long as it played.)
    expect(order[0]).toBe('campagne');
    const campaign = order.filter((id) => id === 'campagne').length;
    expect(Math.abs(campaign - order.length / 2)).toBeLessThanOrEqual(1);
    expect(order.some((id, k) => id === 'campagne' && order[k + 1] === 'campagne')).toBe(false);
    // The next hour, from its start, as in any whole hour.
    const next = play(set, tz, start + HOUR, 1);
    expect(Math.abs((airtimeIn(next, start + HOUR).get('campagne') ?? 0) - HOUR / 2)).toBeLessThanOrEqual(0.05 * HOUR);
  });

  it('without airtime to go by, playlists with a share take turns like the others', () => {
    let rotation: Rotation = START_ROTATION;
    const order: string[] = [];
    const playlists = [playlist('infos', [10]), playlist('agenda', [10]), playlist('campagne', [10], 0.6)];
    for (let k = 0; k < 6; k++) {
      const d = decide({ playlists, timezone: 'UTC', now: Date.parse('2026-12-02T08:00:00Z') + k * 10_000, rotation });
      order.push(d.now!.playlist.id);
      rotation = d.rotation;
    }
    expect(order).toEqual(['infos', 'agenda', 'campagne', 'infos', 'agenda', 'campagne']);
  });

  it('a share playlist with nothing playable gives way to the others', () => {
    const start = Date.parse('2026-12-02T08:00:00Z');
    const notReady = playlist('campagne', [10], 0.5);
    const played = [];
    let rotation: Rotation = START_ROTATION;
    let airtime: HourAirtime | undefined;
    for (let t = start, k = 0; k < 20; k++) {
      const d = decide({ playlists: [playlist('a', [10]), notReady], timezone: 'UTC', now: t, rotation, isReady: (item) => !item.id.startsWith('campagne'), ...(airtime ? { airtime } : {}) });
      played.push(d.now!.playlist.id);
      airtime = recordAirtime(airtime, d.now!.playlist.id, t, t + 10_000, 'UTC');
      rotation = d.rotation;
      t += 10_000;
    }
    expect(new Set(played)).toEqual(new Set(['a']));
  });
});
