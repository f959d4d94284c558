import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import type { PushResult } from '../src/shared/adminApi.js';
import type { Impression } from '../src/shared/impression.js';
import { hashToken } from '../src/hub/secrets.js';
import { adminApi, rssMB, startHubProcess, type HubProcess } from '../test/support/hubProcess.js';
import { startPostgres } from '../test/support/postgresServer.js';
import { startRedis } from '../test/support/redisServer.js';
import type { ResultFile } from './resultFile.js';
import { median, percentile } from './stats.js';

/**
 * `npm run bench -- cluster`: simulated screens over 1, 2 and 4 hub nodes on one PostgreSQL
 * (fsync on) and one Redis, all on this machine, with every simulated screen in this one
 * process: the connection storm, impressions ack p99 in steady state, ingest into PostgreSQL,
 * a push to a site of 1,000 screens spread over the nodes, each node's RSS. Asserts nothing.
 * ANTICHAMBRE_BENCH_SCREENS sets the number of screens (default 3,000: 10,000 sockets in one
 * client process on a loaded 2-core machine measure the client more than the hub).
 */

const CLUSTER_SOURCES = ['src/hub', 'src/shared', 'vite.hub.config.ts', 'package-lock.json', 'bench/clusterBench.ts'];
const TOKEN = 'bench-screen-token-0123456789abcdefghijklmnopqrstuv';
const FANOUT = 1_000;

interface NodeRun {
  nodes: number;
  screens: number;
  connectS: number;
  helloP99: number;
  ackP50: number;
  ackP99: number;
  acks: number;
  ingest: number;
  fanoutReceivedS: number;
  fanoutAckedS: number;
  rss: number[];
  /** CPU used during the steady state, in cores: each node, and this process (every simulated screen). */
  nodeCpu: number[];
  clientCpu: number;
  load: number;
}

