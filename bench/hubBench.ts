import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import type { ScreenToken } from '../src/shared/adminApi.js';
import type { Impression } from '../src/shared/impression.js';
import { SqliteImpressionStore } from '../src/hub/stores/sqlite/impressions.js';
import { openSqliteDb } from '../src/hub/stores/sqlite/sqliteDb.js';
import { WalSync } from '../src/hub/stores/sqlite/walSync.js';
import { newPlayerPage, putInOutbox } from '../test/support/browser.js';
import { adminApi, rssMB, startHubProcess, type HubProcess } from '../test/support/hubProcess.js';
import type { StaticSite } from '../test/support/staticServer.js';
import type { ResultFile } from './resultFile.js';
import { STARTUP_SOURCES } from './startup.js';
import { median, percentile } from './stats.js';

const HUB_SOURCES = ['src/hub', 'src/shared', 'vite.hub.config.ts', 'package-lock.json', 'bench/hubBench.ts'];

/** The hub's benchmarks: ingest rate, 5,000 screens, a player's week-long backlog. Prints figures, asserts nothing. */

function impressions(screenId: string, count: number, from = Date.UTC(2026, 10, 2, 8)): Impression[] {
  return Array.from({ length: count }, (_, k) => {
    const start = from + k * 8_000;
    return {
      id: uuidv7(),
      screenId,
      playlistId: 'mairie-accueil',
      itemId: `item-${k % 9}`,
      revision: 'a1b2c3d4e5f60718',
      start: new Date(start).toISOString(),
      end: new Date(start + 8_000).toISOString(),
      durationMs: 8_000,
      complete: true,
    };
  });
}

export async function addScreens(hub: HubProcess, count: number, prefix: string): Promise<ScreenToken[]> {
  const made: ScreenToken[] = [];
  for (let k = 0; k < count; k += 50) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(50, count - k) }, (_, j) =>
        adminApi<ScreenToken>(hub, 'POST', '/api/screens', { id: `${prefix}-${k + j}`, name: `Écran ${k + j}`, site: `site-${(k + j) % 40}`, timezone: 'Europe/Paris' }).then((r) => r.body),
      ),
    );
    made.push(...chunk);
  }
  return made;
}

