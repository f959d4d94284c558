import type { PowerReport, PowerReportQuery, PowerReportRow } from '../../../shared/adminApi.js';
import { toUtcTime } from '../../../shared/ids.js';
import { hoursByState, kWhSaved, PowerState, type PowerStatus } from '../../../shared/powerSchedule.js';
import { HubError } from '../../hubError.js';
import type { PowerStore } from '../index.js';
import type { SqliteDb } from './sqliteDb.js';

/**
 * Screens asleep when the building is closed (SQLite): wattages in `screens.watts`, the display
 * states screens report in `power_log` (one row per stretch), the report computed from both. The
 * power schedules themselves travel with the sets (playlists.ts).
 */

/** A screen's clock ahead of the hub's by more than this is not believed (its stretch ends at the hub's time). */
const CLOCK_SLACK_MS = 60_000;
/** A stretch older than this at its start is cut there (a screen whose clock was wrong when it started). */
const MAX_STRETCH_MS = 40 * 86_400_000;

export class SqlitePowerStore implements PowerStore {
  private readonly upsert;
  private readonly setWattsStmt;
  private readonly overlapping;
  private readonly screensStmt;

  constructor(db: SqliteDb) {
    this.upsert = db.prepare<[string, string, string, string]>(
      `INSERT INTO power_log (screen_id, since, state, last_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (screen_id, since) DO UPDATE SET state = excluded.state, last_at = MAX(last_at, excluded.last_at)`,
    );
    this.setWattsStmt = db.prepare<[number | null, string]>('UPDATE screens SET watts = ? WHERE id = ?');
    this.overlapping = db.prepare<[string, string], { screen_id: string; since: string; state: string; last_at: string }>(
      'SELECT screen_id, since, state, last_at FROM power_log WHERE last_at > ? AND since < ? ORDER BY screen_id, since',
    );
    this.screensStmt = db.prepare<[], { id: string; site: string; watts: number | null }>('SELECT id, site, watts FROM screens ORDER BY site, id');
  }

  async setWatts(screenId: string, watts: number | null): Promise<void> {
    if (this.setWattsStmt.run(watts, screenId).changes === 0) throw new HubError(404, `screen "${screenId}" does not exist`);
  }

  async record(screenId: string, power: PowerStatus, at: string, receivedAt: number): Promise<void> {
    const last = Math.min(Date.parse(at), receivedAt + CLOCK_SLACK_MS);
    const since = Math.max(Date.parse(power.since), last - MAX_STRETCH_MS);
    if (!(since <= last)) return; // a stretch said to start after the status that reports it: nothing to count
    this.upsert.run(screenId, toUtcTime(since), power.state, toUtcTime(last));
  }

  async report(query: PowerReportQuery): Promise<PowerReport> {
    const from = Date.parse(query.since);
    const to = Date.parse(query.until);
    const intervals = new Map<string, { state: PowerState; since: number; lastAt: number }[]>();
    for (const row of this.overlapping.all(query.since, query.until)) {
      const state = PowerState.safeParse(row.state);
      if (!state.success) continue;
      let list = intervals.get(row.screen_id);
      if (!list) intervals.set(row.screen_id, (list = []));
      list.push({ state: state.data, since: Date.parse(row.since), lastAt: Date.parse(row.last_at) });
    }
    const screens: PowerReportRow[] = this.screensStmt
      .all()
      .filter((screen) => query.site === undefined || screen.site === query.site)
      .map((screen) => {
        const hours = hoursByState(intervals.get(screen.id) ?? [], from, to);
        return { screen: screen.id, site: screen.site, watts: screen.watts, hoursOn: hours.on, hoursOff: hours.off, hoursBlack: hours.black, kWhSaved: kWhSaved(hours.off, screen.watts) };
      });
    const sum = (pick: (row: PowerReportRow) => number | null): number => screens.reduce((total, row) => total + (pick(row) ?? 0), 0);
    return { since: query.since, until: query.until, screens, totals: { hoursOff: sum((r) => r.hoursOff), hoursBlack: sum((r) => r.hoursBlack), kWhSaved: sum((r) => r.kWhSaved) } };
  }
}
