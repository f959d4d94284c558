import type { StoredImpression } from '../shared/adminApi.js';
import { personSeconds } from '../shared/reach.js';

/** New columns go at the end: spreadsheets and scripts that read the first ten keep working. */
export const CSV_COLUMNS = ['id', 'screenId', 'playlistId', 'itemId', 'revision', 'start', 'end', 'durationMs', 'complete', 'receivedAt', 'zoneId', 'audience', 'personSeconds'] as const;

/**
 * RFC 4180 CSV, one impression per line, for spreadsheets. A text cell that a spreadsheet
 * would read as a formula (starting with = + - @, a tab or a carriage return) is prefixed
 * with ' (OWASP CSV injection rule), so an id sent by a screen cannot run in the admin's sheet.
 */
export function impressionsCsv(impressions: StoredImpression[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const impression of impressions) {
    // Audience-weighted airtime (issue 21): empty without queue data, like `audience`.
    const row = { ...impression, personSeconds: impression.audience === null ? null : Math.round(personSeconds(impression) * 1000) / 1000 };
    lines.push(CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** One CSV cell (RFC 4180 quoting, and the OWASP rule above for text a spreadsheet would run). */
export function csvCell(value: string | number | boolean | null): string {
  const raw = value === null ? '' : String(value);
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
