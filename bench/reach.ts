import { reachAndFrequency, type RealizedWait, type Showing } from '../src/shared/reach.js';
import type { ResultFile } from './resultFile.js';
import { median, percentile } from './stats.js';

/**
 * Reach and frequency of one busy day of a 40-screen town hall (issue 21): the hub computes a
 * report one local day at a time, on its event loop, so a day's computation is as long as the
 * hub stops answering screens (their acks wait at most 10 s, §3). 40 screens playing a loop of
 * 20 items of 15 s from 08:00 to 18:00 (96,000 impressions), 900 tickets over 3 services with
 * waits of 5 to 45 min.
 */
export function benchReach(results: ResultFile, runs = 7): void {
  const { waits, showings } = busyDay();
  const times: number[] = [];
  let rows = 0;
  for (let k = 0; k < runs + 1; k++) {
    const t0 = process.hrtime.bigint();
    rows = reachAndFrequency(waits, showings, 'Europe/Paris').rows.length;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (k > 0) times.push(ms); // the first warms the JIT
  }
  console.log(`reach    40 screens, ${showings.length} impressions, ${waits.length} tickets, ${rows} rows: median ${median(times).toFixed(0)} ms, max ${percentile(times, 100).toFixed(0)} ms  [goal median < 500 ms]`);
  results.record({
    id: 'hub.reach-day',
    label: 'reach and frequency of a busy day, 40 screens (96,000 impressions, 900 tickets)',
    value: Number(median(times).toFixed(0)),
    unit: 'ms',
    text: `median ${median(times).toFixed(0)} ms, max ${percentile(times, 100).toFixed(0)} ms`,
    runs: times.map((ms) => Number(ms.toFixed(1))),
    goal: { op: '<', value: 500 },
    dependsOn: ['src/shared/reach.ts', 'bench/reach.ts'],
  });
}

function busyDay(): { waits: RealizedWait[]; showings: Showing[] } {
  const open = Date.parse('2026-12-01T07:00:00.000Z'); // 08:00 in Paris
  const showings: Showing[] = [];
  for (let screen = 0; screen < 40; screen++) {
    // Each screen's loop starts somewhere else in it.
    for (let t = open + screen * 7_000, k = screen; t < open + 10 * 3_600_000; t += 15_000, k++) {
      showings.push({ playlistId: 'accueil', itemId: `item-${k % 20}`, start: t, end: t + 15_000, complete: k % 50 !== 0 });
    }
  }
  const waits: RealizedWait[] = [];
  for (let k = 0; k < 900; k++) {
    const issuedAt = open + Math.floor((k * 9 * 3_600_000) / 900);
    waits.push({ service: ['etat-civil', 'titres', 'urbanisme'][k % 3]!, issuedAt, calledAt: issuedAt + (5 + ((k * 7) % 41)) * 60_000 });
  }
  return { waits, showings };
}
