import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import type { ImpressionQuery, StoredImpression } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { Impression } from '../../../shared/impression.js';
import { MAIN_ZONE } from '../../../shared/layout.js';
import type { ImpressionStore } from '../index.js';
import { storedImpression, type ImpressionRow } from '../storedRows.js';
import type { Connection, Submittable } from 'pg';
import { checkOut, type PgClient, type PgPool } from './pgDb.js';

/**
 * Proof of play (PostgreSQL): a batch is streamed by COPY straight into impressions, in one
 * transaction; if one of its ids is already stored (a batch sent again), by COPY into a
 * temporary staging table of the connection, then moved by one `INSERT … SELECT … ON CONFLICT
 * (id) DO NOTHING RETURNING id` (idempotent by id). Resolved means committed, so it can be acked. Group
 * commit: while IN_FLIGHT transactions are committing, the batches that arrive wait and go
 * together in the next one, so a thousand screens' batches share a few commits (and their
 * fsyncs) instead of taking one each. A group that fails is tried again batch by batch, so that
 * one batch the database refuses fails only its own screen's ack.
 *
 * Why COPY: the previous single statement (columns as twelve arrays, unnested, ON CONFLICT) took
 * twice the CPU per row (node-postgres turning 48,000 values into array literals, PostgreSQL
 * parsing them and checking each for a conflict); `npm run bench -- pg-ingest` measures both in
 * the same run.
 */

/** Transactions committing at once (the pool keeps its other connections for the other stores). */
const IN_FLIGHT = 2;
/** Rows in one transaction at most. */
const MAX_ROWS = 10_000;

interface Waiting {
  impressions: Impression[];
  receivedAt: string;
  resolve: (result: { stored: number; duplicates: number }) => void;
  reject: (error: unknown) => void;
}

const COLUMNS = '(id, screen_id, playlist_id, item_id, revision, start, "end", duration_ms, complete, received_at, zone_id, audience)';
/** Per connection (temporary), emptied at each commit; made the first time a connection stores impressions. */
const CREATE_STAGING = 'CREATE TEMP TABLE IF NOT EXISTS impressions_staging (LIKE impressions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS';
const COPY_STAGING = `COPY impressions_staging ${COLUMNS} FROM STDIN`;
const COPY_IMPRESSIONS = `COPY impressions ${COLUMNS} FROM STDIN`;
/** SQLSTATE of a duplicate key. */
const UNIQUE_VIOLATION = '23505';

