import type { StoredImpression } from '../shared/adminApi.js';

/** New columns go at the end: spreadsheets and scripts that read the first ten keep working. */
export const CSV_COLUMNS = ['id', 'screenId', 'playlistId', 'itemId', 'revision', 'start', 'end', 'durationMs', 'complete', 'receivedAt', 'zoneId', 'audience'] as const;

/**
 * RFC 4180 CSV, one impression per line, for spreadsheets. A text cell that a spreadsheet
 * would read as a formula (starting with = + - @, a tab or a carriage return) is prefixed
 * with ' (OWASP CSV injection rule), so an id sent by a screen cannot run in the admin's sheet.
 */
export function impressionsCsv(impressions: StoredImpression[]): string {
  const cell = (value: string | number | boolean | null): string => {
    const raw = value === null ? '' : String(value);
    const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.join(',')];
  for (const impression of impressions) lines.push(CSV_COLUMNS.map((column) => cell(impression[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
