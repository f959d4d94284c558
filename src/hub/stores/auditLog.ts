import type { AuditAction, AuditEntry, AuditQuery } from '../../shared/accounts.js';
import { toUtcTime } from '../../shared/ids.js';
import type { HubDb } from '../hubDb.js';

/**
 * The audit log: who did what, when, to which target, with the target's revision before and
 * after. Append-only: this interface has no update nor delete, and the table's triggers refuse
 * both (hubDb.ts, migration 5), so that not even a bug in the hub can rewrite history.
 */

export interface AuditRecord {
  actor: { id: string; email: string } | null;
  address: string | null;
  action: AuditAction;
  target: string;
  site?: string | null;
  before?: string | null;
  after?: string | null;
  detail?: string | null;
}

export interface AuditLog {
  append(record: AuditRecord, now: number): Promise<void>;
  query(query: AuditQuery): Promise<AuditEntry[]>;
}

interface AuditRow {
  id: number;
  at: string;
  actor: string | null;
  actor_email: string | null;
  address: string | null;
  action: AuditAction;
  target: string;
  site: string | null;
  before: string | null;
  after: string | null;
  detail: string | null;
}

export class SqliteAuditLog implements AuditLog {
  constructor(private readonly db: HubDb) {}

  async append(record: AuditRecord, now: number): Promise<void> {
    this.db
      .prepare('INSERT INTO audit_log (at, actor, actor_email, address, action, target, site, before, after, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(toUtcTime(now), record.actor?.id ?? null, record.actor?.email ?? null, record.address, record.action, record.target, record.site ?? null, record.before ?? null, record.after ?? null, record.detail ?? null);
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.since) (where.push('at >= ?'), params.push(query.since));
    if (query.until) (where.push('at < ?'), params.push(query.until));
    if (query.actor) (where.push('actor = ?'), params.push(query.actor));
    if (query.action) (where.push('action = ?'), params.push(query.action));
    if (query.site) (where.push('site = ?'), params.push(query.site));
    params.push(query.limit ?? 10_000);
    return this.db
      .prepare<(string | number)[], AuditRow>(`SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...params)
      .map((row) => ({
        id: row.id,
        at: row.at,
        actor: row.actor,
        actorEmail: row.actor_email,
        address: row.address,
        action: row.action,
        target: row.target,
        site: row.site,
        before: row.before,
        after: row.after,
        detail: row.detail,
      }));
  }
}

const CSV_COLUMNS = ['id', 'at', 'actor', 'actorEmail', 'address', 'action', 'target', 'site', 'before', 'after', 'detail'] as const;

/** CSV (RFC 4180), a formula-looking cell prefixed with ' so that a spreadsheet shows it as text. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const cell = (value: string | number | null): string => {
    if (value === null) return '';
    let text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [CSV_COLUMNS.join(','), ...entries.map((entry) => CSV_COLUMNS.map((column) => cell(entry[column])).join(','))].join('\r\n') + '\r\n';
}
