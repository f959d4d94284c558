import type { PowerReport, PowerReportQuery, PowerReportRow } from '../../shared/adminApi.js';
import { hoursByState, kWhSaved, PowerState, type PowerStatus } from '../../shared/powerSchedule.js';

/**
 * The display states screens report, whatever the engine: each status's `power` becomes a
 * stretch (one row per screen and `since`, extended by each status that still says so), and the
 * report of hours on, off and black with the energy saved is computed from those rows.
 */

/** A screen's clock ahead of the hub's by more than this is not believed (its stretch ends at the hub's time). */
const CLOCK_SLACK_MS = 60_000;
/** A stretch older than this at its start is cut there (a screen whose clock was wrong when it started). */
const MAX_STRETCH_MS = 40 * 86_400_000;

/** The stretch a status reports (times in ms), or null when there is nothing to count. */
export function reportedStretch(power: PowerStatus, at: string, receivedAt: number): { since: number; last: number } | null {
  const last = Math.min(Date.parse(at), receivedAt + CLOCK_SLACK_MS);
  const since = Math.max(Date.parse(power.since), last - MAX_STRETCH_MS);
  // A stretch said to start after the status that reports it: nothing to count.
  return since <= last ? { since, last } : null;
}

export interface PowerLogRow {
  screen_id: string;
  since: string;
  state: string;
  last_at: string;
}

/** The report from the stretches overlapping the query's span and every screen (by site then id) with its wattage. */
export function powerReport(query: PowerReportQuery, logRows: readonly PowerLogRow[], screens: readonly { id: string; site: string; watts: number | null }[]): PowerReport {
  const from = Date.parse(query.since);
  const to = Date.parse(query.until);
  const intervals = new Map<string, { state: PowerState; since: number; lastAt: number }[]>();
  for (const row of logRows) {
    const state = PowerState.safeParse(row.state);
    if (!state.success) continue;
    let list = intervals.get(row.screen_id);
    if (!list) intervals.set(row.screen_id, (list = []));
    list.push({ state: state.data, since: Date.parse(row.since), lastAt: Date.parse(row.last_at) });
  }
  const rows: PowerReportRow[] = screens
    .filter((screen) => query.site === undefined || screen.site === query.site)
    .map((screen) => {
      const hours = hoursByState(intervals.get(screen.id) ?? [], from, to);
      return { screen: screen.id, site: screen.site, watts: screen.watts, hoursOn: hours.on, hoursOff: hours.off, hoursBlack: hours.black, kWhSaved: kWhSaved(hours.off, screen.watts) };
    });
  const sum = (pick: (row: PowerReportRow) => number | null): number => rows.reduce((total, row) => total + (pick(row) ?? 0), 0);
  return { since: query.since, until: query.until, screens: rows, totals: { hoursOff: sum((r) => r.hoursOff), hoursBlack: sum((r) => r.hoursBlack), kWhSaved: sum((r) => r.kWhSaved) } };
}
