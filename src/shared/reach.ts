import { DateTime } from 'luxon';
import { z } from 'zod';

/**
 * Wait marketing, measured (issue 21): for each item, how many of the people who waited saw it.
 * A person is a ticket of the site, from the instant it was issued to the instant it was called
 * (its realized wait). The person saw a showing of an item when the showing was complete and
 * lay wholly inside the wait. Per local day (the site's zone) and service:
 * - reach: the share of people whose wait contained at least one complete showing;
 * - frequency: the mean number of showings per person who waited (those who saw none count 0);
 * - frequencyAmongReached: the same among the people reached (the advertisers' "average frequency").
 *
 * All the screens given are taken as one room: showings of the same item on two screens that
 * overlap in time count once for a person (they cannot be watched one after the other); pass one
 * screen's impressions to measure one room of a site with several.
 */

/** A ticket's realized wait: issued → called. */
export interface RealizedWait {
  service: string;
  issuedAt: number;
  calledAt: number;
}

/** What the computation needs of an impression. */
export interface Showing {
  playlistId: string;
  itemId: string;
  start: number;
  end: number;
  complete: boolean;
}

export const ReachRow = z.object({
  /** Local day (YYYY-MM-DD) in the site's zone, of the tickets' issue. */
  day: z.string(),
  service: z.string(),
  playlistId: z.string(),
  itemId: z.string(),
  /** People (called tickets) of the day and service. */
  people: z.number().int().nonnegative(),
  /** Of them, those whose wait contained at least one complete showing of the item. */
  reached: z.number().int().nonnegative(),
  /** reached / people (0 to 1). */
  reach: z.number().min(0).max(1),
  /** Complete showings seen, summed over the people. */
  showings: z.number().int().nonnegative(),
  /** showings / people. */
  frequency: z.number().nonnegative(),
  /** showings / reached (null when nobody was reached). */
  frequencyAmongReached: z.number().nonnegative().nullable(),
});
export type ReachRow = z.infer<typeof ReachRow>;

export const ReachGroup = z.object({
  day: z.string(),
  service: z.string(),
  people: z.number().int().nonnegative(),
  /** Median realized wait of the group's people, in minutes. */
  medianWaitMin: z.number().nonnegative(),
});
export type ReachGroup = z.infer<typeof ReachGroup>;

export interface ReachFigures {
  groups: ReachGroup[];
  /** Per group, its items, highest reach first. */
  rows: ReachRow[];
}

/** The local day (YYYY-MM-DD) of an instant in `timezone`. */
export function localDay(t: number, timezone: string): string {
  return DateTime.fromMillis(t, { zone: timezone }).toISODate() ?? '';
}

/**
 * The showings a person waiting over [from, to] can have watched whole: the most that lie inside
 * it and follow one another without overlapping (two screens showing the item at the same moment
 * count once). `byEnd`: complete showings sorted by end; the greedy choice of the earliest end
 * keeps the most non-overlapping intervals.
 */
function showingsSeen(byEnd: readonly Showing[], from: number, to: number): number {
  let lo = 0;
  let hi = byEnd.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byEnd[mid]!.end < from) lo = mid + 1;
    else hi = mid;
  }
  let count = 0;
  let freeFrom = from;
  for (let k = lo; k < byEnd.length && byEnd[k]!.end <= to; k++) {
    const showing = byEnd[k]!;
    if (showing.start >= freeFrom) {
      count++;
      freeFrom = showing.end;
    }
  }
  return count;
}

/** The q-quantile (0..1) of `values` by linear interpolation between order statistics; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/**
 * Reach and frequency of every item shown on the day (on the screens given) for every day and
 * service with people. `showings`: the site's impressions (incomplete ones are ignored for
 * being seen, but still name the item as shown that day).
 */
