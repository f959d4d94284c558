import type { ImpressionQuery, StoredImpression } from '../shared/adminApi.js';
import { toUtcTime } from '../shared/ids.js';
import type { Impression } from '../shared/impression.js';
import { MAIN_ZONE } from '../shared/layout.js';
import type { HubDb } from './hubDb.js';

/** Proof of play, stored once per id (the idempotency key), one transaction per batch. */

interface ImpressionRow {
  id: string;
  screen_id: string;
  playlist_id: string;
  item_id: string;
  revision: string;
  start: string;
  end: string;
  duration_ms: number;
  complete: number;
  received_at: string;
  zone_id: string;
  audience: number | null;
}

/** New columns go at the end: spreadsheets and scripts that read the first ten keep working. */
export const CSV_COLUMNS = ['id', 'screenId', 'playlistId', 'itemId', 'revision', 'start', 'end', 'durationMs', 'complete', 'receivedAt', 'zoneId', 'audience'] as const;

export class ImpressionStore {
  private readonly insertOne;
  private readonly insertBatch;

  constructor(private readonly db: HubDb) {
    this.insertOne = db.prepare(
      `INSERT OR IGNORE INTO impressions (id, screen_id, playlist_id, item_id, revision, start, end, duration_ms, complete, received_at, zone_id, audience)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertBatch = db.transaction((impressions: Impression[], receivedAt: string) => {
      let stored = 0;
      for (const i of impressions) {
        stored += this.insertOne.run(i.id, i.screenId, i.playlistId, i.itemId, i.revision, i.start, i.end, i.durationMs, i.complete ? 1 : 0, receivedAt, i.zoneId ?? MAIN_ZONE, i.audience ?? null).changes;
      }
      return stored;
    });
  }

  /** Stores the batch in one transaction; a repeated id is counted in `duplicates`, not stored again. */
  insert(impressions: Impression[], at: number): { stored: number; duplicates: number } {
    const stored = this.insertBatch(impressions, toUtcTime(at));
    return { stored, duplicates: impressions.length - stored };
  }

  query(query: ImpressionQuery): StoredImpression[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.since) where.push('start >= ?') && params.push(query.since);
    if (query.until) where.push('start < ?') && params.push(query.until);
    if (query.screen) where.push('screen_id = ?') && params.push(query.screen);
    const sql = `SELECT * FROM impressions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start, id LIMIT ?`;
    params.push(query.limit ?? 1_000_000);
    return this.db
      .prepare<(string | number)[], ImpressionRow>(sql)
      .all(...params)
      .map((row) => ({
        id: row.id,
        screenId: row.screen_id,
        playlistId: row.playlist_id,
        itemId: row.item_id,
        revision: row.revision,
        start: row.start,
        end: row.end,
        durationMs: row.duration_ms,
        complete: row.complete === 1,
        receivedAt: row.received_at,
        zoneId: row.zone_id,
        audience: row.audience,
      }));
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM impressions').get()!.n;
  }
}

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
