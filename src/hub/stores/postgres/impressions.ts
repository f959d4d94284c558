import type { ImpressionQuery, StoredImpression } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { Impression } from '../../../shared/impression.js';
import { MAIN_ZONE } from '../../../shared/layout.js';
import type { ImpressionStore } from '../index.js';
import type { PgPool } from './pgDb.js';

/**
 * Proof of play (PostgreSQL): a batch is one multi-row INSERT (its columns as arrays, unnested:
 * one statement and twelve parameters whatever the batch's size), idempotent by id
 * (`ON CONFLICT DO NOTHING`), committed on its own; resolved means committed, so it can be acked.
 */

interface ImpressionRow {
  id: string;
  screen_id: string;
  playlist_id: string;
  item_id: string;
  revision: string;
  start: string;
  end: string;
  duration_ms: number;
  complete: boolean;
  received_at: string;
  zone_id: string;
  audience: number | null;
}

const INSERT = `INSERT INTO impressions (id, screen_id, playlist_id, item_id, revision, start, "end", duration_ms, complete, received_at, zone_id, audience)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::boolean[], $10::text[], $11::text[], $12::float8[])
  ON CONFLICT (id) DO NOTHING`;

export class PgImpressionStore implements ImpressionStore {
  constructor(private readonly pool: PgPool) {}

  async insert(impressions: Impression[], at: number): Promise<{ stored: number; duplicates: number }> {
    if (impressions.length === 0) return { stored: 0, duplicates: 0 };
    const receivedAt = toUtcTime(at);
    const result = await this.pool.query(INSERT, [
      impressions.map((i) => i.id),
      impressions.map((i) => i.screenId),
      impressions.map((i) => i.playlistId),
      impressions.map((i) => i.itemId),
      impressions.map((i) => i.revision),
      impressions.map((i) => i.start),
      impressions.map((i) => i.end),
      impressions.map((i) => i.durationMs),
      impressions.map((i) => i.complete),
      impressions.map(() => receivedAt),
      impressions.map((i) => i.zoneId ?? MAIN_ZONE),
      impressions.map((i) => i.audience ?? null),
    ]);
    const stored = result.rowCount ?? 0;
    return { stored, duplicates: impressions.length - stored };
  }

  async query(query: ImpressionQuery): Promise<StoredImpression[]> {
    const { rows } = await this.pool.query<ImpressionRow>(
      `SELECT * FROM impressions
       WHERE ($1::text IS NULL OR start >= $1) AND ($2::text IS NULL OR start < $2) AND ($3::text IS NULL OR screen_id = $3)
       ORDER BY start, id LIMIT $4`,
      [query.since ?? null, query.until ?? null, query.screen ?? null, query.limit ?? 1_000_000],
    );
    return rows.map((row) => ({
      id: row.id,
      screenId: row.screen_id,
      playlistId: row.playlist_id,
      itemId: row.item_id,
      revision: row.revision,
      start: row.start,
      end: row.end,
      durationMs: row.duration_ms,
      complete: row.complete,
      receivedAt: row.received_at,
      zoneId: row.zone_id,
      audience: row.audience,
    }));
  }

  async count(): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM impressions')).rows[0]!.n;
  }
}