/** CPU seconds a process has used (Linux /proc: user + system). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function impressions(screenId: string, count: number, from: number): Impression[] {
  return Array.from({ length: count }, (_, k) => {
    const start = from + k * 8_000;
    return { id: uuidv7(), screenId, playlistId: 'p', itemId: `i${k % 9}`, revision: 'r', start: new Date(start).toISOString(), end: new Date(start + 8_000).toISOString(), durationMs: 8_000, complete: true };
  });
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench cluster: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function runWith(nodeCount: number, screenCount: number, steadyMs: number, services: { pgUrl: () => Promise<string>; redisUrl: string }): Promise<NodeRun> {
  const dbUrl = await services.pgUrl();
  const media = mkdtempSync(join(tmpdir(), 'antichambre-bench-media-'));
  const nodes: HubProcess[] = [];
  for (let n = 0; n < nodeCount; n++) nodes.push(await startHubProcess({ args: ['--db', dbUrl, '--broker', services.redisUrl, '--media', media] }));
  const sockets: Socket[] = [];
  try {
    // Screens registered straight into the database (one token for all: the bench measures serving, not registering).
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    const ids = Array.from({ length: screenCount }, (_, k) => `ecran-${k}`);
    await db.query(
      "INSERT INTO screens (id, name, site, timezone, token_hash, created_at) SELECT id, id, site, 'Europe/Paris', $3, '2026-12-01T00:00:00.000Z' FROM unnest($1::text[], $2::text[]) AS s(id, site)",
      [ids, ids.map((_, k) => (k < FANOUT ? 'fanout' : `site-${k % 40}`)), hashToken(TOKEN)],
    );

    // The connection storm: every screen connects (round robin over the nodes, as a balancer would) and says hello.
    const received = new Map<string, number>();
    const hello: number[] = [];
    const t0 = performance.now();
    for (let k = 0; k < screenCount; k += 500) {
      const chunk = await Promise.all(
        ids.slice(k, k + 500).map(
          (id, j) =>
            new Promise<Socket>((resolve, reject) => {
              const node = nodes[(k + j) % nodes.length]!;
              const socket = io(`${node.url}/screens`, { auth: { screenId: id, token: TOKEN, protocol: 1, version: 'bench' }, transports: ['websocket'], reconnection: false });
              socket.on('playlists', (message: { revision: string }, ack: (a: unknown) => void) => {
                received.set(id, performance.now());
                ack({ ok: true });
              });
              socket.once('connect', () => {
                const h0 = performance.now();
                socket
                  .timeout(30_000)
                  .emitWithAck('hello', { revision: null, version: 'bench', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } })
                  .then(() => {
                    hello.push(performance.now() - h0);
                    resolve(socket);
                  }, reject);
              });
              socket.once('connect_error', reject);
            }),
        ),
      );
      sockets.push(...chunk);
    }
    const connectS = (performance.now() - t0) / 1000;

    // Steady state: every screen sends its status and 4 impressions every 30 s, spread over the period.
    const cpu0 = nodes.map((node) => cpuSeconds(node.pid));
    const client0 = process.cpuUsage();
    const s0 = performance.now();
    const acks: number[] = [];
    const timers: ReturnType<typeof setTimeout>[] = [];
    sockets.forEach((socket, k) => {
      const tick = (): void => {
        socket.emit('status', { at: new Date().toISOString(), revision: null, playing: { playlistId: 'p', itemId: 'i' }, cache: { bytes: 1e8, files: 12, missing: 0 }, outbox: 0, uptimeS: 60, version: 'bench' });
        const a0 = performance.now();
        void socket
          .timeout(30_000)
          .emitWithAck('impressions', { impressions: impressions(ids[k]!, 4, Date.now()) })
          .then(() => acks.push(performance.now() - a0));
      };
      timers.push(
        setTimeout(function again() {
          tick();
          timers.push(setTimeout(again, 30_000));
        }, (k / screenCount) * 30_000),
      );
    });
    await new Promise((resolve) => setTimeout(resolve, steadyMs));
    for (const timer of timers) clearTimeout(timer);
    const steadyS = (performance.now() - s0) / 1000;
    const nodeCpu = nodes.map((node, n) => (cpuSeconds(node.pid) - cpu0[n]!) / steadyS);
    const clientUsage = process.cpuUsage(client0);
    const clientCpu = (clientUsage.user + clientUsage.system) / 1e6 / steadyS;
    const load = loadavg()[0]!;
    const rss = nodes.map((node) => rssMB(node.pid));

    // Ingest: 8 screens (spread over the nodes) send batches of 500 back to back, 80,000 impressions in all.
    const senders = sockets.slice(FANOUT, FANOUT + 8);
    const perSender = 10_000;
    const batches = senders.map((_, s) => {
      const all = impressions(ids[FANOUT + s]!, perSender, Date.UTC(2026, 0, 1) + s * 1e9);
      return Array.from({ length: perSender / 500 }, (_, b) => all.slice(b * 500, b * 500 + 500));
    });
    const i0 = performance.now();
    await Promise.all(
      senders.map(async (socket, s) => {
        for (const batch of batches[s]!) {
          const answer = (await socket.timeout(60_000).emitWithAck('impressions', { impressions: batch })) as { ok: boolean; stored?: number };
          if (!answer.ok || answer.stored !== batch.length) throw new Error(`bench cluster: batch not stored: ${JSON.stringify(answer)}`);
        }
      }),
    );
    const ingest = (senders.length * perSender) / ((performance.now() - i0) / 1000);

    // Fan-out: a push to the site of 1,000 screens (spread over every node) made through node 0.
    const f0 = performance.now();
    const push = await adminApi<PushResult>(nodes[0]!, 'POST', '/api/playlists', { playlists: [{ id: 'annonce', items: [{ id: 't', type: 'text', duration: 8, title: 'Fermeture exceptionnelle' }] }], target: { site: 'fanout' } });
    if (push.status !== 200) throw new Error(`bench cluster: push answered ${push.status}`);
    const fanoutIds = ids.slice(0, FANOUT);
    await until('every screen of the site to receive the push', () => fanoutIds.every((id) => (received.get(id) ?? 0) > f0), 120_000);
    const fanoutReceivedS = (Math.max(...fanoutIds.map((id) => received.get(id)!)) - f0) / 1000;
    const revision = push.body.screens[0]!.revision;
    await until(
      'every ack to be recorded',
      async () => Number((await db.query<{ n: string }>("SELECT COUNT(*) AS n FROM screens WHERE site = 'fanout' AND acked_revision = $1", [revision])).rows[0]!.n) === FANOUT,
      120_000,
    );
    const fanoutAckedS = (performance.now() - f0) / 1000;
    await db.end();
    return { nodes: nodeCount, screens: screenCount, connectS, helloP99: percentile(hello, 99), ackP50: percentile(acks, 50), ackP99: percentile(acks, 99), acks: acks.length, ingest, fanoutReceivedS, fanoutAckedS, rss, nodeCpu, clientCpu, load };
  } finally {
    for (const socket of sockets) socket.close();
    for (const node of nodes) await node.stop();
  }
}

export async function benchCluster(results: ResultFile, screenCount = Number(process.env['ANTICHAMBRE_BENCH_SCREENS'] ?? 3_000), steadyMs = 30_000, nodeCounts = [1, 2, 4]): Promise<void> {
  const postgres = await startPostgres({ durable: true });
  const redis = await startRedis();
  const runs: NodeRun[] = [];
  try {
    for (const nodes of nodeCounts) {
      const run = await runWith(nodes, screenCount, steadyMs, { pgUrl: () => postgres.freshDatabase(), redisUrl: redis.url });
      runs.push(run);
      console.log(
        `hub cluster  ${run.nodes} node(s), ${run.screens.toLocaleString('en')} screens: connected in ${run.connectS.toFixed(1)} s (hello p99 ${run.helloP99.toFixed(0)} ms); ` +
          `impressions ack p50 ${run.ackP50.toFixed(1)} ms p99 ${run.ackP99.toFixed(1)} ms over ${run.acks} acks [goal p99 < 100 ms]; ingest ${Math.round(run.ingest).toLocaleString('en')}/s [goal >= 50,000/s]; ` +
          `push to ${FANOUT} screens: all received in ${run.fanoutReceivedS.toFixed(2)} s, all acks recorded in ${run.fanoutAckedS.toFixed(2)} s [goal < 5 s]; RSS per node ${run.rss.map((r) => r.toFixed(0)).join(', ')} MB; steady CPU (cores) nodes ${run.nodeCpu.map((c) => c.toFixed(2)).join(', ')}, simulated screens ${run.clientCpu.toFixed(2)}; load average ${run.load.toFixed(1)}`,
      );
    }
  } finally {
    await redis.stop();
    await postgres.stop();
  }
  console.log('\n| nodes | screens | connection storm | impressions ack p50 / p99 | ingest into PostgreSQL | push to 1,000 screens: received / acks recorded | RSS per node | steady CPU: nodes / simulated screens (cores) | load average |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const run of runs) {
    console.log(
      `| ${run.nodes} | ${run.screens.toLocaleString('en')} | ${run.connectS.toFixed(1)} s | ${run.ackP50.toFixed(1)} / ${run.ackP99.toFixed(1)} ms | ${(Math.round(run.ingest / 100) * 100).toLocaleString('en')}/s | ${run.fanoutReceivedS.toFixed(2)} s / ${run.fanoutAckedS.toFixed(2)} s | ${run.rss.map((r) => r.toFixed(0)).join(', ')} MB | ${run.nodeCpu.map((c) => c.toFixed(2)).join(', ')} / ${run.clientCpu.toFixed(2)} | ${run.load.toFixed(1)} |`,
    );
  }
  const two = runs.find((run) => run.nodes === 2) ?? runs[0]!;
  const common = { dependsOn: CLUSTER_SOURCES };
  results.record({
    id: 'cluster.ack-p99',
    label: `${two.screens.toLocaleString('en')} simulated screens over ${two.nodes} hub nodes (PostgreSQL, Redis), status every 30 s: impressions ack p99`,
    value: Number(two.ackP99.toFixed(1)),
    unit: 'ms',
    text: `impressions ack p99 ${two.ackP99.toFixed(1)} ms; connection storm ${two.connectS.toFixed(1)} s`,
    runs: runs.map((run) => Number(run.ackP99.toFixed(1))),
    goal: { op: '<', value: 100 },
    ...common,
  });
  results.record({
    id: 'cluster.ingest',
    label: `ingest into PostgreSQL (fsync on) through ${two.nodes} hub nodes, batches of 500 from 8 screens`,
    value: Math.round(two.ingest),
    unit: 'impressions/s',
    text: `${(Math.round(two.ingest / 1000) * 1000).toLocaleString('en')} impressions/s`,
    runs: runs.map((run) => Math.round(run.ingest)),
    goal: { op: '>=', value: 50_000 },
    ...common,
  });
  results.record({
    id: 'cluster.fanout',
    label: `a push to a site of ${FANOUT.toLocaleString('en')} screens spread over ${two.nodes} hub nodes: every ack recorded`,
    value: Number(two.fanoutAckedS.toFixed(2)),
    unit: 's',
    text: `all received in ${two.fanoutReceivedS.toFixed(2)} s, all acks recorded in ${two.fanoutAckedS.toFixed(2)} s`,
    runs: runs.map((run) => Number(run.fanoutAckedS.toFixed(2))),
    goal: { op: '<', value: 5 },
    ...common,
  });
  console.log(`median ingest over the node counts: ${Math.round(median(runs.map((run) => run.ingest))).toLocaleString('en')}/s`);
}
