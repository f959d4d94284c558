import type { ImpressionQuery, StoredImpression } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { Impression } from '../../../shared/impression.js';
import { MAIN_ZONE } from '../../../shared/layout.js';
import type { ImpressionStore } from '../index.js';
import { storedImpression, type ImpressionRow } from '../storedRows.js';
import type { SqliteDb } from './sqliteDb.js';
import type { WalSync } from './walSync.js';

/** Proof of play, stored once per id (the idempotency key), one transaction per batch, acked once the WAL is fsynced. */

export class SqliteImpressionStore implements ImpressionStore {
  private readonly insertOne;
  private readonly insertBatch;

  constructor(
    private readonly db: SqliteDb,
    private readonly wal: WalSync,
  ) {
    this.insertOne = db.prepare(
      `INSERT OR IGNORE INTO impressions (id, screen_id, playlist_id, item_id, revision, start, end, duration_ms, complete, received_at, zone_id, audience)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertBatch = db.transaction((impressions: Impression[], receivedAt: string) => {
      let stored = 0;
      for (const i of impressions) {
        stored += this.insertOne.run(i.id, i.screenId, i.playlistId, i.itemId, i.revision, i.start, i.end, i.durationMs, i.complete ? 1 : 0, receivedAt, i.zoneId ?? MAIN_ZONE, i.audience ?? null).changes;
      }
      return stored;
    });
  }

  /**
   * Stores the batch in one transaction (a repeated id is counted in `duplicates`, not stored
   * again), then waits for the grouped fsync that covers it: resolved means on disk.
   */
  async insert(impressions: Impression[], at: number): Promise<{ stored: number; duplicates: number }> {
    const stored = this.insertBatch(impressions, toUtcTime(at));
    await this.wal.durable();
    return { stored, duplicates: impressions.length - stored };
  }

  async query(query: ImpressionQuery): Promise<StoredImpression[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.since) where.push('start >= ?') && params.push(query.since);
    if (query.until) where.push('start < ?') && params.push(query.until);
    if (query.screen) where.push('screen_id = ?') && params.push(query.screen);
    const sql = `SELECT * FROM impressions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start, id LIMIT ?`;
    params.push(query.limit ?? 1_000_000);
    return this.db
      .prepare<(string | number)[], ImpressionRow>(sql)
      .all(...params)
      .map(storedImpression);
  }

  async count(): Promise<number> {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM impressions').get()!.n;
  }
}

