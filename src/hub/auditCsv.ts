import type { AuditEntry } from '../shared/accounts.js';

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
