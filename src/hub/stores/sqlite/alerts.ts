import { randomUUID } from 'node:crypto';
import type { AlertRecord, AlertRequest } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { Alert } from '../../../shared/protocol.js';
import { HubError } from '../../hubError.js';
import { toAlert } from '../alertMessage.js';
import type { AlertStore } from '../index.js';
import { alertRecord, type AlertRow } from '../storedRows.js';
import type { SqliteDb } from './sqliteDb.js';

/** Alerts to a screen or a site, until their `until` or a clear, with each screen's acks. */

export class SqliteAlertStore implements AlertStore {
  constructor(private readonly db: SqliteDb) {}

  async create(request: AlertRequest, at: number): Promise<AlertRecord> {
    const id = request.id ?? `alert-${randomUUID()}`;
    const [kind, target] = 'screen' in request.target ? ['screen', request.target.screen] : ['site', request.target.site];
    // Sending an alert again with the same id replaces it (new text, new until) and revives it.
    this.db
      .prepare(
        `INSERT INTO alerts (id, target_kind, target_id, level, text, until, created_at, cleared_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
         ON CONFLICT (id) DO UPDATE SET target_kind = excluded.target_kind, target_id = excluded.target_id, level = excluded.level,
           text = excluded.text, until = excluded.until, cleared_at = NULL`,
      )
      .run(id, kind, target, request.level, request.text, request.until, toUtcTime(at));
    this.db.prepare('DELETE FROM alert_acks WHERE alert_id = ?').run(id);
    return this.getNow(id)!;
  }

  async clear(id: string, at: number): Promise<AlertRecord> {
    const found = this.getNow(id);
    if (!found) throw new HubError(404, `alert "${id}" does not exist`);
    this.db.prepare('UPDATE alerts SET cleared_at = COALESCE(cleared_at, ?) WHERE id = ?').run(toUtcTime(at), id);
    return this.getNow(id)!;
  }

  async get(id: string): Promise<AlertRecord | null> {
    return this.getNow(id);
  }

  private getNow(id: string): AlertRecord | null {
    const row = this.db.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE id = ?').get(id);
    return row ? this.record(row) : null;
  }

  async list(): Promise<AlertRecord[]> {
    return this.db.prepare<[], AlertRow>('SELECT * FROM alerts ORDER BY created_at DESC LIMIT 200').all().map((row) => this.record(row));
  }

  /** Alerts a screen must show now. */
  async activeFor(screen: { id: string; site: string }, now: number): Promise<Alert[]> {
    return this.db
      .prepare<[string, string, string], AlertRow>(
        `SELECT * FROM alerts WHERE cleared_at IS NULL AND until > ?
           AND ((target_kind = 'screen' AND target_id = ?) OR (target_kind = 'site' AND target_id = ?)) ORDER BY created_at`,
      )
      .all(toUtcTime(now), screen.id, screen.site)
      .map(toAlert);
  }

  async clearedFor(screen: { id: string; site: string }, now: number): Promise<string[]> {
    return this.db
      .prepare<[string, string, string, string, string], { id: string }>(
        `SELECT id FROM alerts WHERE cleared_at IS NOT NULL AND until > ?
           AND ((target_kind = 'screen' AND target_id = ?) OR (target_kind = 'site' AND target_id = ?))
           AND NOT EXISTS (SELECT 1 FROM alert_acks WHERE alert_id = alerts.id AND screen_id = ? AND kind = 'cleared')
           AND NOT EXISTS (SELECT 1 FROM screens WHERE id = ? AND created_at >= alerts.cleared_at) ORDER BY cleared_at`,
      )
      .all(toUtcTime(now), screen.id, screen.site, screen.id, screen.id)
      .map((row) => row.id);
  }

  async recordAck(alertId: string, screenId: string, kind: 'shown' | 'cleared', at: number): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO alert_acks (alert_id, screen_id, kind, at) VALUES (?, ?, ?, ?)').run(alertId, screenId, kind, toUtcTime(at));
  }

  private record(row: AlertRow): AlertRecord {
    const acks = this.db
      .prepare<[string], { screen_id: string; at: string }>("SELECT screen_id, at FROM alert_acks WHERE alert_id = ? AND kind = 'shown' ORDER BY at")
      .all(row.id)
      .map((ack) => ({ screen: ack.screen_id, at: ack.at }));
    return alertRecord(row, acks);
  }
}
