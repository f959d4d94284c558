import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fork, type ChildProcess } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import type { PushResult } from '../src/shared/adminApi.js';
import type { Impression } from '../src/shared/impression.js';
import { hashToken } from '../src/hub/secrets.js';
import { openPostgresStores } from '../src/hub/stores/postgres/index.js';
import { adminApi, rssMB, startHubProcess, type HubProcess } from '../test/support/hubProcess.js';
import { startPostgres } from '../test/support/postgresServer.js';
import { startRedis } from '../test/support/redisServer.js';
import type { ScreensAnswer, ScreensCommand } from './clusterScreens.js';
import { postgresCpu, processStat } from './pgIngestBench.js';
import type { ResultFile } from './resultFile.js';
import { median, percentile } from './stats.js';

/**
 * `npm run bench -- cluster`: simulated screens over 1, 2 and 4 hub nodes on one PostgreSQL
 * (fsync on) and one Redis, all on this machine. The simulated screens run in processes of
 * their own (bench/clusterScreens.ts, SCREENS_PER_PROCESS each), so that their work is not
 * measured as the hub's: the connection storm, impressions ack p99 in steady state (as the
 * screens see it, and as each node times it from receiving to answering), each node's
 * event-loop delay, ingest into PostgreSQL (sustained: the median of the rounds after WARMUP_ROUNDS), a push to a site of 1,000 screens spread over the
 * nodes, each node's RSS, and the CPU each component used. Asserts nothing.
 * ANTICHAMBRE_BENCH_SCREENS sets the number of screens (default 10,000, the issue's);
 * ANTICHAMBRE_BENCH_NODES the node counts (default 1,2,4). ANTICHAMBRE_BENCH_BASELINE, the
 * path of another build's hub.js (e.g. main's, copied under dist/), runs that build too before
 * each node count, in the same minutes, for a comparison on a loaded machine (its lines are
 * printed as "baseline"; only the current build's figures are recorded).
 * ANTICHAMBRE_BENCH_PG_SETTINGS: PostgreSQL settings for the run, `name=value` separated by spaces.
 * The ingest's baseline is measured in the same minutes: the same rounds straight into the store,
 * alternated with the nodes' sustained rounds one for one.
 */

const CLUSTER_SOURCES = ['src/hub', 'src/shared', 'vite.hub.config.ts', 'package-lock.json', 'bench/clusterBench.ts', 'bench/clusterScreens.ts'];
const TOKEN = 'bench-screen-token-0123456789abcdefghijklmnopqrstuv';
const FANOUT = 1_000;
const SCREENS_PER_PROCESS = 2_500;
const PERIOD_MS = 30_000;
const INGEST_SENDERS = 8;
const INGEST_ROUNDS = 6;
/** The first rounds, the burst: printed, not in the figure (the sustained rate). */
const WARMUP_ROUNDS = 2;

/** One round of the ingest: its rate, and whether an autovacuum worker or a checkpoint ran during it. */
interface IngestRound {
  rate: number;
  autovacuum: boolean;
  checkpoints: number;
  /** Cores used during the round: the hub nodes together, PostgreSQL, this process (the 8 senders' encoding, and the sampler). */
  cores: { nodes: number; pg: number; senders: number };
  /** WAL written during the round, MB. */
  walMB: number;
  /** Written to the machine's disks during the round (all processes), MB (null: not known here); the most the kernel held not yet written (Dirty + Writeback), MB. */
  diskMB: number | null;
  dirtyMB: number;
}

/** MB written to the machine's disks since boot (Linux /proc/diskstats: whole disks, sectors of 512 bytes); null where it cannot be told (no such file, no disk of those names). */
function diskWrittenMB(): number | null {
  let text: string;
  try {
    text = readFileSync('/proc/diskstats', 'utf8');
  } catch {
    return null;
  }
  let sectors = 0;
  let disks = 0;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (/^((s|v|xv|h)d[a-z]+|nvme\d+n\d+|mmcblk\d+)$/.test(fields[2] ?? '')) {
      sectors += Number(fields[9]);
      disks++;
    }
  }
  return disks > 0 ? (sectors * 512) / 1e6 : null;
}

/** Data the kernel holds to be written to disk (Dirty + Writeback of /proc/meminfo), MB; 0 where it cannot be told. */
function dirtyMB(): number {
  let text: string;
  try {
    text = readFileSync('/proc/meminfo', 'utf8');
  } catch {
    return 0;
  }
  const kB = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return (kB('Dirty') + kB('Writeback')) / 1024;
}

