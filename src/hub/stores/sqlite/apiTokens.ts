import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { ApiTokenInfo } from '../../../shared/accounts.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { ApiTokenStore } from '../index.js';
import { tokenInfo, type TokenRow } from '../storedRows.js';
import type { SqliteDb } from './sqliteDb.js';
import { HubError } from '../../hubError.js';
import { hashToken, newToken } from '../../secrets.js';

/** API tokens for scripts and the CLI, one user's each, kept as SHA-256 hashes, listed and revocable. */

export class SqliteApiTokenStore implements ApiTokenStore {
  constructor(private readonly db: SqliteDb) {}

  async create(userId: string, name: string, now: number): Promise<{ token: string; info: ApiTokenInfo }> {
    const token = newToken();
    const id = `t-${randomUUID()}`;
    this.db.prepare('INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(id, userId, name, hashToken(token), toUtcTime(now));
    return { token, info: (await this.get(id))! };
  }

  async adopt(userId: string, token: string, name: string, now: number): Promise<ApiTokenInfo> {
    const known = this.db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE token_hash = ?').get(hashToken(token));
    if (known) return tokenInfo(known);
    const id = `t-${randomUUID()}`;
    this.db.prepare('INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(id, userId, name, hashToken(token), toUtcTime(now));
    return (await this.get(id))!;
  }

  async verify(token: string, now: number): Promise<{ userId: string; tokenId: string } | null> {
    const given = hashToken(token);
    const row = this.db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE token_hash = ?').get(given);
    // Found by its hash's index; compared once more in constant time (the lookup is not).
    if (!row || row.revoked_at !== null || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(given, 'hex'))) return null;
    if (row.last_used_at === null || now - Date.parse(row.last_used_at) >= 60_000) this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(toUtcTime(now), row.id);
    return { userId: row.user_id, tokenId: row.id };
  }

  async list(userId?: string): Promise<ApiTokenInfo[]> {
    const rows =
      userId === undefined
        ? this.db.prepare<[], TokenRow>('SELECT * FROM api_tokens ORDER BY created_at').all()
        : this.db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at').all(userId);
    return rows.map(tokenInfo);
  }

  async get(id: string): Promise<ApiTokenInfo | null> {
    const row = this.db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE id = ?').get(id);
    return row ? tokenInfo(row) : null;
  }

  async revoke(id: string, now: number): Promise<ApiTokenInfo> {
    if (this.db.prepare('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(toUtcTime(now), id).changes === 0) throw new HubError(404, `token "${id}" does not exist`);
    return (await this.get(id))!;
  }
}
