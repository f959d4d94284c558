import { readdirSync, readFileSync } from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import { openPostgresStores } from '../src/hub/stores/postgres/index.js';
import { openPgPool, type PgPool } from '../src/hub/stores/postgres/pgDb.js';
import type { ImpressionStore } from '../src/hub/stores/index.js';
import { toUtcTime } from '../src/shared/ids.js';
import type { Impression } from '../src/shared/impression.js';
import { MAIN_ZONE } from '../src/shared/layout.js';
import { startPostgres } from '../test/support/postgresServer.js';
import type { ResultFile } from './resultFile.js';
import { median } from './stats.js';

/**
 * `npm run bench -- pg-ingest`: impressions into PostgreSQL (fsync on) at the store, as a hub
 * node receives them (8 screens sending batches of 500 back to back, each waiting for its
 * answer: 80,000 impressions), with no socket or hub in between. The store's code against the
 * previous one (one INSERT of twelve unnested arrays per group, kept below as it was), each on
 * a fresh database, alternated over ROUNDS rounds in the same minutes: on a loaded machine,
 * read the ratio. Asserts nothing.
 */

const PG_INGEST_SOURCES = ['src/hub/stores/postgres/impressions.ts', 'src/hub/stores/postgres/pgDb.ts', 'package-lock.json', 'bench/pgIngestBench.ts'];
const SENDERS = 8;
const PER_SENDER = 10_000;
const BATCH = 500;
const ROUNDS = 3;

