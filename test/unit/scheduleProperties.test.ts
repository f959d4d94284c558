import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Playlist, type Item, type Schedule } from '../../src/shared/playlist.js';
import { decide, isScheduleActive, nextChangeAt, START_ROTATION, type Rotation } from '../../src/shared/schedule.js';

/** In CI the cases are the same every run (a red CI is then a change's fault); elsewhere they are new each run, to find more. */
const RUNS = (n: number) => ({ numRuns: Number(process.env.PROPERTY_RUNS ?? n), ...(process.env.CI ? { seed: Number(process.env.PROPERTY_SEED ?? 20261125) } : {}) });

const ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC', 'Pacific/Chatham'];
const START = Date.parse('2026-01-01T00:00:00Z');
const SPAN = 2 * 365 * 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

const hhmm = fc.integer({ min: 0, max: 95 }).map((q) => `${pad(Math.floor(q / 4))}:${pad((q % 4) * 15)}`);
const localDateTime = fc.integer({ min: 0, max: 730 * 24 }).map((h) => new Date(START + h * 3_600_000).toISOString().slice(0, 16));
const schedule: fc.Arbitrary<Schedule> = fc
  .record(
    {
      timezone: fc.constantFrom(...ZONES),
      from: localDateTime,
      until: localDateTime,
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      hours: fc.array(fc.record({ start: hhmm, end: hhmm }).filter((w) => w.start !== w.end), { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: [] },
  )
  .map((s) => (s.from && s.until && s.until <= s.from ? { ...s, until: undefined } : s))
  .map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as Schedule);

const playlists = fc
  .array(
    fc.record({
      priority: fc.integer({ min: 0, max: 2 }),
      schedule: fc.option(schedule, { nil: undefined }),
      items: fc.array(fc.record({ schedule: fc.option(schedule, { nil: undefined }), ready: fc.boolean() }), { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((raw) =>
    raw.map((p, i) =>
      Playlist.parse({
        id: `p${i}`,
        priority: p.priority,
        ...(p.schedule ? { schedule: p.schedule } : {}),
        items: p.items.map((it, j) => ({ id: `p${i}-i${j}${it.ready ? '' : '-notready'}`, type: 'text', duration: 10, title: 't', ...(it.schedule ? { schedule: it.schedule } : {}) })),
      }),
    ),
  );

const instant = fc.integer({ min: 0, max: SPAN }).map((ms) => START + ms);
const zone = fc.constantFrom(...ZONES);
const isReady = (item: Item) => !item.id.endsWith('-notready');

function itemActive(p: Playlist, item: Item, screenZone: string, t: number): boolean {
  return isScheduleActive(p.schedule, screenZone, t) && isScheduleActive(item.schedule, item.schedule?.timezone ?? p.schedule?.timezone ?? screenZone, t);
}

/** Everything the schedules decide at `t`: which playlists and items are active. */
function signature(set: Playlist[], screenZone: string, t: number): string {
  return set.map((p) => `${isScheduleActive(p.schedule, screenZone, t) ? 1 : 0}:${p.items.map((i) => (itemActive(p, i, screenZone, t) ? 1 : 0)).join('')}`).join('|');
}

describe('scheduling engine properties', () => {
  it('never chooses an item outside its schedule, or one not ready', () => {
    fc.assert(
      fc.property(playlists, zone, instant, (set, screenZone, t) => {
        const d = decide({ playlists: set, timezone: screenZone, now: t, rotation: START_ROTATION, isReady });
        if (d.now) {
          expect(itemActive(d.now.playlist, d.now.item, screenZone, t)).toBe(true);
          expect(isReady(d.now.item)).toBe(true);
        }
      }),
      RUNS(400),
    );
  });

  it('is never idle while a ready item is active', () => {
    fc.assert(
      fc.property(playlists, zone, instant, (set, screenZone, t) => {
        const anyPlayable = set.some((p) => p.items.some((i) => isReady(i) && itemActive(p, i, screenZone, t)));
        const d = decide({ playlists: set, timezone: screenZone, now: t, rotation: START_ROTATION, isReady });
        expect(d.now !== null).toBe(anyPlayable);
      }),
      RUNS(400),
    );
  });

  it('shares airtime item by item among equal priorities (within one item)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 5 }), fc.integer({ min: 1, max: 200 }), (sizes, steps) => {
        const set = sizes.map((n, i) => Playlist.parse({ id: `p${i}`, items: Array.from({ length: n }, (_, j) => ({ id: `i${j}`, type: 'text', duration: 5, title: 't' })) }));
        const counts = new Map<string, number>();
        let rotation: Rotation = START_ROTATION;
        for (let k = 0; k < steps; k++) {
          const d = decide({ playlists: set, timezone: 'Europe/Paris', now: START, rotation });
          counts.set(d.now!.playlist.id, (counts.get(d.now!.playlist.id) ?? 0) + 1);
          rotation = d.rotation;
        }
        const values = set.map((p) => counts.get(p.id) ?? 0);
        expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
      }),
      RUNS(200),
    );
  });

  it('announces the next change no later than the first instant the answer changes', () => {
    fc.assert(
      fc.property(playlists, zone, instant, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 40, maxLength: 40 }), (set, screenZone, t, fractions) => {
        const next = nextChangeAt(set, screenZone, t);
        expect(next).toBeGreaterThan(t);
        const before = signature(set, screenZone, t);
        // Sample the open interval (t, next), with a denser look at its last minute.
        const samples = [...fractions.map((f) => t + Math.floor(f * (next - t))), next - 1, next - 1000, next - 60_000].filter((s) => s > t && s < next);
        for (const s of samples) expect(signature(set, screenZone, s), `at ${new Date(s).toISOString()}`).toBe(before);
      }),
      RUNS(300),
    );
  });
});
