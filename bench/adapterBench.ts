import { createServer } from 'node:http';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { openPostgresStores } from '../src/hub/stores/postgres/index.js';
import type { Impression } from '../src/shared/impression.js';
import { startPostgres } from '../test/support/postgresServer.js';
import { startRedis } from '../test/support/redisServer.js';
import type { ResultFile } from './resultFile.js';
import { percentile } from './stats.js';

/**
 * `npm run bench -- adapters`: the broker between hub nodes, Redis Streams against PostgreSQL
 * (LISTEN/NOTIFY), for what crosses it: a room broadcast with acks (a site's queue event to
 * its screens) from node A to 50 screens on node B, 10 then 100 a second for 10 s (each
 * broadcast brings 50 acks back across the broker); with the database idle, then while
 * impressions are ingested into the same PostgreSQL as fast as 4 writers go.
 */

const ADAPTER_SOURCES = ['bench/adapterBench.ts', 'package-lock.json'];
const SCREENS = 50;
const RATES = [10, 100];
const SECONDS = 10;

interface Measure {
  p50: number;
  p99: number;
  lost: number;
  ingest: number;
}

async function node(adapter: ReturnType<typeof createRedisStreamsAdapter> | ReturnType<typeof createPostgresAdapter>): Promise<{ io: Server; port: number; close(): Promise<void> }> {
  const http = createServer();
  const io = new Server(http, { adapter, transports: ['websocket'] });
  io.of('/screens').on('connection', (socket) => {
    void socket.join('site:prefecture');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const address = http.address();
  return { io, port: typeof address === 'object' && address ? address.port : 0, close: () => new Promise((resolve) => io.close(() => resolve())) };
}

function impressions(count: number, base: number): Impression[] {
  return Array.from({ length: count }, (_, k) => {
    const start = base + k * 1_000;
    return { id: uuidv7(), screenId: 'ingest', playlistId: 'p', itemId: 'i', revision: 'r', start: new Date(start).toISOString(), end: new Date(start + 1_000).toISOString(), durationMs: 1_000, complete: true };
  });
}

async function measure(kind: 'redis-streams' | 'postgres', rate: number, withIngest: boolean, urls: { db: string; redis: string }): Promise<Measure> {
  const closers: (() => Promise<unknown>)[] = [];
  const adapter = (): ReturnType<typeof createRedisStreamsAdapter> => {
    if (kind === 'redis-streams') {
      const client = new Redis(urls.redis);
      closers.push(async () => client.disconnect());
      return createRedisStreamsAdapter(client);
    }
    const pool = new pg.Pool({ connectionString: urls.db, max: 4 });
    closers.push(() => pool.end());
    return createPostgresAdapter(pool) as unknown as ReturnType<typeof createRedisStreamsAdapter>;
  };
  if (kind === 'postgres') {
    const setup = new pg.Client({ connectionString: urls.db });
    await setup.connect();
    await setup.query('CREATE TABLE IF NOT EXISTS socket_io_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)');
    await setup.end();
  }
  const a = await node(adapter());
  const b = await node(adapter());
  const clients: Socket[] = [];
  for (let k = 0; k < SCREENS; k++) {
    const socket = connect(`http://127.0.0.1:${b.port}/screens`, { transports: ['websocket'], reconnection: false });
    socket.on('queue', (_payload: unknown, ack: (answer: unknown) => void) => ack({ ok: true }));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    clients.push(socket);
  }
  // Let both nodes see each other.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const stores = withIngest ? await openPostgresStores(urls.db) : null;
  let ingesting = withIngest;
  let ingested = 0;
  const writers = Array.from({ length: withIngest ? 4 : 0 }, async (_, w) => {
    let n = 0;
    while (ingesting) {
      const batch = impressions(500, Date.UTC(2026, 0, 1) + (w * 1e7 + n++) * 1e6);
      ingested += (await stores!.impressions.insert(batch, Date.now())).stored;
    }
  });
  const i0 = performance.now();
  const latencies: number[] = [];
  let lost = 0;
  const pending: Promise<void>[] = [];
  for (let k = 0; k < rate * SECONDS; k++) {
    const t0 = performance.now();
    pending.push(
      new Promise<void>((resolve) => {
        a.io
          .of('/screens')
          .to('site:prefecture')
          .timeout(5_000)
          .emit('queue', { events: [{ type: 'issued', ticket: `A${k}`, service: 'titres', at: new Date().toISOString() }] }, (error: Error | null, answers: unknown[]) => {
            if (error || answers.length < SCREENS) lost++;
            else latencies.push(performance.now() - t0);
            resolve();
          });
      }),
    );
    const next = i0 + ((k + 1) * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  await Promise.all(pending);
  ingesting = false;
  await Promise.all(writers);
  const ingest = ingested / ((performance.now() - i0) / 1000);
  for (const socket of clients) socket.close();
  await a.close();
  await b.close();
  await stores?.close();
  for (const close of closers) await close();
  return { p50: latencies.length ? percentile(latencies, 50) : NaN, p99: latencies.length ? percentile(latencies, 99) : NaN, lost, ingest };
}

export async function benchAdapters(results: ResultFile): Promise<void> {
  const postgres = await startPostgres({ durable: true });
  const redis = await startRedis();
  const rows: string[] = [];
  const figures: Record<string, Measure> = {};
  try {
    for (const kind of ['redis-streams', 'postgres'] as const) {
      for (const rate of RATES) {
        for (const withIngest of [false, true]) {
          const m = await measure(kind, rate, withIngest, { db: await postgres.freshDatabase(), redis: redis.url });
          figures[`${kind}@${rate}${withIngest ? '+ingest' : ''}`] = m;
          const shown = (ms: number): string => (Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : 'none acked');
          const line = `| ${kind === 'redis-streams' ? 'Redis Streams' : 'PostgreSQL (NOTIFY)'} | ${rate}/s | ${withIngest ? `ingesting (${Math.round(m.ingest).toLocaleString('en')}/s)` : 'idle'} | ${shown(m.p50)} | ${shown(m.p99)} | ${m.lost} of ${rate * SECONDS} |`;
          rows.push(line);
          console.log(`hub adapters  ${line}`);
        }
      }
    }
  } finally {
    await redis.stop();
    await postgres.stop();
  }
  console.log(`\n| broker | broadcasts | database | room broadcast with acks, p50 | p99 | not all acked in 5 s |\n| --- | --- | --- | --- | --- | --- |\n${rows.join('\n')}`);
  const redisLoaded = figures['redis-streams@10+ingest']!;
  const pgLoaded = figures['postgres@10+ingest']!;
  // None acked: counted as the 5 s timeout.
  const p99 = (m: Measure): number => Number((Number.isFinite(m.p99) ? m.p99 : 5_000).toFixed(1));
  results.record({
    id: 'cluster.adapter',
    label: `room broadcast with acks to ${SCREENS} screens on another node, 10/s, while PostgreSQL ingests: p99, Redis Streams against the PostgreSQL adapter`,
    value: p99(redisLoaded),
    unit: 'ms',
    text: `Redis Streams p99 ${p99(redisLoaded)} ms, PostgreSQL adapter p99 ${p99(pgLoaded)} ms (${pgLoaded.lost} not all acked in 5 s)`,
    runs: [p99(redisLoaded), p99(pgLoaded)],
    goal: null,
    dependsOn: ADAPTER_SOURCES,
  });
}