const PREVIOUS_INSERT = `INSERT INTO impressions (id, screen_id, playlist_id, item_id, revision, start, "end", duration_ms, complete, received_at, zone_id, audience)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::boolean[], $10::text[], $11::text[], $12::float8[])
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

/** The store's write before COPY (commit 9db626c): the same group commit, one statement of unnested arrays per group. */
class PreviousImpressionStore {
  private readonly waiting: { impressions: Impression[]; receivedAt: string; resolve: (n: number) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;
  constructor(private readonly pool: PgPool) {}

  insert(impressions: Impression[], at: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ impressions, receivedAt: toUtcTime(at), resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.running < 2 && this.waiting.length > 0) {
      const group = [this.waiting.shift()!];
      let rows = group[0]!.impressions.length;
      while (this.waiting.length > 0 && rows + this.waiting[0]!.impressions.length <= 10_000) {
        rows += this.waiting[0]!.impressions.length;
        group.push(this.waiting.shift()!);
      }
      this.running++;
      const all = group.flatMap((batch) => batch.impressions.map((impression) => ({ impression, receivedAt: batch.receivedAt })));
      void this.pool
        .query<{ id: string }>(PREVIOUS_INSERT, [
          all.map(({ impression: i }) => i.id),
          all.map(({ impression: i }) => i.screenId),
          all.map(({ impression: i }) => i.playlistId),
          all.map(({ impression: i }) => i.itemId),
          all.map(({ impression: i }) => i.revision),
          all.map(({ impression: i }) => i.start),
          all.map(({ impression: i }) => i.end),
          all.map(({ impression: i }) => i.durationMs),
          all.map(({ impression: i }) => i.complete),
          all.map(({ receivedAt }) => receivedAt),
          all.map(({ impression: i }) => i.zoneId ?? MAIN_ZONE),
          all.map(({ impression: i }) => i.audience ?? null),
        ])
        .then(
          (result) => {
            const inserted = new Set(result.rows.map((row) => row.id));
            for (const batch of group) batch.resolve(batch.impressions.filter((i) => inserted.delete(i.id)).length);
          },
          (error: unknown) => group.forEach((batch) => batch.reject(error)),
        )
        .finally(() => {
          this.running--;
          this.drain();
        });
    }
  }
}

function batchesOf(sender: number): Impression[][] {
  const from = Date.UTC(2026, 0, 1) + sender * 1e9;
  const all = Array.from({ length: PER_SENDER }, (_, k): Impression => {
    const start = from + k * 8_000;
    return { id: uuidv7(), screenId: `ecran-${sender}`, playlistId: 'p', itemId: `i${k % 9}`, revision: 'r', start: new Date(start).toISOString(), end: new Date(start + 8_000).toISOString(), durationMs: 8_000, complete: true };
  });
  return Array.from({ length: PER_SENDER / BATCH }, (_, b) => all.slice(b * BATCH, (b + 1) * BATCH));
}

/** A process's parent and the CPU seconds it and its waited-for children used (Linux /proc). */
export function processStat(pid: number): { ppid: number; cpu: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100 };
}

/** CPU seconds used by a PostgreSQL server: its postmaster and every process it started (backends, WAL writer, checkpointer…). */
export function postgresCpu(postmaster: number): number {
  let total = processStat(postmaster).cpu;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const child = processStat(Number(entry));
      if (child.ppid === postmaster) total += child.cpu;
    } catch {
      // A process that ended meanwhile.
    }
  }
  return total;
}

/**
 * Impressions per second into a fresh database through `insert` (which answers how many were
 * stored), and the CPU seconds per 100,000 impressions of this process and of PostgreSQL: what
 * the machine's load does not change much, unlike the rate.
 */
async function ingestRate(postmaster: number, insert: (batch: Impression[]) => Promise<number>): Promise<{ rate: number; cpuPer100k: number }> {
  const senders = Array.from({ length: SENDERS }, (_, s) => batchesOf(s));
  const node0 = process.cpuUsage();
  const pg0 = postgresCpu(postmaster);
  const t0 = performance.now();
  await Promise.all(
    senders.map(async (batches) => {
      for (const batch of batches) if ((await insert(batch)) !== batch.length) throw new Error('bench pg-ingest: a batch was not stored whole');
    }),
  );
  const rate = (SENDERS * PER_SENDER) / ((performance.now() - t0) / 1000);
  const node = process.cpuUsage(node0);
  const cpu = (node.user + node.system) / 1e6 + postgresCpu(postmaster) - pg0;
  return { rate, cpuPer100k: (cpu / (SENDERS * PER_SENDER)) * 100_000 };
}

export async function benchPgIngest(results: ResultFile): Promise<void> {
  const postgres = await startPostgres({ durable: true });
  const rates = { copy: [] as number[], previous: [] as number[] };
  const cpu = { copy: [] as number[], previous: [] as number[] };
  try {
    // The server's postmaster: the parent of any backend.
    const probe = openPgPool(postgres.adminUrl, { max: 1 });
    const backend = (await probe.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const postmaster = processStat(backend).ppid;
    await probe.end();
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of round % 2 === 0 ? (['previous', 'copy'] as const) : (['copy', 'previous'] as const)) {
        const url = await postgres.freshDatabase();
        const stores = await openPostgresStores(url);
        try {
          let store: ImpressionStore | PreviousImpressionStore = stores.impressions;
          let pool: PgPool | null = null;
          if (variant === 'previous') store = new PreviousImpressionStore((pool = openPgPool(url)));
          const { rate, cpuPer100k } = await ingestRate(postmaster, async (batch) => {
            const answer = await store.insert(batch, Date.now());
            return typeof answer === 'number' ? answer : answer.stored;
          });
          await pool?.end();
          rates[variant].push(rate);
          cpu[variant].push(cpuPer100k);
          console.log(`pg-ingest round ${round + 1}: ${variant === 'copy' ? 'COPY (now)' : 'unnested arrays (before)'} ${Math.round(rate).toLocaleString('en')} impressions/s, ${cpuPer100k.toFixed(2)} CPU s per 100,000 (hub process + PostgreSQL)`);
        } finally {
          await stores.close();
        }
      }
    }
  } finally {
    await postgres.stop();
  }
  const now = median(rates.copy);
  const before = median(rates.previous);
  const ratio = now / before;
  const cpuNow = median(cpu.copy);
  const cpuBefore = median(cpu.previous);
  console.log(
    `pg-ingest: COPY ${Math.round(now).toLocaleString('en')}/s, unnested arrays ${Math.round(before).toLocaleString('en')}/s (medians of ${ROUNDS}), ratio ${ratio.toFixed(2)}; ` +
      `CPU per 100,000: ${cpuNow.toFixed(2)} s against ${cpuBefore.toFixed(2)} s (ratio ${(cpuNow / cpuBefore).toFixed(2)}): on 2 idle cores, at most ${Math.round((2 * 100_000) / cpuNow).toLocaleString('en')}/s`,
  );
  results.record({
    id: 'cluster.store-ingest',
    label: `impressions into PostgreSQL (fsync on) at the store, batches of ${BATCH} from ${SENDERS} screens, no hub in between (median of ${ROUNDS})`,
    value: Math.round(now),
    unit: 'impressions/s',
    text: `${(Math.round(now / 1000) * 1000).toLocaleString('en')} impressions/s (COPY), ${ratio.toFixed(2)}× the previous unnested arrays' ${(Math.round(before / 1000) * 1000).toLocaleString('en')}/s in the same run; CPU ${cpuNow.toFixed(2)} s per 100,000 against ${cpuBefore.toFixed(2)} s`,
    runs: rates.copy.map(Math.round),
    goal: { op: '>=', value: 50_000 },
    dependsOn: PG_INGEST_SOURCES,
  });
}
