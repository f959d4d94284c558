import { DateTime } from 'luxon';

/**
 * Wall-clock arithmetic in IANA zones, with Luxon doing the zone and DST work.
 * Schedules compare local wall-clock times (days, hours); `from`/`until` are instants.
 */

export interface LocalParts {
  /** Local calendar date as days since 1970-01-01. */
  day: number;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Milliseconds since local midnight (wall clock). */
  msOfDay: number;
}

const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;

/**
 * The last few answers: a decision asks for the same instant many times (every schedule), and for
 * a couple of others (the end of the item it picks, for share of voice) in between.
 */
const partsCache: ({ zone: string; t: number; parts: LocalParts } | null)[] = [null, null, null, null];
let partsNext = 0;

export function localParts(zone: string, t: number): LocalParts {
  for (const entry of partsCache) if (entry && entry.t === t && entry.zone === zone) return entry.parts;
  const dt = DateTime.fromMillis(t, { zone });
  const wallAsUtc = t + dt.offset * MS_PER_MINUTE;
  const day = Math.floor(wallAsUtc / MS_PER_DAY);
  const parts = { day, weekday: dt.weekday, msOfDay: wallAsUtc - day * MS_PER_DAY };
  partsCache[partsNext] = { zone, t, parts };
  partsNext = (partsNext + 1) % partsCache.length;
  return parts;
}

/** ISO weekday of a local day number (1970-01-01 was a Thursday). */
export function weekdayOfDay(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

const instantCache = new Map<string, number>();

/**
 * The instant of a local date-time (`2026-12-01T08:30`): the first time the wall clock
 * reaches it. A time that does not exist (spring forward) is reached at the jump; a time
 * that happens twice (fall back) is reached the first time.
 */
export function instantOfLocal(localDateTime: string, zone: string): number {
  const key = `${zone}|${localDateTime}`;
  let ms = instantCache.get(key);
  if (ms === undefined) {
    const [date = '', time = ''] = localDateTime.split('T');
    const day = Math.floor(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
    const [h = 0, m = 0, sec = 0] = time.split(':').map(Number);
    // Its seconds are part of the wall time looked for: 02:59:59 inside a 02:00-03:00 gap is reached at the jump, not a minute after it.
    ms = instantsOfWallClock(day, (h * 60 + m) * MS_PER_MINUTE + Math.round(sec * 1000), zone)[0]!;
    if (instantCache.size > 10_000) instantCache.clear();
    instantCache.set(key, ms);
  }
  return ms;
}

/**
 * Every instant at which the wall clock of `zone` reaches `minuteOfDay` on local `day`:
 * none is skipped (a time inside a spring-forward gap is reached at the jump), and a
 * time repeated by a fall-back is reached twice.
 */
export function instantsOfWallTime(day: number, minuteOfDay: number, zone: string): number[] {
  return instantsOfWallClock(day, minuteOfDay * MS_PER_MINUTE, zone);
}

/** instantsOfWallTime to the millisecond: the instants at which the wall clock of `zone` reaches `msOfDay` on local `day`. */
function instantsOfWallClock(day: number, msOfDay: number, zone: string): number[] {
  const wall = day * MS_PER_DAY + msOfDay;
  // An instant whose wall time is `wall` is `wall - offset`, with offsets from -12 h to +14 h:
  // it lies in [wall - 14 h, wall + 12 h]. Sampling both ends (and the middle) sees both sides
  // of any offset change in that range.
  const offsets = [...new Set([offsetAt(zone, wall - 14 * HOUR), offsetAt(zone, wall), offsetAt(zone, wall + 12 * HOUR)])].sort((a, b) => a - b);
  const found: number[] = [];
  for (const offset of offsets) {
    const t = wall - offset * MS_PER_MINUTE;
    if (offsetAt(zone, t) === offset) found.push(t);
  }
  if (found.length > 0 || offsets.length < 2) return found.sort((a, b) => a - b);
  // Inside a spring-forward gap: the wall clock jumps over this time when the offset changes.
  // Before the change (the earlier, smaller offset) and after it (the later one):
  return [firstInstantOfNewOffset(zone, wall - offsets[offsets.length - 1]! * MS_PER_MINUTE, wall - offsets[0]! * MS_PER_MINUTE)];
}

const HOUR = 3_600_000;

/**
 * The instants in (from, to] at which the zone's UTC offset changes (its wall clock jumps, as at
 * a change to or from summer time), each the first millisecond of the new offset. Offsets are
 * looked at every 6 hours (no zone changes twice within that), then each change found to the ms.
 */
export function offsetChanges(zone: string, from: number, to: number): number[] {
  const out: number[] = [];
  let before = from;
  let offset = offsetAt(zone, from);
  while (before < to) {
    const at = Math.min(before + 6 * HOUR, to);
    const next = offsetAt(zone, at);
    if (next !== offset) out.push(firstInstantOfNewOffset(zone, before, at));
    before = at;
    offset = next;
  }
  return out;
}

/**
 * The first millisecond in (lo, hi] with another offset than `lo`'s, where `hi` has another and
 * the offset changes once in between: bisected to the millisecond (a change falls on a whole
 * second in every zone today, but not in all of their history).
 */
function firstInstantOfNewOffset(zone: string, lo: number, hi: number): number {
  const before = offsetAt(zone, lo);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

function offsetAt(zone: string, t: number): number {
  return DateTime.fromMillis(t, { zone }).offset;
}

export function minuteOfLocalTime(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export { MS_PER_DAY, MS_PER_MINUTE };
