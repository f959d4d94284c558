import { FeedCreate, FeedRecord } from '../../../shared/feeds.js';
import { toUtcTime } from '../../../shared/ids.js';
import { HubError } from '../../hubError.js';
import type { FeedEntry, FeedStore } from '../index.js';
import { prefixEnd } from '../storeRules.js';
import { feedRecord, type FeedRow } from '../storedRows.js';
import { inTransaction, type PgPool } from './pgDb.js';

/** The feeds a hub polls and what each has seen (PostgreSQL). */

interface EntryRow {
  key: string;
  value: string;
  first_seen: string;
}

const entryOf = (row: EntryRow): FeedEntry => ({ key: row.key, value: row.value, firstSeen: row.first_seen });

export class PgFeedStore implements FeedStore {
  constructor(private readonly pool: PgPool) {}

  async add(feed: FeedCreate, at: number): Promise<FeedRecord> {
    const inserted = await this.pool.query('INSERT INTO feeds (id, body, created_at, active) VALUES ($1, $2, $3, 0) ON CONFLICT (id) DO NOTHING', [feed.id, JSON.stringify(feed), toUtcTime(at)]);
    if (inserted.rowCount === 0) throw new HubError(409, `id: feed "${feed.id}" already exists (remove it first)`);
    return (await this.get(feed.id))!;
  }

  async list(): Promise<FeedRecord[]> {
    return (await this.pool.query<FeedRow>('SELECT * FROM feeds ORDER BY id')).rows.map(feedRecord);
  }

  async get(id: string): Promise<FeedRecord | null> {
    const row = (await this.pool.query<FeedRow>('SELECT * FROM feeds WHERE id = $1', [id])).rows[0];
    return row ? feedRecord(row) : null;
  }

  async remove(id: string): Promise<boolean> {
    return inTransaction(this.pool, async (db) => {
      await db.query('DELETE FROM feed_entries WHERE feed_id = $1', [id]);
      return ((await db.query('DELETE FROM feeds WHERE id = $1', [id])).rowCount ?? 0) > 0;
    });
  }

  async recordPoll(id: string, at: number, error: string | null, active: number): Promise<void> {
    await this.pool.query('UPDATE feeds SET last_poll_at = $1, last_ok_at = CASE WHEN $2::text IS NULL THEN $1 ELSE last_ok_at END, last_error = $2, active = $3 WHERE id = $4', [
      toUtcTime(at),
      error,
      active,
      id,
    ]);
  }

  async claimPoll(id: string, at: number, notBefore: number): Promise<boolean> {
    // Nodes updating the row at once: the later waits for the first's commit, then finds the condition false.
    const claimed = await this.pool.query('UPDATE feeds SET last_poll_at = $1 WHERE id = $2 AND (last_poll_at IS NULL OR last_poll_at < $3)', [toUtcTime(at), id, toUtcTime(notBefore)]);
    return (claimed.rowCount ?? 0) > 0;
  }

  async entries(feedId: string, prefix: string): Promise<FeedEntry[]> {
    // The keys starting with the prefix, an index range (bytewise: the column is COLLATE "C"), as in SQLite.
    const { rows } = await this.pool.query<EntryRow>('SELECT key, value, first_seen FROM feed_entries WHERE feed_id = $1 AND key >= $2 AND ($3::text IS NULL OR key < $3) ORDER BY key', [
      feedId,
      prefix,
      prefixEnd(prefix),
    ]);
    return rows.map(entryOf);
  }

  async entry(feedId: string, key: string): Promise<FeedEntry | null> {
    const row = (await this.pool.query<EntryRow>('SELECT key, value, first_seen FROM feed_entries WHERE feed_id = $1 AND key = $2', [feedId, key])).rows[0];
    return row ? entryOf(row) : null;
  }

  async putEntry(feedId: string, key: string, value: string, at: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO feed_entries (feed_id, key, value, first_seen) VALUES ($1, $2, $3, $4) ON CONFLICT (feed_id, key) DO UPDATE SET value = excluded.value',
      [feedId, key, value, toUtcTime(at)],
    );
  }

  async deleteEntries(feedId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.pool.query('DELETE FROM feed_entries WHERE feed_id = $1 AND key = ANY($2::text[])', [feedId, keys]);
  }
}
