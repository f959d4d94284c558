import type { AuditEntry, AuditQuery } from '../../../shared/accounts.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { AuditLog, AuditRecord } from '../index.js';
import { auditEntry, type AuditRow } from '../storedRows.js';
import type { PgPool } from './pgDb.js';

/**
 * The audit log (PostgreSQL): who did what, when, to which target, with the target's revision
 * before and after. Append-only: this interface has no update nor delete, and a trigger refuses
 * both (migrations.ts, version 4), so that not even a bug in the hub can rewrite history.
 */


/** One statement whatever the filters: a filter not given is NULL and lets every row through. */
const AUDIT_QUERY = `
  SELECT id, at, actor, actor_email, address, action, target, site, before, after, detail FROM audit_log
   WHERE ($1::text IS NULL OR at >= $1) AND ($2::text IS NULL OR at < $2) AND ($3::text IS NULL OR actor = $3)
     AND ($4::text IS NULL OR action = $4) AND ($5::text IS NULL OR site = $5)
   ORDER BY id DESC LIMIT $6`;

export class PgAuditLog implements AuditLog {
  constructor(private readonly pool: PgPool) {}

  async append(record: AuditRecord, now: number): Promise<void> {
    await this.pool.query('INSERT INTO audit_log (at, actor, actor_email, address, action, target, site, before, after, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
      toUtcTime(now),
      record.actor?.id ?? null,
      record.actor?.email ?? null,
      record.address,
      record.action,
      record.target,
      record.site ?? null,
      record.before ?? null,
      record.after ?? null,
      record.detail ?? null,
    ]);
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<AuditRow>(AUDIT_QUERY, [query.since ?? null, query.until ?? null, query.actor ?? null, query.action ?? null, query.site ?? null, query.limit ?? 10_000]);
    return rows.map(auditEntry);
  }
}
