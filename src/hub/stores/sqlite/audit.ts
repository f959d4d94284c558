import type { AuditEntry, AuditQuery } from '../../../shared/accounts.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { AuditLog, AuditRecord } from '../index.js';
import { auditEntry, type AuditRow } from '../storedRows.js';
import type { SqliteDb } from './sqliteDb.js';

/**
 * The audit log: who did what, when, to which target, with the target's revision before and
 * after. Append-only: this interface has no update nor delete, and the table's triggers refuse
 * both (sqliteDb.ts, migration 7), so that not even a bug in the hub can rewrite history.
 */


interface AuditFilters {
  since: string | null;
  until: string | null;
  actor: string | null;
  action: string | null;
  site: string | null;
  limit: number;
}

export class SqliteAuditLog implements AuditLog {
  constructor(private readonly db: SqliteDb) {}

  async append(record: AuditRecord, now: number): Promise<void> {
    this.db
      .prepare('INSERT INTO audit_log (at, actor, actor_email, address, action, target, site, before, after, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(toUtcTime(now), record.actor?.id ?? null, record.actor?.email ?? null, record.address, record.action, record.target, record.site ?? null, record.before ?? null, record.after ?? null, record.detail ?? null);
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    // One statement whatever the filters: a filter not given is NULL and lets every row through.
    return this.db
      .prepare<[AuditFilters], AuditRow>(
        `SELECT * FROM audit_log
          WHERE (@since IS NULL OR at >= @since) AND (@until IS NULL OR at < @until) AND (@actor IS NULL OR actor = @actor)
            AND (@action IS NULL OR action = @action) AND (@site IS NULL OR site = @site)
          ORDER BY id DESC LIMIT @limit`,
      )
      .all({ since: query.since ?? null, until: query.until ?? null, actor: query.actor ?? null, action: query.action ?? null, site: query.site ?? null, limit: query.limit ?? 10_000 })
      .map(auditEntry);
  }
}