export function reachAndFrequency(waits: readonly RealizedWait[], showings: readonly Showing[], timezone: string): ReachFigures {
  // Every zone's offset is a multiple of 15 minutes: the local day is the same over each quarter hour.
  const days = new Map<number, string>();
  const localDayOf = (t: number): string => {
    const quarter = Math.floor(t / 900_000);
    let day = days.get(quarter);
    if (day === undefined) days.set(quarter, (day = localDay(quarter * 900_000, timezone)));
    return day;
  };
  const groups = new Map<string, { day: string; service: string; waits: RealizedWait[] }>();
  for (const wait of waits) {
    if (!(wait.calledAt >= wait.issuedAt)) continue;
    const day = localDayOf(wait.issuedAt);
    const key = `${day}\u0000${wait.service}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { day, service: wait.service, waits: [] }));
    group.waits.push(wait);
  }
  // Each item's showings, by day shown.
  const byItem = new Map<string, { playlistId: string; itemId: string; days: Set<string>; complete: Showing[] }>();
  for (const showing of showings) {
    const key = `${showing.playlistId}\u0000${showing.itemId}`;
    let item = byItem.get(key);
    if (!item) byItem.set(key, (item = { playlistId: showing.playlistId, itemId: showing.itemId, days: new Set(), complete: [] }));
    item.days.add(localDayOf(showing.start));
    if (showing.complete) item.complete.push(showing);
  }
  for (const item of byItem.values()) item.complete.sort((a, b) => a.end - b.end);

  const outGroups: ReachGroup[] = [];
  const rows: ReachRow[] = [];
  const ordered = [...groups.values()].sort((a, b) => a.day.localeCompare(b.day) || a.service.localeCompare(b.service));
  for (const group of ordered) {
    const people = group.waits.length;
    outGroups.push({ day: group.day, service: group.service, people, medianWaitMin: quantile(group.waits.map((w) => (w.calledAt - w.issuedAt) / 60_000), 0.5) });
    const groupRows: ReachRow[] = [];
    for (const item of byItem.values()) {
      // Items shown on the day, or seen during a wait of the day (a wait across midnight).
      let reached = 0;
      let seen = 0;
      for (const wait of group.waits) {
        const n = showingsSeen(item.complete, wait.issuedAt, wait.calledAt);
        if (n > 0) reached++;
        seen += n;
      }
      if (!item.days.has(group.day) && seen === 0) continue;
      groupRows.push({
        day: group.day,
        service: group.service,
        playlistId: item.playlistId,
        itemId: item.itemId,
        people,
        reached,
        reach: reached / people,
        showings: seen,
        frequency: seen / people,
        frequencyAmongReached: reached > 0 ? seen / reached : null,
      });
    }
    groupRows.sort((a, b) => b.reach - a.reach || b.frequency - a.frequency || a.playlistId.localeCompare(b.playlistId) || a.itemId.localeCompare(b.itemId));
    rows.push(...groupRows);
  }
  return { groups: outGroups, rows };
}

/**
 * Audience-weighted airtime of an impression: its seconds on screen times the mean number of
 * people waiting meanwhile (§3 `audience`), in person-seconds; 0 without queue data (not
 * rounded: sums are rounded when shown).
 */
export function personSeconds(impression: { durationMs: number; audience?: number | null | undefined }): number {
  return impression.audience === null || impression.audience === undefined ? 0 : (impression.audience * impression.durationMs) / 1000;
}

/**
 * The instants a reach query spans, in the site's zone: a day `since` from its local midnight, a
 * day `until` to the end of it (included), an ISO time as it is; `until` absent: `now`.
 */
export function reachBounds(query: { since: string; until?: string | undefined }, timezone: string, now: number): { since: number; until: number } {
  const isDay = (text: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(text);
  const midnight = (day: string, plusDays: number): number => DateTime.fromISO(`${day}T00:00`, { zone: timezone }).plus({ days: plusDays }).toMillis();
  const since = isDay(query.since) ? midnight(query.since, 0) : Date.parse(query.since);
  const until = query.until === undefined ? now : isDay(query.until) ? midnight(query.until, 1) : Date.parse(query.until);
  return { since, until };
}
