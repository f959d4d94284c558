import { randomUUID } from 'node:crypto';
import type { Grant } from '../../../shared/access.js';
import type { UserInfo } from '../../../shared/accounts.js';
import { toUtcTime } from '../../../shared/ids.js';
import { HubError } from '../../hubError.js';
import type { AccountStore, NewUser } from '../index.js';
import type { UserRow } from '../storedRows.js';
import { inTransaction, type PgPool, type PgQueryable } from './pgDb.js';

/** Users and their roles per site (PostgreSQL). Passwords arrive here already hashed (passwords.ts). */


/** A grant on every site is stored with this site (as in SQLite). */
const ALL_SITES = '*';

const GRANTS_OF =
  "SELECT user_id, role, site FROM user_grants WHERE user_id = ANY($1::text[]) ORDER BY user_id, CASE role WHEN 'admin' THEN 0 WHEN 'editor' THEN 1 WHEN 'operator' THEN 2 ELSE 3 END, site";
const INSERT_GRANT = 'INSERT INTO user_grants (user_id, role, site) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING';
/** Unique violation (a second account for one email, two nodes adding the same at once). */
const UNIQUE_VIOLATION = '23505';

export class PgAccountStore implements AccountStore {
  constructor(private readonly pool: PgPool) {}

  async add(user: NewUser, now: number): Promise<UserInfo> {
    const id = `u-${randomUUID()}`;
    try {
      await inTransaction(this.pool, async (client) => {
        if ((await client.query('SELECT 1 FROM users WHERE email = $1', [user.email])).rowCount) throw new HubError(409, `email: ${user.email} already has an account`);
        await client.query('INSERT INTO users (id, email, name, password_hash, source, oidc_subject, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
          id,
          user.email,
          user.name,
          user.passwordHash,
          user.source,
          user.oidcSubject ?? null,
          toUtcTime(now),
        ]);
        await writeGrants(client, id, user.grants);
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) throw new HubError(409, `email: ${user.email} already has an account`);
      throw error;
    }
    return (await this.get(id))!;
  }

  async get(id: string): Promise<UserInfo | null> {
    return this.one(await this.pool.query<UserRow>('SELECT id, email, name, source, disabled, created_at, last_sign_in FROM users WHERE id = $1', [id]));
  }

  async byEmail(email: string): Promise<UserInfo | null> {
    return this.one(await this.pool.query<UserRow>('SELECT id, email, name, source, disabled, created_at, last_sign_in FROM users WHERE email = $1', [email.trim().toLowerCase()]));
  }

  async byOidcSubject(subject: string): Promise<UserInfo | null> {
    return this.one(await this.pool.query<UserRow>('SELECT id, email, name, source, disabled, created_at, last_sign_in FROM users WHERE oidc_subject = $1', [subject]));
  }

  async passwordHashOf(id: string): Promise<string | null> {
    return (await this.pool.query<{ password_hash: string | null }>('SELECT password_hash FROM users WHERE id = $1', [id])).rows[0]?.password_hash ?? null;
  }

  async list(): Promise<UserInfo[]> {
    return this.infos((await this.pool.query<UserRow>('SELECT id, email, name, source, disabled, created_at, last_sign_in FROM users ORDER BY email')).rows);
  }

  async count(): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM users')).rows[0]!.n;
  }

  async update(id: string, patch: { name?: string; disabled?: boolean; grants?: Grant[]; passwordHash?: string; oidcSubject?: string }): Promise<{ before: UserInfo; after: UserInfo }> {
    const before = await this.get(id);
    if (!before) throw new HubError(404, `user "${id}" does not exist`);
    await inTransaction(this.pool, async (client) => {
      // One statement: a field not given (null here) keeps its value.
      await client.query(
        'UPDATE users SET name = COALESCE($2, name), disabled = COALESCE($3, disabled), password_hash = COALESCE($4, password_hash), oidc_subject = COALESCE($5, oidc_subject) WHERE id = $1',
        [id, patch.name ?? null, patch.disabled === undefined ? null : patch.disabled ? 1 : 0, patch.passwordHash ?? null, patch.oidcSubject ?? null],
      );
      if (patch.grants !== undefined) {
        await client.query('DELETE FROM user_grants WHERE user_id = $1', [id]);
        await writeGrants(client, id, patch.grants);
      }
    });
    return { before, after: (await this.get(id))! };
  }

  async signedIn(id: string, now: number): Promise<void> {
    await this.pool.query('UPDATE users SET last_sign_in = $1 WHERE id = $2', [toUtcTime(now), id]);
  }

  async firstAdmin(): Promise<UserInfo | null> {
    return this.one(
      await this.pool.query<UserRow>(
        `SELECT u.id, u.email, u.name, u.source, u.disabled, u.created_at, u.last_sign_in FROM users u JOIN user_grants g ON g.user_id = u.id
          WHERE g.role = 'admin' AND g.site = '*' AND u.disabled = 0 ORDER BY u.created_at, u.id LIMIT 1`,
      ),
    );
  }

  private async one(result: { rows: UserRow[] }): Promise<UserInfo | null> {
    return (await this.infos(result.rows))[0] ?? null;
  }

  /** The users of these rows with their grants (one query for all of them). */
  private async infos(rows: readonly UserRow[]): Promise<UserInfo[]> {
    if (rows.length === 0) return [];
    const grants = new Map<string, Grant[]>();
    for (const grant of (await this.pool.query<{ user_id: string; role: Grant['role']; site: string }>(GRANTS_OF, [rows.map((row) => row.id)])).rows) {
      let list = grants.get(grant.user_id);
      if (!list) grants.set(grant.user_id, (list = []));
      list.push({ role: grant.role, site: grant.site === ALL_SITES ? null : grant.site });
    }
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      disabled: row.disabled === 1,
      grants: grants.get(row.id) ?? [],
      source: row.source,
      createdAt: row.created_at,
      lastSignIn: row.last_sign_in,
    }));
  }
}

async function writeGrants(client: PgQueryable, id: string, grants: readonly Grant[]): Promise<void> {
  for (const grant of grants) await client.query(INSERT_GRANT, [id, grant.role, grant.site ?? ALL_SITES]);
}
