import type { Accuracy, StoredImpression, WaitPoint } from '../shared/adminApi.js';
import { personSeconds, type ReachRow } from '../shared/reach.js';

export { personSeconds };

/** The reports' figures, from what the hub answers: plain functions, checked by unit tests. */

export interface PlaysTable {
  days: string[];
  /** `playlistId/itemId` (or the playlist id), largest total first. */
  items: string[];
  /** plays[item][day]: plays, or person-seconds */
  plays: Record<string, Record<string, number>>;
}

/** The local day (YYYY-MM-DD) an instant falls on in `timeZone`. */
export function dayIn(iso: string, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Date(iso).toLocaleDateString('en-CA', { timeZone });
}

/** `range`: the days to show, those without a play too (default: the days with one); `value`: what one impression adds (default 1: a play). */
function perKeyPerDay(
  impressions: readonly StoredImpression[],
  key: (impression: StoredImpression) => string,
  value: (impression: StoredImpression) => number,
  timeZone: string,
  range?: readonly string[],
): PlaysTable {
  const plays: Record<string, Record<string, number>> = {};
  const days = new Set<string>();
  const totals = new Map<string, number>();
  for (const impression of impressions) {
    const item = key(impression);
    const day = dayIn(impression.start, timeZone);
    const amount = value(impression);
    days.add(day);
    const row = (plays[item] ??= {});
    row[day] = (row[day] ?? 0) + amount;
    totals.set(item, (totals.get(item) ?? 0) + amount);
  }
  const items = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b));
  return { days: range ? [...range] : [...days].sort(), items, plays };
}

const itemKey = (impression: StoredImpression): string => `${impression.playlistId}/${impression.itemId}`;

export function playsPerItemPerDay(impressions: readonly StoredImpression[], timeZone: string, range?: readonly string[]): PlaysTable {
  return perKeyPerDay(impressions, itemKey, () => 1, timeZone, range);
}

/** Person-seconds per item (`playlistId/itemId`) or per playlist, per local day, largest first. */
export function personSecondsPerDay(impressions: readonly StoredImpression[], by: 'item' | 'playlist', timeZone: string, range?: readonly string[]): PlaysTable {
  return perKeyPerDay(impressions, by === 'item' ? itemKey : (impression) => impression.playlistId, personSeconds, timeZone, range);
}

export interface Airtime {
  playlistId: string;
  ms: number;
  share: number;
}

/** Time on screen per value of `key` (all screens together) and its share of the total, largest first. */
function airtimeBy(impressions: readonly StoredImpression[], key: (impression: StoredImpression) => string): { key: string; ms: number; share: number }[] {
  const byKey = new Map<string, number>();
  for (const impression of impressions) byKey.set(key(impression), (byKey.get(key(impression)) ?? 0) + impression.durationMs);
  const total = [...byKey.values()].reduce((sum, ms) => sum + ms, 0);
  return [...byKey]
    .map(([key, ms]) => ({ key, ms, share: total > 0 ? ms / total : 0 }))
    .sort((a, b) => b.ms - a.ms || a.key.localeCompare(b.key));
}

/** Time on screen per playlist (all screens together) and its share of the total, largest first. */
export function airtimePerPlaylist(impressions: readonly StoredImpression[]): Airtime[] {
  return airtimeBy(impressions, (impression) => impression.playlistId).map(({ key, ms, share }) => ({ playlistId: key, ms, share }));
}

export interface ZoneAirtime {
  zoneId: string;
  ms: number;
  share: number;
}

/**
 * Time on screen per zone (§6; impressions of players without layouts are in `main`). Zones
 * play side by side, so each zone's share is of the summed airtime of all zones.
 */
export function airtimePerZone(impressions: readonly StoredImpression[]): ZoneAirtime[] {
  return airtimeBy(impressions, (impression) => impression.zoneId).map(({ key, ms, share }) => ({ zoneId: key, ms, share }));
}

export interface WaitSeries {
  service: string;
  /** Minutes since the local midnight of `timeZone`, with the wait in minutes. */
  estimated: { x: number; y: number }[];
  realized: { x: number; y: number }[];
}

function minuteOfDay(iso: string, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute') + get('second') / 60;
}

/** Per service: each ticket's realized wait and the estimate made as it was issued, over the day. */
export function waitSeries(points: readonly WaitPoint[], timeZone: string): WaitSeries[] {
  const byService = new Map<string, WaitSeries>();
  for (const point of points) {
    let series = byService.get(point.service);
    if (!series) byService.set(point.service, (series = { service: point.service, estimated: [], realized: [] }));
    const x = minuteOfDay(point.issuedAt, timeZone);
    series.realized.push({ x, y: point.realizedMin });
    if (point.estimatedMin !== null) series.estimated.push({ x, y: point.estimatedMin });
  }
  return [...byService.values()].sort((a, b) => a.service.localeCompare(b.service));
}

/** The accuracy rows of one day. */
export function accuracyOf(rows: readonly Accuracy[], day: string): Accuracy[] {
  return rows.filter((row) => row.day === day);
}

export interface ReachByDay {
  days: string[];
  /** `playlistId/itemId`, highest mean reach first. */
  items: string[];
  /** reach[item][day], 0 to 1; absent: the item was not shown that day. */
  reach: Record<string, Record<string, number>>;
}

/** One service's reach of each item, day by day (the trend over the period), from the hub's reach rows. */
export function reachByDay(rows: readonly ReachRow[], service: string): ReachByDay {
  const reach: Record<string, Record<string, number>> = {};
  const days = new Set<string>();
  for (const row of rows) {
    if (row.service !== service) continue;
    days.add(row.day);
    (reach[`${row.playlistId}/${row.itemId}`] ??= {})[row.day] = row.reach;
  }
  const mean = (item: string): number => {
    const values = Object.values(reach[item]!);
    return values.reduce((sum, r) => sum + r, 0) / values.length;
  };
  const items = Object.keys(reach).sort((a, b) => mean(b) - mean(a) || a.localeCompare(b));
  return { days: [...days].sort(), items, reach };
}
