import { DateTime } from 'luxon';
import type { ReachQuery, ReachReport } from '../shared/adminApi.js';
import { toUtcTime } from '../shared/ids.js';
import { reachAndFrequency, reachBounds } from '../shared/reach.js';
import { HubError } from './hubError.js';
import { csvCell } from './impressionsCsv.js';
import type { HubStores } from './stores/index.js';

/**
 * `GET /api/sites/<site>/reach` (issue 21): the site's realized waits (each called ticket,
 * issued → called) and the impressions of its screens, read from the stores that keep them, and
 * the reach and frequency of each item computed from them (src/shared/reach.ts).
 */

/** What the report reads, from the hub's stores. */
export type ReachSources = Pick<HubStores, 'screens' | 'queue' | 'impressions'>;

/** The longest period one report covers. */
export const MAX_REACH_DAYS = 366;

export async function reachReport(sources: ReachSources, site: string, query: ReachQuery, now: number): Promise<ReachReport> {
  const ofSite = (await sources.screens.all()).filter((screen) => screen.site === site);
  if (query.screen !== undefined && !ofSite.some((screen) => screen.id === query.screen)) throw new HubError(404, `screen: "${query.screen}" is not a screen of site "${site}"`);
  const screens = query.screen === undefined ? ofSite : ofSite.filter((screen) => screen.id === query.screen);
  const timezone = screens[0]?.timezone ?? ofSite[0]?.timezone ?? 'UTC';
  const bounds = reachBounds(query, timezone, now);
  if (!(bounds.until > bounds.since)) throw new HubError(400, `until: must be after since (${query.since})`);
  if (bounds.until - bounds.since > MAX_REACH_DAYS * 86_400_000 + 3_600_000) throw new HubError(400, `since: at most ${MAX_REACH_DAYS} days per report (ask for a year at a time)`);
  // One local day at a time (the figures are per day): a month of a busy site is never all in memory at once.
  const groups: ReachReport['groups'] = [];
  const rows: ReachReport['rows'] = [];
  for (let day = DateTime.fromMillis(bounds.since, { zone: timezone }).startOf('day'); day.toMillis() < bounds.until; day = day.plus({ days: 1 })) {
    const from = Math.max(bounds.since, day.toMillis());
    const to = Math.min(bounds.until, day.plus({ days: 1 }).toMillis());
    if (to <= from) continue;
    const points = await sources.queue.waitComparison(site, { since: toUtcTime(from), until: toUtcTime(to) });
    if (points.length === 0) continue;
    // The stores keep each wait in minutes: back to the instant of the call, to the ms the events carry.
    const waits = points.map((point) => {
      const issuedAt = Date.parse(point.issuedAt);
      return { service: point.service, issuedAt, calledAt: Math.round(issuedAt + point.realizedMin * 60_000) };
    });
    // A showing seen starts after its ticket's issue and ends before its call: those that start that day, or before its last call.
    const lastCall = waits.reduce((latest, wait) => Math.max(latest, wait.calledAt), to);
    const window = { since: toUtcTime(from), until: toUtcTime(lastCall + 1) };
    const impressions = (await Promise.all(screens.map((screen) => sources.impressions.query({ ...window, screen: screen.id })))).flat();
    const figures = reachAndFrequency(
      waits,
      impressions.map((impression) => ({ playlistId: impression.playlistId, itemId: impression.itemId, start: Date.parse(impression.start), end: Date.parse(impression.end), complete: impression.complete })),
      timezone,
    );
    groups.push(...figures.groups);
    rows.push(...figures.rows);
  }
  return { site, timezone, screens: screens.map((screen) => screen.id), since: toUtcTime(bounds.since), until: toUtcTime(bounds.until), groups, rows };
}

/** `?format=csv`: one line per day, service and item, for spreadsheets. */
export const REACH_CSV_COLUMNS = ['day', 'service', 'playlistId', 'itemId', 'people', 'reached', 'reach', 'showings', 'frequency', 'frequencyAmongReached'] as const;

export function reachCsv(report: ReachReport): string {
  const lines = [REACH_CSV_COLUMNS.join(',')];
  for (const row of report.rows) lines.push(REACH_CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
