import { toUtcTime } from '../../../shared/ids.js';
import { SESSION_LIMITS, type SessionLimits, type SessionRecord, type SessionStore } from '../index.js';
import type { SessionRow } from '../storedRows.js';
import type { SqliteDb } from './sqliteDb.js';
import { hashToken, newToken } from '../../secrets.js';

/**
 * Dashboard sessions: the cookie carries 32 random bytes, the database only their SHA-256 (a
 * copy of the file signs nobody in). A session ends after `idleMs` without a request, after
 * `maxAgeMs` in any case, at sign-out, or when its user signs out everywhere or is disabled.
 */

export class SqliteSessionStore implements SessionStore {
  constructor(
    private readonly db: SqliteDb,
    private readonly limits: SessionLimits = SESSION_LIMITS,
  ) {}

  async create(userId: string, address: string | null, now: number): Promise<string> {
    const token = newToken();
    this.db.prepare('INSERT INTO sessions (id_hash, user_id, created_at, last_seen, address) VALUES (?, ?, ?, ?, ?)').run(hashToken(token), userId, toUtcTime(now), toUtcTime(now), address);
    return token;
  }

  async touch(token: string, now: number): Promise<SessionRecord | null> {
    const idHash = hashToken(token);
    const row = this.db.prepare<[string], SessionRow>('SELECT user_id, created_at, last_seen FROM sessions WHERE id_hash = ?').get(idHash);
    if (!row) return null;
    if (this.ended(row, now)) {
      this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
      return null;
    }
    // Written at most once a minute per session: a dashboard polling every few seconds does not write each time.
    if (now - Date.parse(row.last_seen) >= 60_000) this.db.prepare('UPDATE sessions SET last_seen = ? WHERE id_hash = ?').run(toUtcTime(now), idHash);
    return { userId: row.user_id, createdAt: row.created_at, lastSeen: toUtcTime(now) };
  }

  async end(token: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(hashToken(token));
  }

  async endAllOf(userId: string, except?: string): Promise<number> {
    if (except !== undefined) return this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?').run(userId, hashToken(except)).changes;
    return this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
  }

  async prune(now: number): Promise<number> {
    return this.db.prepare('DELETE FROM sessions WHERE last_seen <= ? OR created_at <= ?').run(toUtcTime(now - this.limits.idleMs), toUtcTime(now - this.limits.maxAgeMs)).changes;
  }

  /** When a session that was last seen at `lastSeen` ends if idle. */
  idleUntil(lastSeen: string): string {
    return toUtcTime(Date.parse(lastSeen) + this.limits.idleMs);
  }

  private ended(row: SessionRow, now: number): boolean {
    return now - Date.parse(row.last_seen) >= this.limits.idleMs || now - Date.parse(row.created_at) >= this.limits.maxAgeMs;
  }
}
