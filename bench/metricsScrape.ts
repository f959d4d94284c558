import type { Socket } from 'socket.io-client';
import { adminApi, startHubProcess } from '../test/support/hubProcess.js';
import { addScreens, connect } from './hubBench.js';
import type { ResultFile } from './resultFile.js';
import { median, percentile } from './stats.js';

/**
 * What a Prometheus scrape costs a hub with 5,000 screens (1,000 of them connected, each having
 * sent a status): `GET /metrics` timed, against `GET /api/screens` in the same run (the same
 * screens' states, as JSON: the baseline, so that a loaded machine shows as a ratio).
 */
export async function benchMetricsScrape(results: ResultFile, count = 5_000, connected = 1_000, scrapes = 20): Promise<void> {
  const hub = await startHubProcess();
  const sockets: Socket[] = [];
  try {
    const screens = await addScreens(hub, count, 'metrics');
    for (let k = 0; k < connected; k += 250) {
      const chunk = await Promise.all(screens.slice(k, k + 250).map((screen) => connect(hub, screen)));
      for (const socket of chunk) socket.emit('status', { at: new Date().toISOString(), revision: null, playing: null, cache: { bytes: 1e8, files: 12, missing: 0 }, outbox: 3, uptimeS: 60, version: 'bench' });
      sockets.push(...chunk);
    }
    const timed = async (fetchOnce: () => Promise<number>): Promise<{ ms: number[]; bytes: number }> => {
      const ms: number[] = [];
      let bytes = 0;
      for (let k = 0; k < scrapes; k++) {
        const t0 = performance.now();
        bytes = await fetchOnce();
        ms.push(performance.now() - t0);
      }
      return { ms, bytes };
    };
    const metrics = await timed(async () => (await (await fetch(`${hub.url}/metrics`)).arrayBuffer()).byteLength);
    const list = await timed(async () => JSON.stringify((await adminApi(hub, 'GET', '/api/screens')).body).length);
    const ratio = median(metrics.ms) / median(list.ms);
    const text = `scrape median ${median(metrics.ms).toFixed(0)} ms, p99 ${percentile(metrics.ms, 99).toFixed(0)} ms, ${Math.round(metrics.bytes / 1024)} KB; GET /api/screens ${median(list.ms).toFixed(0)} ms (ratio ${ratio.toFixed(2)})`;
    console.log(`hub metrics  ${count.toLocaleString('en')} screens, ${connected.toLocaleString('en')} connected: ${text}  [goal median < 1,000 ms]`);
    results.record({
      id: 'hub.metrics-scrape',
      label: `GET /metrics on a hub with ${count.toLocaleString('en')} screens (${connected.toLocaleString('en')} connected), against GET /api/screens`,
      value: Number(median(metrics.ms).toFixed(0)),
      unit: 'ms',
      text,
      runs: metrics.ms.map((ms) => Number(ms.toFixed(1))),
      goal: { op: '<', value: 1_000 },
      dependsOn: ['src/hub', 'src/shared', 'vite.hub.config.ts', 'package-lock.json', 'bench/metricsScrape.ts'],
    });
  } finally {
    for (const socket of sockets) socket.close();
    await hub.stop();
  }
}
