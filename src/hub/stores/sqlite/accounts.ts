import { randomUUID } from 'node:crypto';
import type { Grant } from '../../../shared/access.js';
import type { UserInfo } from '../../../shared/accounts.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { AccountStore, NewUser } from '../index.js';
import type { UserRow } from '../storedRows.js';
import type { SqliteDb } from './sqliteDb.js';
import { HubError } from '../../hubError.js';

/** Users and their roles per site. Passwords arrive here already hashed (passwords.ts). */


const ALL_SITES = '*';

export class SqliteAccountStore implements AccountStore {
  constructor(private readonly db: SqliteDb) {}

  async add(user: NewUser, now: number): Promise<UserInfo> {
    const id = `u-${randomUUID()}`;
    this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM users WHERE email = ?').get(user.email)) throw new HubError(409, `email: ${user.email} already has an account`);
      this.db
        .prepare('INSERT INTO users (id, email, name, password_hash, source, oidc_subject, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, user.email, user.name, user.passwordHash, user.source, user.oidcSubject ?? null, toUtcTime(now));
      this.writeGrants(id, user.grants);
    })();
    return (await this.get(id))!;
  }

  async get(id: string): Promise<UserInfo | null> {
    return this.one(this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?').get(id));
  }

  async byEmail(email: string): Promise<UserInfo | null> {
    return this.one(this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?').get(email.trim().toLowerCase()));
  }

  async byOidcSubject(subject: string): Promise<UserInfo | null> {
    return this.one(this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE oidc_subject = ?').get(subject));
  }

  async passwordHashOf(id: string): Promise<string | null> {
    return this.db.prepare<[string], { password_hash: string | null }>('SELECT password_hash FROM users WHERE id = ?').get(id)?.password_hash ?? null;
  }

  async list(): Promise<UserInfo[]> {
    return this.db.prepare<[], UserRow>('SELECT * FROM users ORDER BY email').all().map((row) => this.info(row));
  }

  async count(): Promise<number> {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users').get()!.n;
  }

  async update(id: string, patch: { name?: string; disabled?: boolean; grants?: Grant[]; passwordHash?: string; oidcSubject?: string }): Promise<{ before: UserInfo; after: UserInfo }> {
    const before = await this.get(id);
    if (!before) throw new HubError(404, `user "${id}" does not exist`);
    this.db.transaction(() => {
      if (patch.name !== undefined) this.db.prepare('UPDATE users SET name = ? WHERE id = ?').run(patch.name, id);
      if (patch.disabled !== undefined) this.db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(patch.disabled ? 1 : 0, id);
      if (patch.passwordHash !== undefined) this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(patch.passwordHash, id);
      if (patch.oidcSubject !== undefined) this.db.prepare('UPDATE users SET oidc_subject = ? WHERE id = ?').run(patch.oidcSubject, id);
      if (patch.grants !== undefined) {
        this.db.prepare('DELETE FROM user_grants WHERE user_id = ?').run(id);
        this.writeGrants(id, patch.grants);
      }
    })();
    return { before, after: (await this.get(id))! };
  }

  async signedIn(id: string, now: number): Promise<void> {
    this.db.prepare('UPDATE users SET last_sign_in = ? WHERE id = ?').run(toUtcTime(now), id);
  }

  async firstAdmin(): Promise<UserInfo | null> {
    return this.one(
      this.db
        .prepare<[], UserRow>(
          `SELECT u.* FROM users u JOIN user_grants g ON g.user_id = u.id
            WHERE g.role = 'admin' AND g.site = '*' AND u.disabled = 0 ORDER BY u.created_at, u.id LIMIT 1`,
        )
        .get(),
    );
  }

  private writeGrants(id: string, grants: readonly Grant[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO user_grants (user_id, role, site) VALUES (?, ?, ?)');
    for (const grant of grants) insert.run(id, grant.role, grant.site ?? ALL_SITES);
  }

  private one(row: UserRow | undefined): UserInfo | null {
    return row ? this.info(row) : null;
  }

  private info(row: UserRow): UserInfo {
    const grants = this.db
      .prepare<[string], { role: Grant['role']; site: string }>("SELECT role, site FROM user_grants WHERE user_id = ? ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'editor' THEN 1 WHEN 'operator' THEN 2 ELSE 3 END, site")
      .all(row.id)
      .map((grant) => ({ role: grant.role, site: grant.site === ALL_SITES ? null : grant.site }));
    return { id: row.id, email: row.email, name: row.name, disabled: row.disabled === 1, grants, source: row.source, createdAt: row.created_at, lastSignIn: row.last_sign_in };
  }
}
