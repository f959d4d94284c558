import type { PowerReport, PowerReportQuery } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import type { PowerStatus } from '../../../shared/powerSchedule.js';
import { HubError } from '../../hubError.js';
import type { PowerStore } from '../index.js';
import { powerReport, reportedStretch, type PowerLogRow } from '../powerLog.js';
import type { PgPool } from './pgDb.js';

/**
 * Screens asleep when the building is closed (PostgreSQL): wattages in `screens.watts`, the
 * display states screens report in `power_log` (one row per stretch; a stretch reported through
 * two nodes at once is one row, its end the later of both), the report computed from both
 * (../powerLog.ts). The power schedules themselves travel with the sets (playlists.ts).
 */
export class PgPowerStore implements PowerStore {
  constructor(private readonly pool: PgPool) {}

  async setWatts(screenId: string, watts: number | null): Promise<void> {
    const updated = await this.pool.query('UPDATE screens SET watts = $1 WHERE id = $2', [watts, screenId]);
    if (updated.rowCount === 0) throw new HubError(404, `screen "${screenId}" does not exist`);
  }

  async record(screenId: string, power: PowerStatus, at: string, receivedAt: number): Promise<void> {
    const stretch = reportedStretch(power, at, receivedAt);
    if (!stretch) return;
    await this.pool.query(
      `INSERT INTO power_log (screen_id, since, state, last_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (screen_id, since) DO UPDATE SET state = CASE WHEN excluded.last_at >= power_log.last_at THEN excluded.state ELSE power_log.state END, last_at = GREATEST(power_log.last_at, excluded.last_at)`,
      [screenId, toUtcTime(stretch.since), power.state, toUtcTime(stretch.last)],
    );
  }

  async report(query: PowerReportQuery): Promise<PowerReport> {
    const [log, screens] = await Promise.all([
      this.pool.query<PowerLogRow>('SELECT screen_id, since, state, last_at FROM power_log WHERE last_at > $1 AND since < $2 ORDER BY screen_id, since', [query.since, query.until]),
      this.pool.query<{ id: string; site: string; watts: number | null }>('SELECT id, site, watts FROM screens ORDER BY site, id'),
    ]);
    return powerReport(query, log.rows, screens.rows);
  }
}