export function connect(hub: HubProcess, screen: ScreenToken): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${hub.url}/screens`, { auth: { screenId: screen.screen.id, token: screen.token, protocol: 1, version: 'bench' }, transports: ['websocket'], reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** How long an ack is waited for: one not answered by then counts as this long. */
const ACK_WAIT_MS = 10_000;

async function timedAck(socket: Socket, event: string, payload: unknown): Promise<number> {
  const t0 = performance.now();
  await socket.timeout(ACK_WAIT_MS).emitWithAck(event, payload);
  return performance.now() - t0;
}

/** Impressions stored per second from batches of 500 over socket.io, 4 screens sending at once; against SQLite alone. */
export async function benchIngest(results: ResultFile, runs = 3, perScreen = 50_000): Promise<void> {
  const rates: number[] = [];
  const raw: number[] = [];
  for (let run = 0; run < runs; run++) {
    const hub = await startHubProcess();
    try {
      const screens = await addScreens(hub, 4, `ingest${run}`);
      const sockets = await Promise.all(screens.map((screen) => connect(hub, screen)));
      const batches = screens.map((screen) => {
        const all = impressions(screen.screen.id, perScreen);
        return Array.from({ length: perScreen / 500 }, (_, b) => all.slice(b * 500, b * 500 + 500));
      });
      const t0 = performance.now();
      await Promise.all(
        sockets.map(async (socket, s) => {
          for (const batch of batches[s]!) {
            const ack = (await socket.timeout(10_000).emitWithAck('impressions', { impressions: batch })) as { ok: boolean; stored: number };
            if (!ack.ok || ack.stored !== batch.length) throw new Error(`batch not stored: ${JSON.stringify(ack)}`);
          }
        }),
      );
      rates.push((4 * perScreen) / ((performance.now() - t0) / 1000));
      for (const socket of sockets) socket.close();

      // The same batches straight into SQLite in this process: the ceiling.
      const db = openSqliteDb(join(mkdtempSync(join(tmpdir(), 'antichambre-raw-')), 'raw.db'));
      // No fsync (WalSync on no file): SQLite's own ceiling.
      const store = new SqliteImpressionStore(db, new WalSync(null));
      const t1 = performance.now();
      for (const screenBatches of batches) for (const batch of screenBatches) await store.insert(batch, Date.now());
      raw.push((4 * perScreen) / ((performance.now() - t1) / 1000));
      db.close();
    } finally {
      await hub.stop();
    }
  }
  const m = median(rates);
  console.log(
    `hub ingest  ${(4 * perScreen).toLocaleString('en')} impressions, batches of 500 over socket.io: median ${Math.round(m).toLocaleString('en')}/s  [goal ≥ 50,000/s]  runs: ${rates.map((r) => Math.round(r)).join(' ')}; SQLite alone ${Math.round(median(raw)).toLocaleString('en')}/s (ratio ${(m / median(raw)).toFixed(2)})`,
  );
  results.record({
    id: 'hub.ingest',
    label: 'hub ingest, batches of 500 over socket.io from 4 screens, against the same batches straight into SQLite',
    value: Math.round(m),
    unit: 'impressions/s',
    text: `median ${(Math.round(m / 1000) * 1000).toLocaleString('en')} impressions/s; SQLite alone ${(Math.round(median(raw) / 1000) * 1000).toLocaleString('en')}/s (ratio ${(m / median(raw)).toFixed(2)})`,
    runs: rates.map(Math.round),
    goal: { op: '>=', value: 50_000 },
    dependsOn: HUB_SOURCES,
  });
}

/** 5,000 simulated screens on one hub: hello and impressions ack latencies with 30 s status, and the hub's memory. */
export async function benchScale(results: ResultFile, count = 5_000, steadyMs = 60_000): Promise<void> {
  const hub = await startHubProcess();
  try {
    const rssIdle = rssMB(hub.pid);
    const t0 = performance.now();
    const screens = await addScreens(hub, count, 'scale');
    const registerS = (performance.now() - t0) / 1000;
    const sockets: Socket[] = [];
    const hello: number[] = [];
    const t1 = performance.now();
    for (let k = 0; k < count; k += 250) {
      const chunk = await Promise.all(screens.slice(k, k + 250).map((screen) => connect(hub, screen)));
      sockets.push(...chunk);
      hello.push(...(await Promise.all(chunk.map((socket) => timedAck(socket, 'hello', { revision: null, version: 'bench', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } })))));
    }
    const connectS = (performance.now() - t1) / 1000;
    const rssConnected = rssMB(hub.pid);

    // Steady state: every screen sends its status every 30 s and a small batch of impressions, spread over the period.
    const acks: number[] = [];
    /** Every ack asked for (each settles: answered or timed out), awaited before the screens close: one closed with an ack outstanding would reject it (the bench once ended there). */
    const awaited: Promise<unknown>[] = [];
    let unanswered = 0;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const t2 = performance.now();
    sockets.forEach((socket, k) => {
      const tick = (): void => {
        socket.emit('status', { at: new Date().toISOString(), revision: null, playing: { playlistId: 'p', itemId: 'i' }, cache: { bytes: 1e8, files: 12, missing: 0 }, outbox: 0, uptimeS: 60, version: 'bench' });
        const acked = timedAck(socket, 'impressions', { impressions: impressions(screens[k]!.screen.id, 4, Date.now()) }).then(
          (ms) => acks.push(ms),
          () => {
            acks.push(ACK_WAIT_MS);
            unanswered++;
          },
        );
        awaited.push(acked);
      };
      timers.push(setTimeout(function again() {
        tick();
        timers.push(setTimeout(again, 30_000));
      }, (k / count) * 30_000));
    });
    await new Promise((r) => setTimeout(r, steadyMs));
    for (const timer of timers) clearTimeout(timer);
    const rssSteady = rssMB(hub.pid);
    const steadyS = (performance.now() - t2) / 1000;
    await Promise.all(awaited);
    for (const socket of sockets) socket.close();
    console.log(
      `hub scale  ${count} screens: registered in ${registerS.toFixed(1)} s, connected in ${connectS.toFixed(1)} s; hello ack p50 ${percentile(hello, 50).toFixed(1)} ms p99 ${percentile(hello, 99).toFixed(1)} ms`,
    );
    console.log(
      `hub scale  ${steadyS.toFixed(0)} s with status every 30 s: impressions ack p50 ${percentile(acks, 50).toFixed(1)} ms p99 ${percentile(acks, 99).toFixed(1)} ms over ${acks.length} acks${unanswered ? ` (${unanswered} unanswered in ${ACK_WAIT_MS / 1000} s, counted as ${ACK_WAIT_MS / 1000} s)` : ''}  [goal p99 < 100 ms]; hub RSS ${rssIdle.toFixed(0)} MB idle, ${rssConnected.toFixed(0)} MB connected, ${rssSteady.toFixed(0)} MB steady`,
    );
    results.record({
      id: 'hub.scale',
      label: `${count.toLocaleString('en')} simulated screens on one hub, status every 30 s: impressions ack p99`,
      value: Number(percentile(acks, 99).toFixed(1)),
      unit: 'ms',
      text: `impressions ack p99 ${percentile(acks, 99).toFixed(1)} ms${unanswered ? ` (${unanswered} of ${acks.length} unanswered in ${ACK_WAIT_MS / 1000} s)` : ''}; hub RSS ${rssSteady.toFixed(0)} MB`,
      runs: [Number(percentile(acks, 99).toFixed(1))],
      goal: { op: '<', value: 100 },
      dependsOn: HUB_SOURCES,
    });
  } finally {
    await hub.stop();
  }
}

/** A week offline at one item every 8 s (75,000 impressions) flushed by a real player to a real hub. */
export async function benchBacklog(browser: Browser, site: StaticSite, results: ResultFile, runs = 3, count = 75_000): Promise<void> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const hub = await startHubProcess();
    const { context, page } = await newPlayerPage(browser);
    try {
      const [screen] = await addScreens(hub, 1, `backlog${run}`);
      await page.goto(site.url);
      await page.waitForSelector('[data-item-id], [data-idle]');
      const backlog = impressions(screen!.screen.id, count);
      for (let k = 0; k < count; k += 15_000) await putInOutbox(page, backlog.slice(k, k + 15_000));
      const db = new Database(hub.db, { readonly: true });
      const countAt = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM impressions WHERE playlist_id = ?');
      const t0 = performance.now();
      await page.goto(`${site.url}?hub=${encodeURIComponent(hub.url)}&screen=${screen!.screen.id}&token=${encodeURIComponent(screen!.token)}`);
      while (countAt.get('mairie-accueil')!.n < count) {
        if (performance.now() - t0 > 300_000) throw new Error('backlog not flushed in 5 minutes');
        await new Promise((r) => setTimeout(r, 50));
      }
      times.push((performance.now() - t0) / 1000);
      db.close();
    } finally {
      await context.close();
      await hub.stop();
    }
  }
  console.log(`player backlog  ${count.toLocaleString('en')} impressions flushed to the hub: median ${median(times).toFixed(1)} s  [goal < 15 s]  runs: ${times.map((t) => t.toFixed(1)).join(' ')}`);
  results.record({
    id: 'player.backlog',
    label: `a week offline (${count.toLocaleString('en')} impressions) flushed by a player`,
    value: Number(median(times).toFixed(1)),
    unit: 's',
    text: `median ${median(times).toFixed(1)} s`,
    runs: times.map((t) => Number(t.toFixed(1))),
    goal: { op: '<', value: 15 },
    dependsOn: [...new Set([...HUB_SOURCES, ...STARTUP_SOURCES.filter((path) => path !== 'bench/startup.ts')])],
  });
}
