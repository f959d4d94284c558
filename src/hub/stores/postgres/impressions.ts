import type { ImpressionQuery, StoredImpression } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { Impression } from '../../../shared/impression.js';
import { MAIN_ZONE } from '../../../shared/layout.js';
import type { ImpressionStore } from '../index.js';
import { storedImpression, type ImpressionRow } from '../storedRows.js';
import type { PgPool } from './pgDb.js';

/**
 * Proof of play (PostgreSQL): batches are written by multi-row INSERTs (columns as arrays,
 * unnested: one statement and twelve parameters whatever the size), idempotent by id
 * (`ON CONFLICT DO NOTHING`), each committed on its own; resolved means committed, so it can be
 * acked. Group commit: while IN_FLIGHT statements are committing, the batches that arrive wait
 * and go together in the next one, so a thousand screens' batches share a few commits (and
 * their fsyncs) instead of taking one each.
 */

/** Statements committing at once (the pool keeps its other connections for the other stores). */
const IN_FLIGHT = 2;
/** Rows in one statement at most. */
const MAX_ROWS = 10_000;

interface Waiting {
  impressions: Impression[];
  receivedAt: string;
  resolve: (result: { stored: number; duplicates: number }) => void;
  reject: (error: unknown) => void;
}

const INSERT = `INSERT INTO impressions (id, screen_id, playlist_id, item_id, revision, start, "end", duration_ms, complete, received_at, zone_id, audience)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::boolean[], $10::text[], $11::text[], $12::float8[])
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

export class PgImpressionStore implements ImpressionStore {
  constructor(private readonly pool: PgPool) {}

  private readonly waiting: Waiting[] = [];
  private running = 0;

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

  /** One statement for the group's batches; each learns how many of its own were new. */
  private async write(group: Waiting[]): Promise<void> {
    const all = group.flatMap((batch) => batch.impressions.map((impression) => ({ impression, receivedAt: batch.receivedAt })));
    let inserted: Set<string>;
    try {
      const result = await this.pool.query<{ id: string }>(INSERT, [
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
      ]);
      inserted = new Set(result.rows.map((row) => row.id));
    } catch (error) {
      for (const batch of group) batch.reject(error);
      return;
    }
    // An id new in this statement counts as stored for the first batch that carried it, a duplicate for any other.
    for (const batch of group) {
      let stored = 0;
      for (const impression of batch.impressions) {
        if (inserted.delete(impression.id)) stored++;
      }
      batch.resolve({ stored, duplicates: batch.impressions.length - stored });
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
