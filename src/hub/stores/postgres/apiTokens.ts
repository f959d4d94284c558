import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { ApiTokenInfo } from '../../../shared/accounts.js';
import { toUtcTime } from '../../../shared/ids.js';
import { HubError } from '../../hubError.js';
import { hashToken, newToken } from '../../secrets.js';
import type { ApiTokenStore } from '../index.js';
import { tokenInfo, type TokenRow } from '../storedRows.js';
import type { PgPool } from './pgDb.js';

/** API tokens for scripts and the CLI (PostgreSQL), one user's each, kept as SHA-256 hashes, listed and revocable. */

export class PgApiTokenStore implements ApiTokenStore {
  constructor(private readonly pool: PgPool) {}

  async create(userId: string, name: string, now: number): Promise<{ token: string; info: ApiTokenInfo }> {
    const token = newToken();
    const id = `t-${randomUUID()}`;
    await this.pool.query('INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)', [id, userId, name, hashToken(token), toUtcTime(now)]);
    return { token, info: (await this.get(id))! };
  }

  async adopt(userId: string, token: string, name: string, now: number): Promise<ApiTokenInfo> {
    // Nodes starting together with one ANTICHAMBRE_ADMIN_TOKEN: the first keeps it, the others find it (revoked ones stay revoked).
    await this.pool.query('INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token_hash) DO NOTHING', [
      `t-${randomUUID()}`,
      userId,
      name,
      hashToken(token),
      toUtcTime(now),
    ]);
    return tokenInfo((await this.pool.query<TokenRow>('SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at FROM api_tokens WHERE token_hash = $1', [hashToken(token)])).rows[0]!);
  }

  async verify(token: string, now: number): Promise<{ userId: string; tokenId: string } | null> {
    const given = hashToken(token);
    const row = (await this.pool.query<TokenRow>('SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at FROM api_tokens WHERE token_hash = $1', [given])).rows[0];
    // Found by its hash's index; compared once more in constant time (the lookup is not).
    if (!row || row.revoked_at !== null || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(given, 'hex'))) return null;
    if (row.last_used_at === null || now - Date.parse(row.last_used_at) >= 60_000) await this.pool.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [toUtcTime(now), row.id]);
    return { userId: row.user_id, tokenId: row.id };
  }

  async list(userId?: string): Promise<ApiTokenInfo[]> {
    const rows = await this.pool.query<TokenRow>('SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at FROM api_tokens WHERE ($1::text IS NULL OR user_id = $1) ORDER BY created_at, id', [userId ?? null]);
    return rows.rows.map(tokenInfo);
  }

  async get(id: string): Promise<ApiTokenInfo | null> {
    const row = (await this.pool.query<TokenRow>('SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at FROM api_tokens WHERE id = $1', [id])).rows[0];
    return row ? tokenInfo(row) : null;
  }

  async revoke(id: string, now: number): Promise<ApiTokenInfo> {
    const result = await this.pool.query<TokenRow>('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 RETURNING id, user_id, name, token_hash, created_at, last_used_at, revoked_at', [toUtcTime(now), id]);
    const row = result.rows[0];
    if (!row) throw new HubError(404, `token "${id}" does not exist`);
    return tokenInfo(row);
  }
}