/** A PostgreSQL error's SQLSTATE; none for the connection's own errors (lost, cut). */
function code(error: unknown): string | undefined {
  const value = (error as { code?: unknown } | null)?.code;
  return typeof value === 'string' ? value : undefined;
}
const MOVE_STAGED = `INSERT INTO impressions ${COLUMNS} SELECT id, screen_id, playlist_id, item_id, revision, start, "end", duration_ms, complete, received_at, zone_id, audience FROM impressions_staging
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

/** A text value in COPY's text format: backslash, tab, newline and carriage return escaped. */
export function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
}

/** One impression as a line of COPY's text format, in COLUMNS' order. */
export function copyLine(impression: Impression, receivedAt: string): string {
  return [
    impression.id,
    impression.screenId,
    impression.playlistId,
    impression.itemId,
    copyText(impression.revision),
    impression.start,
    impression.end,
    String(impression.durationMs),
    impression.complete ? 't' : 'f',
    receivedAt,
    impression.zoneId ?? MAIN_ZONE,
    impression.audience === undefined ? '\\N' : String(impression.audience),
  ].join('\t') + '\n';
}

/** Message types of PostgreSQL's protocol (frontend): CopyData, CopyDone. */
const COPY_DATA = 0x64;
const COPY_DONE = 0x63;

/**
 * `COPY … FROM STDIN` with its rows sent right behind the statement, without waiting for
 * PostgreSQL's CopyInResponse as pg-copy-streams does: one turn of the node's event loop per COPY
 * instead of two (bench cluster: most of PostgreSQL's busy samples were a COPY waiting for its
 * rows while its node waited for a core). The protocol allows it: the backend reads the rows once
 * the COPY has started, and ignores CopyData and CopyDone that follow an error. `done` resolves
 * on ReadyForQuery (the COPY committed, when it is its own transaction) and rejects with
 * PostgreSQL's error (its SQLSTATE in `code`) or the connection's.
 */
export class PipelinedCopy implements Submittable {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;

  constructor(
    private readonly statement: string,
    private readonly rows: string,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: Connection): void {
    connection.query(this.statement);
    const rows = Buffer.from(this.rows, 'utf8');
    const header = Buffer.alloc(5);
    header[0] = COPY_DATA;
    header.writeUInt32BE(rows.length + 4, 1);
    connection.stream.write(Buffer.concat([header, rows, Buffer.from([COPY_DONE, 0, 0, 0, 4])]));
  }

  // What node-postgres calls on the active query, as the backend answers.
  handleCopyInResponse(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleReadyForQuery(): void {
    this.resolve();
  }
  handleError(error: unknown): void {
    this.reject(error);
  }
}

/** Streams `text` (COPY's text format) through a running `COPY … FROM STDIN` statement. */
function copy(stream: CopyStreamQuery, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    stream.once('finish', resolve);
    stream.once('error', reject);
    stream.end(text);
  });
}

export class PgImpressionStore implements ImpressionStore {
  constructor(private readonly pool: PgPool) {}

  private readonly waiting: Waiting[] = [];
  private running = 0;
  /** Connections of the pool that have their staging table. */
  private readonly staged = new WeakSet<PgClient>();

  insert(impressions: Impression[], at: number): Promise<{ stored: number; duplicates: number }> {
    if (impressions.length === 0) return Promise.resolve({ stored: 0, duplicates: 0 });
    return new Promise((resolve, reject) => {
      this.waiting.push({ impressions, receivedAt: toUtcTime(at), resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.running < IN_FLIGHT && this.waiting.length > 0) {
      const group: Waiting[] = [];
      let rows = 0;
      while (this.waiting.length > 0 && (group.length === 0 || rows + this.waiting[0]!.impressions.length <= MAX_ROWS)) {
        const next = this.waiting.shift()!;
        group.push(next);
        rows += next.impressions.length;
      }
      this.running++;
      void this.write(group).finally(() => {
        this.running--;
        this.drain();
      });
    }
  }

  /**
   * The group in one transaction; if PostgreSQL refuses its data, each batch in its own (one refused
   * batch fails only itself). Any other failure (the database unreachable, a connection lost) fails
   * the group at once: retrying its batches one by one would only wait for the same answer each time.
   */
  private async write(group: Waiting[]): Promise<void> {
    try {
      this.answer(group, await this.commit(group));
    } catch (error) {
      if (group.length === 1 || !refusedData(error)) {
        for (const batch of group) batch.reject(error);
        return;
      }
      for (const batch of group) {
        try {
          this.answer([batch], await this.commit([batch]));
        } catch (alone) {
          batch.reject(alone);
        }
      }
    }
  }

  /** An id new in the transaction counts as stored for the first batch that carried it, a duplicate for any other. */
  private answer(group: Waiting[], inserted: Set<string>): void {
    for (const batch of group) {
      let stored = 0;
      for (const impression of batch.impressions) {
        if (inserted.delete(impression.id)) stored++;
      }
      batch.resolve({ stored, duplicates: batch.impressions.length - stored });
    }
  }

  /**
   * The group committed: the ids that were new. First COPY straight into impressions, a
   * transaction of its own (the usual case: every id new); if an id is already there (a batch
   * sent again after a lost ack, or twice in the group), PostgreSQL refuses that COPY whole and
   * the group goes through the connection's staging table and `ON CONFLICT (id) DO NOTHING`,
   * in one transaction.
   */
  private async commit(group: Waiting[]): Promise<Set<string>> {
    let text = '';
    for (const batch of group) for (const impression of batch.impressions) text += copyLine(impression, batch.receivedAt);
    const connection = await checkOut(this.pool);
    const { client } = connection;
    const inTransaction = async <T>(work: () => Promise<T>): Promise<T> => {
      await client.query('BEGIN');
      try {
        const result = await work();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(connection.markBroken);
        throw error;
      }
    };
    try {
      try {
        // A COPY on its own is its own transaction: committed (and flushed) before PostgreSQL
        // answers it, or rolled back whole; one round trip instead of BEGIN, COPY and COMMIT,
        // its rows sent with it.
        await client.query(new PipelinedCopy(COPY_IMPRESSIONS, text)).done;
        return new Set(group.flatMap((batch) => batch.impressions.map((impression) => impression.id)));
      } catch (error) {
        if (code(error) !== UNIQUE_VIOLATION) throw error;
      }
      if (!this.staged.has(client)) {
        await client.query(CREATE_STAGING);
        this.staged.add(client);
      }
      return await inTransaction(async () => {
        await copy(client.query(copyFrom(COPY_STAGING)), text);
        const { rows } = await client.query<{ id: string }>(MOVE_STAGED);
        return new Set(rows.map((row) => row.id));
      });
    } catch (error) {
      // An error without a SQLSTATE is the connection's (lost, COPY cut): it is not given back to the pool.
      if (code(error) === undefined) connection.markBroken(error);
      throw error;
    } finally {
      connection.release();
    }
  }

  async query(query: ImpressionQuery): Promise<StoredImpression[]> {
    const { rows } = await this.pool.query<ImpressionRow>(
      `SELECT * FROM impressions
       WHERE ($1::text IS NULL OR start >= $1) AND ($2::text IS NULL OR start < $2) AND ($3::text IS NULL OR screen_id = $3)
       ORDER BY start, id LIMIT $4`,
      [query.since ?? null, query.until ?? null, query.screen ?? null, query.limit ?? 1_000_000],
    );
    return rows.map(storedImpression);
  }

  async count(): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM impressions')).rows[0]!.n;
  }
}

/** PostgreSQL refused the data itself (SQLSTATE class 22, data exception, or 23, integrity constraint), not the connection. */
function refusedData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
