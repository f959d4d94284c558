import { Playlist } from '../src/shared/playlist.js';
import { decide, START_ROTATION, type Rotation } from '../src/shared/schedule.js';
import type { ResultFile } from './resultFile.js';
import { median, percentile } from './stats.js';

/** Decision time of the scheduling engine for 100 playlists x 100 items, all with schedules. */
export function benchDecision(results: ResultFile, decisions = 10_000): void {
  const pad = (n: number) => String(n).padStart(2, '0');
  const playlists = Array.from({ length: 100 }, (_, p) =>
    Playlist.parse({
      id: `p${p}`,
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
