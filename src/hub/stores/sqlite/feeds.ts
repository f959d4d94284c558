import { FeedCreate, FeedRecord } from '../../../shared/feeds.js';
import { toUtcTime } from '../../../shared/ids.js';
import { HubError } from '../../hubError.js';
import type { FeedEntry, FeedStore } from '../index.js';
import { prefixEnd } from '../storeRules.js';
import { feedRecord, type FeedRow } from '../storedRows.js';
import type { SqliteDb } from './sqliteDb.js';

/** The feeds a hub polls and what each has seen (SQLite). */

export class SqliteFeedStore implements FeedStore {
  constructor(private readonly db: SqliteDb) {}

  async add(feed: FeedCreate, at: number): Promise<FeedRecord> {
    const inserted = this.db.prepare('INSERT OR IGNORE INTO feeds (id, body, created_at, active) VALUES (?, ?, ?, 0)').run(feed.id, JSON.stringify(feed), toUtcTime(at));
    if (inserted.changes === 0) throw new HubError(409, `id: feed "${feed.id}" already exists (remove it first)`);
    return (await this.get(feed.id))!;
  }

  async list(): Promise<FeedRecord[]> {
    return this.db.prepare<[], FeedRow>('SELECT * FROM feeds ORDER BY id').all().map(feedRecord);
  }

  async get(id: string): Promise<FeedRecord | null> {
    const row = this.db.prepare<[string], FeedRow>('SELECT * FROM feeds WHERE id = ?').get(id);
    return row ? feedRecord(row) : null;
  }

  async remove(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM feed_entries WHERE feed_id = ?').run(id);
      return this.db.prepare('DELETE FROM feeds WHERE id = ?').run(id).changes > 0;
    })();
  }

  async recordPoll(id: string, at: number, error: string | null, active: number): Promise<void> {
    const time = toUtcTime(at);
    this.db
      .prepare('UPDATE feeds SET last_poll_at = ?, last_ok_at = CASE WHEN ? IS NULL THEN ? ELSE last_ok_at END, last_error = ?, active = ? WHERE id = ?')
      .run(time, error, time, error, active, id);
  }

  async claimPoll(id: string, at: number, notBefore: number): Promise<boolean> {
    return this.db.prepare('UPDATE feeds SET last_poll_at = ? WHERE id = ? AND (last_poll_at IS NULL OR last_poll_at < ?)').run(toUtcTime(at), id, toUtcTime(notBefore)).changes > 0;
  }

  async entries(feedId: string, prefix: string): Promise<FeedEntry[]> {
    return this.db
      .prepare<[string, string, string | null, string | null], { key: string; value: string; first_seen: string }>(
        'SELECT key, value, first_seen FROM feed_entries WHERE feed_id = ? AND key >= ? AND (? IS NULL OR key < ?) ORDER BY key',
      )
      .all(feedId, prefix, prefixEnd(prefix), prefixEnd(prefix))
      .map((row) => ({ key: row.key, value: row.value, firstSeen: row.first_seen }));
  }

  async entry(feedId: string, key: string): Promise<FeedEntry | null> {
    const row = this.db.prepare<[string, string], { key: string; value: string; first_seen: string }>('SELECT key, value, first_seen FROM feed_entries WHERE feed_id = ? AND key = ?').get(feedId, key);
    return row ? { key: row.key, value: row.value, firstSeen: row.first_seen } : null;
  }

  async putEntry(feedId: string, key: string, value: string, at: number): Promise<void> {
    this.db
      .prepare('INSERT INTO feed_entries (feed_id, key, value, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT (feed_id, key) DO UPDATE SET value = excluded.value')
      .run(feedId, key, value, toUtcTime(at));
  }

  async deleteEntries(feedId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    this.db.prepare('DELETE FROM feed_entries WHERE feed_id = ? AND key IN (SELECT value FROM json_each(?))').run(feedId, JSON.stringify(keys));
  }
}