/** Where PostgreSQL's WAL stands, in bytes. */
async function walPosition(db: pg.Client): Promise<bigint> {
  const { rows } = await db.query<{ at: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS at");
  return BigInt(rows[0]!.at.split('.')[0]!);
}

/** Impressions each sender sends in a round, in batches of 500. */
const PER_SENDER = 10_000;

/** A round's batches for each sender: new ids, and times of their own (each sender and round its own stretch of days). */
function roundBatches(senderIds: readonly string[], round: number): Impression[][][] {
  return senderIds.map((id, s) => {
    const all = impressions(id, PER_SENDER, Date.UTC(2026, 0, 1) + (round * senderIds.length + s) * 1e9);
    return Array.from({ length: PER_SENDER / 500 }, (_, b) => all.slice(b * 500, b * 500 + 500));
  });
}

/** One round of the ingest straight into the store: the same 8 senders' batches of 500, back to back, no socket and no node; its rate. */
async function storeRound(stores: Awaited<ReturnType<typeof openPostgresStores>>, senderIds: readonly string[], round: number): Promise<number> {
  const batches = roundBatches(senderIds, round);
  const t0 = performance.now();
  await Promise.all(
    batches.map(async (list) => {
      for (const batch of list) {
        const answer = await stores.impressions.insert(batch, Date.now());
        if (answer.stored !== batch.length) throw new Error(`bench cluster: a batch was not stored whole at the store: ${JSON.stringify(answer)}`);
      }
    }),
  );
  return (senderIds.length * PER_SENDER) / ((performance.now() - t0) / 1000);
}

/** A rate in thousands, as the README writes it (123,000). */
function thousands(rate: number): string {
  return (Math.round(rate / 1000) * 1000).toLocaleString('en');
}

/** The rates of a run's sustained rounds (after the warm-up). */
function sustained(run: { ingestRounds: IngestRound[] }): number[] {
  return run.ingestRounds.slice(WARMUP_ROUNDS).map((round) => round.rate);
}

/** The rounds' rates in order, each marked with what PostgreSQL did meanwhile: `v` an autovacuum worker, `c` a checkpoint. */
function describeRounds(rounds: IngestRound[]): string {
  return (
    rounds.map((round) => `${Math.round(round.rate / 1000)}k${round.autovacuum ? ' v' : ''}${round.checkpoints > 0 ? ' c' : ''} [cores ${round.cores.nodes.toFixed(2)}/${round.cores.pg.toFixed(2)}/${round.cores.senders.toFixed(2)}, WAL ${round.walMB.toFixed(0)} MB, disk ${round.diskMB === null ? 'n/a' : `${round.diskMB.toFixed(0)} MB`}, dirty up to ${round.dirtyMB.toFixed(0)} MB]`).join(', ') +
    '; v: an autovacuum worker ran, c: a checkpoint began; cores used: the nodes / PostgreSQL / the senders'
  );
}

/** A checkpoint now (the server's dirty pages written and synced), waited for. */
async function checkpoint(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

/** Checkpoints PostgreSQL has begun, timed and requested (pg_stat_checkpointer, PostgreSQL 17 and later). */
async function checkpoints(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT (num_timed + num_requested)::text AS n FROM pg_stat_checkpointer');
  return Number(rows[0]!.n);
}

interface NodeRun {
  /** "current", or "baseline" (the build ANTICHAMBRE_BENCH_BASELINE names). */
  build: 'current' | 'baseline';
  nodes: number;
  screens: number;
  connectS: number;
  /** Connection attempts refused or timed out during the storm (each screen tries again, as players do). */
  retries: number;
  helloP99: number;
  ackP50: number;
  ackP99: number;
  acks: number;
  failedAcks: number;
  /** The acks over 100 ms: how many, and in how many distinct seconds of the steady state (few: stalls of the whole machine; many: a steady cost). */
  slowAcks: number;
  slowSeconds: number;
  steadySeconds: number;
  /** The nodes' own timing of impressions (received to answered): the histogram bucket holding their p99, in ms. */
  hubAckP99: number;
  /** Each node's event-loop delay p99 over the steady state, ms. */
  nodeLagP99: number[];
  /** The simulated screens' processes' event-loop delay p99 (the worst), ms. */
  clientLagP99: number;
  /** The sustained ingest: the median of the rounds after WARMUP_ROUNDS, impressions/s. */
  ingest: number;
  ingestRounds: IngestRound[];
  /** The baseline: the same rounds straight into the store, alternated with the nodes' sustained rounds (median, and each), impressions/s. */
  storeIngest: number;
  storeRates: number[];
  /** Each sustained node round's rate over the store round beside it. */
  pairRatios: number[];
  fanoutReceivedS: number;
  fanoutAckedS: number;
  rss: number[];
  /** CPU used during the steady state, in cores: each node, PostgreSQL, Redis, the simulated screens (all processes). */
  nodeCpu: number[];
  pgCpu: number;
  redisCpu: number;
  /** What PostgreSQL's busy backends were doing, sampled every 100 ms in the steady state: wait event (or "CPU") and its share of the samples. */
  pgBusy: { what: string; share: number }[];
  /** The statements the nodes ran in the steady state (pg_stat_statements), the most time first: calls per second, mean execution ms (a commit's WAL flush not included), rows per call. */
  statements: { query: string; perS: number; meanMs: number; rows: number }[];
  /** Every statement the nodes ran, per second, and per status + impressions message pair sent by the screens. */
  statementsPerS: number;
  /** Seconds per second each node's event loop was ready to run but waited for a core (the machine's other work): 0.5 means half the time. */
  nodeWait: number[];
  clientCpu: number;
  load: number;
}

/** Seconds a process's main thread (a node's event loop) has waited for a core while ready to run (Linux /proc/<pid>/schedstat, field 2). */
function runQueueWaitS(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
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
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A process of simulated screens: one command at a time, each answered. */
class ScreensProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor() {
    this.child = fork(join(import.meta.dirname, 'clusterScreens.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  request<T extends ScreensAnswer['type']>(command: ScreensCommand, expected: T): Promise<Extract<ScreensAnswer, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onExit = (): void => reject(new Error('bench cluster: a simulated screens process ended'));
      this.child.once('exit', onExit);
      this.child.once('message', (message: ScreensAnswer) => {
        this.child.off('exit', onExit);
        if (message.type === expected) resolve(message as Extract<ScreensAnswer, { type: T }>);
        else reject(new Error(`bench cluster: simulated screens answered ${JSON.stringify(message).slice(0, 300)}`));
      });
      this.child.send(command);
    });
  }

  async close(): Promise<void> {
    if (this.child.connected) this.child.send({ type: 'close' } satisfies ScreensCommand);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** What a node's /metrics says now (the loopback may read it): its event-loop delay p99 (ms; reset by each read) and its impressions ack histogram. */
async function nodeMetrics(node: HubProcess): Promise<{ lagP99: number; buckets: Map<number, number> }> {
  const text = await (await fetch(new URL('/metrics', node.url))).text();
  const lag = /^antichambre_hub_nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text);
  const buckets = new Map<number, number>();
  for (const match of text.matchAll(/^antichambre_ack_latency_seconds_bucket\{(?=[^}]*event="impressions")[^}]*le="([^"]+)"[^}]*\} (\S+)$/gm)) {
    buckets.set(match[1] === '+Inf' ? Infinity : Number(match[1]), Number(match[2]));
  }
  return { lagP99: lag ? Number(lag[1]) * 1000 : NaN, buckets };
}

/** The upper bound (ms) of the histogram bucket holding the p99 of what was observed between two reads of the nodes' buckets. */
function bucketP99(before: Map<number, number>[], after: Map<number, number>[]): number {
  const bounds = [...(after[0]?.keys() ?? [])].sort((a, b) => a - b);
  const counts = bounds.map((bound) => after.reduce((sum, node, n) => sum + (node.get(bound) ?? 0) - (before[n]!.get(bound) ?? 0), 0));
  const total = counts.at(-1) ?? 0;
  const k = bounds.findIndex((_, i) => counts[i]! >= 0.99 * total);
  return total === 0 || k < 0 ? NaN : bounds[k]! * 1000;
}

async function runWith(
  nodeCount: number,
  screenCount: number,
  steadyMs: number,
  services: { pgUrl: () => Promise<string>; redisUrl: string; postmaster: number; redisPid: number },
  entry?: string,
): Promise<NodeRun> {
  const dbUrl = await services.pgUrl();
  const media = mkdtempSync(join(tmpdir(), 'antichambre-bench-media-'));
  const nodes: HubProcess[] = [];
  for (let n = 0; n < nodeCount; n++) nodes.push(await startHubProcess({ args: ['--db', dbUrl, '--broker', services.redisUrl, '--media', media], ...(entry ? { entry } : {}) }));
  const processes = Array.from({ length: Math.ceil(screenCount / SCREENS_PER_PROCESS) }, () => new ScreensProcess());
  const senders: Socket[] = [];
  const db = new pg.Client({ connectionString: dbUrl });
  db.on('error', () => {});
  try {
    // Screens registered straight into the database (one token for all: the bench measures serving, not registering).
    await db.connect();
    const ids = Array.from({ length: screenCount }, (_, k) => `ecran-${k}`);
    const senderIds = Array.from({ length: INGEST_SENDERS }, (_, k) => `ingest-${k}`);
    await db.query(
      "INSERT INTO screens (id, name, site, timezone, token_hash, created_at) SELECT id, id, site, 'Europe/Paris', $3, '2026-12-01T00:00:00.000Z' FROM unnest($1::text[], $2::text[]) AS s(id, site)",
      [[...ids, ...senderIds], [...ids.map((_, k) => (k < FANOUT ? 'fanout' : `site-${k % 40}`)), ...senderIds.map(() => 'ingest')], hashToken(TOKEN)],
    );

    // The connection storm: every screen connects (round robin over the nodes, as a balancer would) and says hello; the processes share the screens.
    const share = Math.ceil(screenCount / processes.length);
    const t0 = performance.now();
    const connected = await Promise.all(
      processes.map((child, p) => child.request({ type: 'connect', nodes: nodes.map((node) => node.url), ids: ids.slice(p * share, (p + 1) * share), first: p * share, token: TOKEN }, 'connected')),
    );
    const connectS = (performance.now() - t0) / 1000;
    const hello = connected.flatMap((answer) => answer.hello);
    const retries = connected.reduce((sum, answer) => sum + answer.retries, 0);

    // Steady state: every screen sends its status and 4 impressions every 30 s, spread over the period.
    const before = await Promise.all(nodes.map(nodeMetrics));
    const cpu0 = nodes.map((node) => cpuSeconds(node.pid));
    const wait0 = nodes.map((node) => runQueueWaitS(node.pid));
    const pg0 = postgresCpu(services.postmaster);
    const redis0 = cpuSeconds(services.redisPid);
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await db.query('SELECT pg_stat_statements_reset()');
    const s0 = performance.now();
    // Meanwhile, what PostgreSQL's busy backends wait on (pg_stat_activity; no wait event: running on a core, or waiting for one).
    const busy = new Map<string, number>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await db.query<{ what: string; n: number }>(
          "SELECT COALESCE(wait_event_type || ':' || wait_event, 'CPU') AS what, COUNT(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1",
        );
        for (const row of rows) busy.set(row.what, (busy.get(row.what) ?? 0) + row.n);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    let steady: Extract<ScreensAnswer, { type: 'steady' }>[];
    try {
      steady = await Promise.all(processes.map((child) => child.request({ type: 'steady', ms: steadyMs, periodMs: PERIOD_MS, total: screenCount }, 'steady')));
    } finally {
      // Stopped whatever happened, so that a failure is told as itself (not as the sampler's query on a closed client).
      sampling = false;
      await sampler.catch(() => {});
    }
    const busyTotal = [...busy.values()].reduce((sum, n) => sum + n, 0);
    const pgBusy = [...busy].map(([what, n]) => ({ what, share: n / busyTotal })).sort((a, b) => b.share - a.share);
    const steadyS = (performance.now() - s0) / 1000;
    const { rows: statementRows } = await db.query<{ query: string; calls: string; total: number; rows: string }>(
      `SELECT s.query, s.calls, s.total_exec_time AS total, s.rows FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
       WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.query NOT LIKE '%pg_stat%' ORDER BY s.total_exec_time DESC`,
    );
    const statements = statementRows.map((row) => ({ query: row.query.replace(/\s+/g, ' ').slice(0, 90), perS: Number(row.calls) / steadyS, meanMs: row.total / Number(row.calls), rows: Number(row.rows) / Number(row.calls) }));
    const statementsPerS = statements.reduce((sum, statement) => sum + statement.perS, 0);
    const after = await Promise.all(nodes.map(nodeMetrics));
    const nodeCpu = nodes.map((node, n) => (cpuSeconds(node.pid) - cpu0[n]!) / steadyS);
    const nodeWait = nodes.map((node, n) => (runQueueWaitS(node.pid) - wait0[n]!) / steadyS);
    const pgCpu = (postgresCpu(services.postmaster) - pg0) / steadyS;
    const redisCpu = (cpuSeconds(services.redisPid) - redis0) / steadyS;
    const clientCpu = steady.reduce((sum, answer) => sum + answer.cpuS, 0) / steadyS;
    const acks = steady.flatMap((answer) => answer.acks);
    const sentAt = steady.flatMap((answer) => answer.sentAt);
    const slowSeconds = new Set(acks.flatMap((ms, k) => (ms > 100 ? [Math.floor(sentAt[k]! / 1000)] : []))).size;
    const slowAcks = acks.filter((ms) => ms > 100).length;
    const load = loadavg()[0]!;
    const rss = nodes.map((node) => rssMB(node.pid));

    // Ingest: 8 more screens (spread over the nodes, connected from this process, idle otherwise) send batches of 500 back to back, 80,000 impressions in all.
    for (const [k, id] of senderIds.entries()) {
      const socket = io(`${nodes[k % nodes.length]!.url}/screens`, { auth: { screenId: id, token: TOKEN, protocol: 1, version: 'bench' }, transports: ['websocket'], reconnection: false });
      senders.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    }
    // INGEST_ROUNDS rounds of 80,000 impressions each (new ids every round). One round lasts about a
    // second; after the minute of 10,000 screens, the first one or two run at 2 to 3 times the rate of
    // the others (the write path not yet full: see the README's cluster section). The figure is the
    // sustained rate, the median of the rounds after WARMUP_ROUNDS; those are printed as the burst.
    // What ran in PostgreSQL meanwhile, and what the machine wrote, is printed with each round.
    const ingestRounds: IngestRound[] = [];
    const ingestBusy = new Map<string, number>();
    await db.query('SELECT pg_stat_statements_reset()');
    const nodeRound = async (round: number): Promise<IngestRound> => {
      const batches = roundBatches(senderIds, round);
      const c0 = await checkpoints(db);
      const lsn0 = await walPosition(db);
      const disk0 = diskWrittenMB();
      let dirtyMax = 0;
      let sampling = true;
      let vacuumSeen = false;
      const sampler = (async () => {
        while (sampling) {
          const { rows } = await db.query<{ type: string; what: string; n: number }>(
            "SELECT backend_type AS type, COALESCE(wait_event_type || ':' || wait_event, 'CPU') AS what, COUNT(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() GROUP BY 1, 2",
          );
          for (const row of rows) {
            if (row.type === 'autovacuum worker') vacuumSeen = true;
            if (row.type === 'client backend') ingestBusy.set(row.what, (ingestBusy.get(row.what) ?? 0) + row.n);
          }
          dirtyMax = Math.max(dirtyMax, dirtyMB());
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const cpuAt0 = { nodes: nodes.map((node) => cpuSeconds(node.pid)), pg: postgresCpu(services.postmaster), own: process.cpuUsage() };
      const i0 = performance.now();
      try {
        await Promise.all(
          senders.map(async (socket, s) => {
            for (const batch of batches[s]!) {
              const answer = (await socket.timeout(60_000).emitWithAck('impressions', { impressions: batch })) as { ok: boolean; stored?: number };
              if (!answer.ok || answer.stored !== batch.length) throw new Error(`bench cluster: batch not stored: ${JSON.stringify(answer)}`);
            }
          }),
        );
      } finally {
        sampling = false;
        await sampler.catch(() => {});
      }
      const roundS = (performance.now() - i0) / 1000;
      const rate = (senders.length * PER_SENDER) / roundS;
      const own = process.cpuUsage(cpuAt0.own);
      const cores = {
        nodes: nodes.reduce((sum, node, n) => sum + cpuSeconds(node.pid) - cpuAt0.nodes[n]!, 0) / roundS,
        pg: (postgresCpu(services.postmaster) - cpuAt0.pg) / roundS,
        senders: (own.user + own.system) / 1e6 / roundS,
      };
      const disk1 = diskWrittenMB();
      return { rate, autovacuum: vacuumSeen, checkpoints: (await checkpoints(db)) - c0, cores, walMB: Number((await walPosition(db)) - lsn0) / 1e6, diskMB: disk0 === null || disk1 === null ? null : disk1 - disk0, dirtyMB: dirtyMax };
    };
    // The baseline, in the same minutes and on the same database: the same rounds straight into the
    // store (a PgImpressionStore in this process, the 8 senders' batches, no socket and no node),
    // alternated with the nodes' sustained rounds one for one, in turn before and after (node, store,
    // store, node, ...), so that each pair meets the same state of the table and the disk: the state
    // grows by 80,000 rows a round, and this disk's pace moves within minutes. How the nodes' rate
    // compares with it says how much of the nodes' figure is PostgreSQL's and the disk's.
    const stores = await openPostgresStores(dbUrl);
    const storeRates: number[] = [];
    try {
      for (let round = 0; round < WARMUP_ROUNDS; round++) ingestRounds.push(await nodeRound(round));
      for (let k = 0; k < INGEST_ROUNDS - WARMUP_ROUNDS; k++) {
        const storeFirst = k % 2 === 1;
        if (storeFirst) storeRates.push(await storeRound(stores, senderIds, INGEST_ROUNDS + k));
        ingestRounds.push(await nodeRound(WARMUP_ROUNDS + k));
        if (!storeFirst) storeRates.push(await storeRound(stores, senderIds, INGEST_ROUNDS + k));
      }
    } finally {
      await stores.close();
    }
    const ingest = median(ingestRounds.slice(WARMUP_ROUNDS).map((round) => round.rate));
    const busyAll = [...ingestBusy.values()].reduce((sum, n) => sum + n, 0);
    const { rows: ingestStatements } = await db.query<{ query: string; calls: string; total: number }>(
      "SELECT query, calls::text AS calls, total_exec_time AS total FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat%' ORDER BY total_exec_time DESC LIMIT 5",
    );
    console.log(
      `hub cluster ${nodeCount} node(s), during the nodes' ingest rounds: PostgreSQL's busy backends ${[...ingestBusy].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([what, n]) => `${what} ${((n / busyAll) * 100).toFixed(0)} %`).join(', ')}; ` +
        `statements over the nodes' rounds and the store's, the most time first: ${ingestStatements.map((row) => `[${row.calls} calls, ${(row.total / Number(row.calls)).toFixed(2)} ms] ${row.query.replace(/\s+/g, ' ').slice(0, 80)}`).join(' | ')}`,
    );

    const storeIngest = median(storeRates);
    const pairRatios = storeRates.map((rate, k) => ingestRounds[WARMUP_ROUNDS + k]!.rate / rate);
    console.log(
      `hub cluster ${nodeCount} node(s), the baseline: the same rounds straight into the store, alternated with the nodes' sustained rounds, ${thousands(storeIngest)}/s (${storeRates.map((rate) => `${Math.round(rate / 1000)}k`).join(', ')}); ` +
        `the nodes' sustained rate ${(ingest / storeIngest).toFixed(2)}× it; pair by pair (the node round over the store round beside it) ${pairRatios.map((r) => r.toFixed(2)).join(', ')}, median ${median(pairRatios).toFixed(2)}`,
    );

    // Fan-out: a push to the site of 1,000 screens (spread over every node) made through node 0.
    const f0 = performance.timeOrigin + performance.now();
    const push = await adminApi<PushResult>(nodes[0]!, 'POST', '/api/playlists', { playlists: [{ id: 'annonce', items: [{ id: 't', type: 'text', duration: 8, title: 'Fermeture exceptionnelle' }] }], target: { site: 'fanout' } });
    if (push.status !== 200) throw new Error(`bench cluster: push answered ${push.status}`);
    const fanoutIds = ids.slice(0, FANOUT);
    let received: Record<string, number> = {};
    await until(
      'every screen of the site to receive the push',
      async () => {
        received = Object.assign({}, ...(await Promise.all(processes.map((child) => child.request({ type: 'received' }, 'received')))).map((answer) => answer.at));
        return fanoutIds.every((id) => (received[id] ?? 0) > f0);
      },
      120_000,
    );
    const fanoutReceivedS = (Math.max(...fanoutIds.map((id) => received[id]!)) - f0) / 1000;
    const revision = push.body.screens[0]!.revision;
    await until(
      'every ack to be recorded',
      async () => Number((await db.query<{ n: string }>("SELECT COUNT(*) AS n FROM screens WHERE site = 'fanout' AND acked_revision = $1", [revision])).rows[0]!.n) === fanoutIds.length,
      120_000,
    );
    const fanoutAckedS = (performance.timeOrigin + performance.now() - f0) / 1000;
    return {
      build: entry ? 'baseline' : 'current',
      nodes: nodeCount,
      screens: screenCount,
      connectS,
      retries,
      helloP99: percentile(hello, 99),
      ackP50: percentile(acks, 50),
      ackP99: percentile(acks, 99),
      acks: acks.length,
      failedAcks: steady.reduce((sum, answer) => sum + answer.failed, 0),
      slowAcks,
      slowSeconds,
      steadySeconds: Math.round(steadyS),
      hubAckP99: bucketP99(before.map((m) => m.buckets), after.map((m) => m.buckets)),
      nodeLagP99: after.map((m) => m.lagP99),
      clientLagP99: Math.max(...steady.map((answer) => answer.lagP99)),
      ingest,
      ingestRounds,
      storeIngest,
      storeRates,
      pairRatios,
      fanoutReceivedS,
      fanoutAckedS,
      rss,
      nodeCpu,
      pgCpu,
      redisCpu,
      nodeWait,
      pgBusy,
      statements,
      statementsPerS,
      clientCpu,
      load,
    };
  } finally {
    await db.end().catch(() => {});
    for (const socket of senders) socket.close();
    await Promise.all(processes.map((child) => child.close()));
    for (const node of nodes) await node.stop();
  }
}

function nodeCounts(): number[] {
  const text = process.env['ANTICHAMBRE_BENCH_NODES'] ?? '1,2,4';
  const counts = text.split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 8)) throw new Error(`ANTICHAMBRE_BENCH_NODES: expected node counts from 1 to 8 separated by commas, got "${text}"`);
  return counts;
}

export async function benchCluster(results: ResultFile, screenCount = Number(process.env['ANTICHAMBRE_BENCH_SCREENS'] ?? 10_000), steadyMs = 60_000, counts = nodeCounts()): Promise<void> {
  const extraFlags = (process.env['ANTICHAMBRE_BENCH_PG_SETTINGS'] ?? '').split(/\s+/).filter(Boolean).flatMap((setting) => ['-c', setting]);
  const postgres = await startPostgres({ durable: true, flags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all', ...extraFlags] });
  const redis = await startRedis();
  const runs: NodeRun[] = [];
  try {
    const probe = new pg.Client({ connectionString: postgres.adminUrl });
    await probe.connect();
    const backend = (await probe.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const postmaster = processStat(backend).ppid;
    await probe.end();
    const services = { pgUrl: () => postgres.freshDatabase(), redisUrl: redis.url, postmaster, redisPid: redis.pid };
    const baseline = process.env['ANTICHAMBRE_BENCH_BASELINE'];
    const builds = baseline ? [baseline, undefined] : [undefined];
    for (const [nodes, entry] of counts.flatMap((n) => builds.map((b) => [n, b] as const))) {
      // Each run from a checkpoint: what the previous run wrote (some 800,000 impressions) is flushed
      // before, not in the middle of this run's steady state, where its stalls showed as this run's acks.
      await checkpoint(postgres.adminUrl);
      const run = await runWith(nodes, screenCount, steadyMs, services, entry);
      if (run.build === 'current') runs.push(run);
      console.log(
        `hub cluster ${run.build === 'baseline' ? '(baseline build) ' : ''} ${run.nodes} node(s), ${run.screens.toLocaleString('en')} screens: connected in ${run.connectS.toFixed(1)} s (${run.retries} attempts refused or timed out and tried again; hello p99 ${run.helloP99.toFixed(0)} ms); ` +
          `impressions ack p50 ${run.ackP50.toFixed(1)} ms p99 ${run.ackP99.toFixed(1)} ms over ${run.acks} acks (${run.failedAcks} failed; ${run.slowAcks} over 100 ms, sent in ${run.slowSeconds} distinct seconds of ${run.steadySeconds}) [goal p99 < 100 ms], nodes' own timing p99 <= ${run.hubAckP99} ms; ` +
          `event-loop delay p99: nodes ${run.nodeLagP99.map((l) => l.toFixed(0)).join(', ')} ms, simulated screens ${run.clientLagP99.toFixed(0)} ms; nodes waiting for a core ${run.nodeWait.map((w) => w.toFixed(2)).join(', ')} s/s; ingest sustained ${Math.round(run.ingest).toLocaleString('en')}/s (median of rounds ${WARMUP_ROUNDS + 1} to ${run.ingestRounds.length}; all rounds: ${describeRounds(run.ingestRounds)}) [goal >= 50,000/s]; ` +
          `push to ${FANOUT} screens: all received in ${run.fanoutReceivedS.toFixed(2)} s, all acks recorded in ${run.fanoutAckedS.toFixed(2)} s [goal < 5 s]; RSS per node ${run.rss.map((r) => r.toFixed(0)).join(', ')} MB; ` +
          `steady CPU (cores) nodes ${run.nodeCpu.map((c) => c.toFixed(2)).join(', ')}, PostgreSQL ${run.pgCpu.toFixed(2)}, Redis ${run.redisCpu.toFixed(2)}, simulated screens ${run.clientCpu.toFixed(2)}; load average ${run.load.toFixed(1)}; PostgreSQL's busy backends: ${run.pgBusy.slice(0, 5).map((b) => `${b.what} ${(b.share * 100).toFixed(0)} %`).join(', ')}; ` +
          `statements ${run.statementsPerS.toFixed(0)}/s (${((run.statementsPerS * PERIOD_MS) / 1000 / run.screens).toFixed(1)} per status + impressions pair), the most time first: ` +
          run.statements.slice(0, 8).map((st) => `[${st.perS.toFixed(0)}/s, ${st.meanMs.toFixed(2)} ms, ${st.rows.toFixed(1)} rows] ${st.query}`).join(' | '),
      );
    }
  } finally {
    await redis.stop();
    await postgres.stop();
  }
  console.log(
    '\n| nodes | screens | connection storm | impressions ack p50 / p99 (nodes\' own p99) | event-loop delay p99: nodes / screens | nodes\' wait for a core (s/s) | ingest into PostgreSQL | push to 1,000 screens: received / acks recorded | RSS per node | steady CPU (cores): nodes / PostgreSQL / Redis / screens | load average |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const run of runs) {
    console.log(
      `| ${run.nodes} | ${run.screens.toLocaleString('en')} | ${run.connectS.toFixed(1)} s | ${run.ackP50.toFixed(1)} / ${run.ackP99.toFixed(0)} ms (≤ ${run.hubAckP99} ms) | ${run.nodeLagP99.map((l) => l.toFixed(0)).join(', ')} / ${run.clientLagP99.toFixed(0)} ms | ${run.nodeWait.map((w) => w.toFixed(2)).join(', ')} | ${(Math.round(run.ingest / 100) * 100).toLocaleString('en')}/s | ${run.fanoutReceivedS.toFixed(2)} s / ${run.fanoutAckedS.toFixed(2)} s | ${run.rss.map((r) => r.toFixed(0)).join(', ')} MB | ${run.nodeCpu.map((c) => c.toFixed(2)).join(', ')} / ${run.pgCpu.toFixed(2)} / ${run.redisCpu.toFixed(2)} / ${run.clientCpu.toFixed(2)} | ${run.load.toFixed(1)} |`,
    );
  }
  const two = runs.find((run) => run.nodes === 2) ?? runs[0]!;
  const common = { dependsOn: CLUSTER_SOURCES };
  const nodesLabel = `${two.screens.toLocaleString('en')} simulated screens over ${two.nodes} hub node${two.nodes > 1 ? 's' : ''} (PostgreSQL, Redis)`;
  results.record({
    id: 'cluster.ack-p99',
    label: `${nodesLabel}, status and 4 impressions every 30 s: impressions ack p99`,
    value: Number(two.ackP99.toFixed(1)),
    unit: 'ms',
    text: `impressions ack p99 ${two.ackP99.toFixed(0)} ms (p50 ${two.ackP50.toFixed(1)} ms); connection storm ${two.connectS.toFixed(1)} s`,
    runs: runs.map((run) => Number(run.ackP99.toFixed(1))),
    goal: { op: '<', value: 100 },
    ...common,
  });
  results.record({
    id: 'cluster.ingest',
    label: `ingest into PostgreSQL (fsync on) through ${two.nodes} hub node${two.nodes > 1 ? 's' : ''} with ${two.screens.toLocaleString('en')} screens connected, batches of 500 from 8 screens, sustained (median of rounds ${WARMUP_ROUNDS + 1} to ${INGEST_ROUNDS} of 80,000; runs: those rounds)`,
    value: Math.round(two.ingest),
    unit: 'impressions/s',
    text: `${thousands(two.ingest)} impressions/s sustained (rounds ${WARMUP_ROUNDS + 1} to ${INGEST_ROUNDS}: ${thousands(Math.min(...sustained(two)))} to ${thousands(Math.max(...sustained(two)))}); first ${WARMUP_ROUNDS} rounds ${two.ingestRounds.slice(0, WARMUP_ROUNDS).map((round) => thousands(round.rate)).join(' and ')}; the store alone, same database, its rounds alternated with those, ${thousands(two.storeIngest)}/s (ratio ${(two.ingest / two.storeIngest).toFixed(2)}; round for round ${Math.min(...two.pairRatios).toFixed(2)} to ${Math.max(...two.pairRatios).toFixed(2)}, median ${median(two.pairRatios).toFixed(2)})`,
    runs: sustained(two).map(Math.round),
    goal: { op: '>=', value: 50_000 },
    ...common,
  });
  results.record({
    id: 'cluster.fanout',
    label: `a push to a site of ${FANOUT.toLocaleString('en')} screens spread over ${two.nodes} hub node${two.nodes > 1 ? 's' : ''} (${two.screens.toLocaleString('en')} connected): every ack recorded`,
    value: Number(two.fanoutAckedS.toFixed(2)),
    unit: 's',
    text: `all received in ${two.fanoutReceivedS.toFixed(2)} s, all acks recorded in ${two.fanoutAckedS.toFixed(2)} s`,
    runs: runs.map((run) => Number(run.fanoutAckedS.toFixed(2))),
    goal: { op: '<', value: 5 },
    ...common,
  });
  results.record({
    id: 'cluster.connect',
    label: `${nodesLabel}: connection storm (every screen connected and answered hello)`,
    value: Number(two.connectS.toFixed(1)),
    unit: 's',
    text: `${two.connectS.toFixed(1)} s (${two.retries.toLocaleString('en')} attempts tried again; hello p99 ${two.helloP99.toFixed(0)} ms); RSS per node ${two.rss.map((r) => r.toFixed(0)).join(', ')} MB`,
    runs: runs.map((run) => Number(run.connectS.toFixed(1))),
    goal: null,
    ...common,
  });
  console.log(`median ingest over the node counts: ${Math.round(median(runs.map((run) => run.ingest))).toLocaleString('en')}/s`);
}
