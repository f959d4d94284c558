import { toUtcTime } from '../../../shared/ids.js';
import { hashToken, newToken } from '../../secrets.js';
import { SESSION_LIMITS, type SessionLimits, type SessionRecord, type SessionStore } from '../index.js';
import type { SessionRow } from '../storedRows.js';
import type { PgPool } from './pgDb.js';

/**
 * Dashboard sessions (PostgreSQL): the cookie carries 32 random bytes, the database only their
 * SHA-256. A session ends after `idleMs` without a request, after `maxAgeMs` in any case, at
 * sign-out, or when its user signs out everywhere or is disabled; any node of a cluster knows it.
 */

export class PgSessionStore implements SessionStore {
  constructor(
    private readonly pool: PgPool,
    private readonly limits: SessionLimits = SESSION_LIMITS,
  ) {}

  async create(userId: string, address: string | null, now: number): Promise<string> {
    const token = newToken();
    await this.pool.query('INSERT INTO sessions (id_hash, user_id, created_at, last_seen, address) VALUES ($1, $2, $3, $3, $4)', [hashToken(token), userId, toUtcTime(now), address]);
    return token;
  }

  async touch(token: string, now: number): Promise<SessionRecord | null> {
    const idHash = hashToken(token);
    const row = (await this.pool.query<SessionRow>('SELECT user_id, created_at, last_seen FROM sessions WHERE id_hash = $1', [idHash])).rows[0];
    if (!row) return null;
    if (now - Date.parse(row.last_seen) >= this.limits.idleMs || now - Date.parse(row.created_at) >= this.limits.maxAgeMs) {
      await this.pool.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
      return null;
    }
    // Written at most once a minute per session: a dashboard polling every few seconds does not write each time.
    if (now - Date.parse(row.last_seen) >= 60_000) await this.pool.query('UPDATE sessions SET last_seen = $1 WHERE id_hash = $2', [toUtcTime(now), idHash]);
    return { userId: row.user_id, createdAt: row.created_at, lastSeen: toUtcTime(now) };
  }

  async end(token: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE id_hash = $1', [hashToken(token)]);
  }

  async endAllOf(userId: string, except?: string): Promise<number> {
    // Without `except` ($2 NULL), every session of the user.
    const result = await this.pool.query('DELETE FROM sessions WHERE user_id = $1 AND ($2::text IS NULL OR id_hash <> $2)', [userId, except === undefined ? null : hashToken(except)]);
    return result.rowCount ?? 0;
  }

  async prune(now: number): Promise<number> {
    const result = await this.pool.query('DELETE FROM sessions WHERE last_seen <= $1 OR created_at <= $2', [toUtcTime(now - this.limits.idleMs), toUtcTime(now - this.limits.maxAgeMs)]);
    return result.rowCount ?? 0;
  }
}
