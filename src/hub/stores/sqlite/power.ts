import type { PowerReport, PowerReportQuery } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { PowerStatus } from '../../../shared/powerSchedule.js';
import { HubError } from '../../hubError.js';
import type { PowerStore } from '../index.js';
import { powerReport, reportedStretch, type PowerLogRow } from '../powerLog.js';
import type { SqliteDb } from './sqliteDb.js';

/**
 * Screens asleep when the building is closed (SQLite): wattages in `screens.watts`, the display
 * states screens report in `power_log` (one row per stretch), the report computed from both
 * (../powerLog.ts). The power schedules themselves travel with the sets (playlists.ts).
 */
export class SqlitePowerStore implements PowerStore {
  private readonly upsert;
  private readonly setWattsStmt;
  private readonly overlapping;
  private readonly screensStmt;

  constructor(db: SqliteDb) {
    this.upsert = db.prepare<[string, string, string, string]>(
      `INSERT INTO power_log (screen_id, since, state, last_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (screen_id, since) DO UPDATE SET state = CASE WHEN excluded.last_at >= power_log.last_at THEN excluded.state ELSE power_log.state END, last_at = MAX(power_log.last_at, excluded.last_at)`,
    );
    this.setWattsStmt = db.prepare<[number | null, string]>('UPDATE screens SET watts = ? WHERE id = ?');
    this.overlapping = db.prepare<[string, string], PowerLogRow>('SELECT screen_id, since, state, last_at FROM power_log WHERE last_at > ? AND since < ? ORDER BY screen_id, since');
    this.screensStmt = db.prepare<[], { id: string; site: string; watts: number | null }>('SELECT id, site, watts FROM screens ORDER BY site, id');
  }

  async setWatts(screenId: string, watts: number | null): Promise<void> {
    if (this.setWattsStmt.run(watts, screenId).changes === 0) throw new HubError(404, `screen "${screenId}" does not exist`);
  }

  async record(screenId: string, power: PowerStatus, at: string, receivedAt: number): Promise<void> {
    const stretch = reportedStretch(power, at, receivedAt);
    if (stretch) this.upsert.run(screenId, toUtcTime(stretch.since), power.state, toUtcTime(stretch.last));
  }

  async report(query: PowerReportQuery): Promise<PowerReport> {
    return powerReport(query, this.overlapping.all(query.since, query.until), this.screensStmt.all());
  }
}
