import { randomUUID } from 'node:crypto';
import type { AlertRecord, AlertRequest } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { Alert } from '../../../shared/protocol.js';
import { HubError } from '../../hubError.js';
import { toAlert } from '../alertMessage.js';
import type { AlertStore } from '../index.js';
import { alertRecord, type AlertRow } from '../storedRows.js';
import { inTransaction, type PgPool } from './pgDb.js';

/** Alerts to a screen or a site, until their `until` or a clear, with each screen's acks (PostgreSQL). */

export class PgAlertStore implements AlertStore {
  constructor(private readonly pool: PgPool) {}

  async create(request: AlertRequest, at: number): Promise<AlertRecord> {
    const id = request.id ?? `alert-${randomUUID()}`;
    const [kind, target] = 'screen' in request.target ? ['screen', request.target.screen] : ['site', request.target.site];
    await inTransaction(this.pool, async (db) => {
      await db.query(
        `INSERT INTO alerts (id, target_kind, target_id, level, text, until, created_at, cleared_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
         ON CONFLICT (id) DO UPDATE SET target_kind = excluded.target_kind, target_id = excluded.target_id, level = excluded.level,
           text = excluded.text, until = excluded.until, cleared_at = NULL`,
        [id, kind, target, request.level, request.text, request.until, toUtcTime(at)],
      );
      await db.query('DELETE FROM alert_acks WHERE alert_id = $1', [id]);
    });
    return (await this.get(id))!;
  }

  async clear(id: string, at: number): Promise<AlertRecord> {
    const cleared = await this.pool.query('UPDATE alerts SET cleared_at = COALESCE(cleared_at, $1) WHERE id = $2', [toUtcTime(at), id]);
    if (cleared.rowCount === 0) throw new HubError(404, `alert "${id}" does not exist`);
    return (await this.get(id))!;
  }

  async get(id: string): Promise<AlertRecord | null> {
    const { rows } = await this.pool.query<AlertRow>('SELECT * FROM alerts WHERE id = $1', [id]);
    return (await this.records(rows))[0] ?? null;
  }

  async list(): Promise<AlertRecord[]> {
    return this.records((await this.pool.query<AlertRow>('SELECT * FROM alerts ORDER BY created_at DESC LIMIT 200')).rows);
  }

  async activeFor(screen: { id: string; site: string }, now: number): Promise<Alert[]> {
    const { rows } = await this.pool.query<AlertRow>(
      `SELECT * FROM alerts WHERE cleared_at IS NULL AND until > $1
         AND ((target_kind = 'screen' AND target_id = $2) OR (target_kind = 'site' AND target_id = $3)) ORDER BY created_at`,
      [toUtcTime(now), screen.id, screen.site],
    );
    return rows.map(toAlert);
  }

  async clearedFor(screen: { id: string; site: string }, now: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM alerts WHERE cleared_at IS NOT NULL AND until > $1
         AND ((target_kind = 'screen' AND target_id = $2) OR (target_kind = 'site' AND target_id = $3))
         AND NOT EXISTS (SELECT 1 FROM alert_acks WHERE alert_id = alerts.id AND screen_id = $2 AND kind = 'cleared')
         AND NOT EXISTS (SELECT 1 FROM screens WHERE id = $2 AND created_at >= alerts.cleared_at) ORDER BY cleared_at`,
      [toUtcTime(now), screen.id, screen.site],
    );
    return rows.map((row) => row.id);
  }

  async recordAck(alertId: string, screenId: string, kind: 'shown' | 'cleared', at: number): Promise<void> {
    await this.pool.query('INSERT INTO alert_acks (alert_id, screen_id, kind, at) VALUES ($1, $2, $3, $4) ON CONFLICT (alert_id, screen_id, kind) DO UPDATE SET at = excluded.at', [
      alertId,
      screenId,
      kind,
      toUtcTime(at),
    ]);
  }

  /** The rows with their acks (one query for all of them). */
  private async records(rows: AlertRow[]): Promise<AlertRecord[]> {
    if (rows.length === 0) return [];
    const acks = await this.pool.query<{ alert_id: string; screen_id: string; at: string }>(
      "SELECT alert_id, screen_id, at FROM alert_acks WHERE alert_id = ANY($1::text[]) AND kind = 'shown' ORDER BY at",
      [rows.map((row) => row.id)],
    );
    return rows.map((row) =>
      alertRecord(
        row,
        acks.rows.filter((ack) => ack.alert_id === row.id).map((ack) => ({ screen: ack.screen_id, at: ack.at })),
      ),
    );
  }
}
