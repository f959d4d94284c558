import { Playlist } from '../src/shared/playlist.js';
import { decide, recordAirtime, START_ROTATION, type HourAirtime, type Rotation } from '../src/shared/schedule.js';
import type { ResultFile } from './resultFile.js';
import { median, percentile } from './stats.js';

/** Decision time of the scheduling engine for 100 playlists x 100 items, all with schedules. */
export function benchDecision(results: ResultFile, decisions = 10_000): void {
  const playlists = makePlaylists('');
  const waits = { 'etat-civil': 12 };
  let rotation: Rotation = START_ROTATION;
  let now = Date.parse('2026-11-25T06:00:00+01:00');
  const times: number[] = [];
  let idle = 0;
  for (let k = 0; k < decisions + 500; k++) {
    const t0 = process.hrtime.bigint();
    const d = decide({ playlists, timezone: 'Europe/Paris', now, rotation, waits, isReady: (item) => item.id !== 'i5' });
    const t1 = process.hrtime.bigint();
    if (k >= 500) times.push(Number(t1 - t0) / 1000); // the first 500 warm the JIT
    if (!d.now) idle++;
    rotation = d.rotation;
    now += 10_000;
  }
  console.log(
    `decide   100 playlists x 100 items, ${decisions} decisions over ${((decisions * 10) / 3600).toFixed(0)} h: median ${median(times).toFixed(1)} µs, p99 ${percentile(times, 99).toFixed(1)} µs  [goal median < 50 µs]  (idle ${idle})`,
  );
  results.record({
    id: 'decision',
    label: 'scheduling decision, 100 playlists × 100 items',
    value: Number(median(times).toFixed(1)),
    unit: 'µs',
    text: `median ${median(times).toFixed(0)} µs, p99 ${percentile(times, 99).toFixed(0)} µs`,
    runs: [Number(median(times).toFixed(1))],
    goal: { op: '<', value: 50 },
    dependsOn: ['src/shared', 'bench/decision.ts'],
  });
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 100 playlists × 100 items, with schedules, wait conditions and (in zones) shares of voice. */
function makePlaylists(prefix: string, zone?: string): Playlist[] {
  return Array.from({ length: 100 }, (_, p) =>
    Playlist.parse({
      id: `${prefix}p${p}`,
      ...(zone ? { zone, ...(p % 10 === 0 ? { share: 0.05 } : {}) } : {}),
      priority: p % 3,
      schedule: { timezone: 'Europe/Paris', days: [1, 2, 3, 4, 5, 6, 7].filter((d) => (d + p) % 4 !== 0), hours: [{ start: `${pad(6 + (p % 5))}:00`, end: `${pad(18 + (p % 5))}:30` }] },
      items: Array.from({ length: 100 }, (_, i) => ({
        id: `i${i}`,
        type: 'text',
        duration: 10,
        title: 't',
        ...(i % 3 === 0 ? { schedule: { hours: [{ start: `${pad(7 + (i % 10))}:15`, end: `${pad(12 + (i % 10))}:45` }] } } : {}),
        ...(i % 7 === 0 ? { when: { waitMinutes: { min: 10 } } } : {}),
      })),
    }),
  );
}

/**
 * §6 with zones: 4 zones × 100 playlists × 100 items, one scheduler (`decide`) asked per zone
 * with that zone's playlists and its airtime of the hour (shares of voice), as the player does.
 * The figure is the time of one zone's decision.
 */
export function benchZoneDecision(results: ResultFile, rounds = 2_500): void {
  const zones = ['main', 'cote', 'bas', 'haut'].map((zone) => ({ zone, playlists: makePlaylists(`${zone}-`, zone), rotation: START_ROTATION as Rotation, airtime: undefined as HourAirtime | undefined }));
  const waits = { 'etat-civil': 12 };
  let now = Date.parse('2026-11-25T06:00:00+01:00');
  const times: number[] = [];
  for (let k = 0; k < rounds + 150; k++) {
    for (const z of zones) {
      const t0 = process.hrtime.bigint();
      const d = decide({ playlists: z.playlists, timezone: 'Europe/Paris', now, rotation: z.rotation, waits, isReady: (item) => item.id !== 'i5', ...(z.airtime ? { airtime: z.airtime } : {}) });
      const t1 = process.hrtime.bigint();
      if (k >= 150) times.push(Number(t1 - t0) / 1000);
      if (d.now) z.airtime = recordAirtime(z.airtime, d.now.playlist.id, now, now + 10_000, 'Europe/Paris');
      z.rotation = d.rotation;
    }
    now += 10_000;
  }
  console.log(`decide   4 zones × 100 playlists × 100 items (shares of voice), ${times.length} zone decisions: median ${median(times).toFixed(1)} µs, p99 ${percentile(times, 99).toFixed(1)} µs per zone  [goal median < 50 µs]`);
  results.record({
    id: 'decision.zones',
    label: 'scheduling decision per zone, 4 zones × 100 playlists × 100 items, with shares of voice',
    value: Number(median(times).toFixed(1)),
    unit: 'µs',
    text: `median ${median(times).toFixed(0)} µs, p99 ${percentile(times, 99).toFixed(0)} µs per zone`,
    runs: [Number(median(times).toFixed(1))],
    goal: { op: '<', value: 50 },
    dependsOn: ['src/shared', 'bench/decision.ts'],
  });
}
