import { z } from 'zod';
import type { Item, Playlist, Schedule, When } from './playlist.js';
import { instantOfLocal, instantsOfWallTime, localParts, minuteOfLocalTime, MS_PER_DAY, MS_PER_MINUTE, offsetChanges, weekdayOfDay } from './localTime.js';

/**
 * The scheduling engine of protocol §1, pure: no timers, no I/O. Given the set, the
 * screen's zone, an instant, the live wait estimates, which media are ready and where
 * the rotation stands, it answers what plays now, what plays next, and the next
 * instant at which the answer can change by schedule.
 */

/**
 * Where each playlist's rotation stands: the last playlist played, each one's next item index and
 * the item it took last. A playlist goes on after the item it took last while that item is still
 * in it (the same set again, an item added); a new set whose playlist no longer has that item
 * starts it from its first item (a playlist id used again for other items is a new playlist).
 * `taken` is absent from rotations saved before it: their index is used.
 */
export const Rotation = z.object({
  last: z.string().nullable(),
  cursors: z.record(z.string(), z.number().int().nonnegative()),
  taken: z.record(z.string(), z.string()).optional(),
});
export type Rotation = z.infer<typeof Rotation>;
export const START_ROTATION: Rotation = { last: null, cursors: {} };

export interface Pick {
  playlist: Playlist;
  item: Item;
  index: number;
  /** Taken out of turn because its playlist was behind its share of voice (the round-robin's turn stays where it was). */
  byShare?: boolean;
}

/**
 * §6 share of voice: the zone's airtime in the current local clock hour, by playlist (ms).
 * `hour` is the instant that hour began; a record of another hour counts as empty. `since`: the
 * zone's airtime this hour when each playlist's first showing of the hour began (absent in records
 * written before it was kept: 0).
 */
export const HourAirtime = z.object({
  hour: z.number(),
  ms: z.record(z.string(), z.number().nonnegative()),
  since: z.record(z.string(), z.number().nonnegative()).optional(),
});
export type HourAirtime = z.infer<typeof HourAirtime>;

const MS_PER_HOUR = 3_600_000;

/** The instant the local clock hour containing `t` began, in `timezone` (half-hour zones included). */
export function hourStartOf(t: number, timezone: string): number {
  return t - (localParts(timezone, t).msOfDay % MS_PER_HOUR);
}

/**
 * Adds a showing's [start, end) to the airtime of the hour it ends in: the part of it before that
 * hour began belongs to an hour that is over and is not kept. A playlist's first showing of the
 * hour also keeps the zone's airtime until then (`since`).
 */
export function recordAirtime(airtime: HourAirtime | undefined, playlistId: string, start: number, end: number, timezone: string): HourAirtime {
  const hour = hourStartOf(Math.max(start, end - 1), timezone);
  const sameHour = airtime?.hour === hour;
  const ms = sameHour ? { ...airtime.ms } : {};
  const since = sameHour ? { ...airtime.since } : {};
  if (ms[playlistId] === undefined) {
    let zone = 0;
    for (const id in ms) zone += ms[id]!;
    since[playlistId] = zone;
  }
  const counted = Math.max(0, end - Math.max(start, hour));
  ms[playlistId] = (ms[playlistId] ?? 0) + counted;
  return { hour, ms, since };
}

const sharesOf = new WeakMap<readonly Playlist[], boolean>();
/** Whether any playlist of the set has a share of voice (else airtime changes nothing). */
function hasShares(playlists: readonly Playlist[]): boolean {
  let known = sharesOf.get(playlists);
  if (known === undefined) sharesOf.set(playlists, (known = playlists.some((p) => p.share !== undefined)));
  return known;
}

const NO_AIRTIME = { ms: {}, since: {} };

function airtimeNow(input: DecideInput): { ms: Readonly<Record<string, number>>; since: Readonly<Record<string, number>> } | null {
  const airtime = input.airtime;
  if (!airtime) return null;
  return airtime.hour === hourStartOf(input.now, input.timezone) ? { ms: airtime.ms, since: airtime.since ?? {} } : NO_AIRTIME;
}

export interface DecideInput {
  playlists: readonly Playlist[];
  /** The screen's IANA zone, used by schedules without their own `timezone`. */
  timezone: string;
  /** The instant, in ms since the epoch. */
  now: number;
  /** Current estimated waits in minutes by service; a service without an estimate is absent. */
  waits?: Readonly<Record<string, number>>;
  /** Whether an item's files are cached and verified; absent, every item is ready. */
  isReady?: (item: Item) => boolean;
  rotation: Rotation;
  /** §6 share of voice: the zone's airtime this clock hour (absent: playlists with a `share` take turns like the others). */
  airtime?: HourAirtime;
}

export interface Decision {
  now: Pick | null;
  next: Pick | null;
  /** The rotation once `now` has been taken. */
  rotation: Rotation;
  /** The next instant (> input.now) at which the answer can change by schedule. */
  nextChangeAt: number;
}

/** Without any boundary, the engine is asked again after this long. */
export const MAX_SLEEP_MS = MS_PER_DAY;

/** A schedule read once into numbers: the engine checks it many times a second. */
interface CompiledSchedule {
  zone: string;
  from: number;
  until: number;
  /** Bit d set: ISO weekday d allowed (all set without `days`). */
  days: number;
  /** [start, end) in minutes of the local day; end <= start wraps past midnight. */
  windows: [number, number][] | null;
}

const compiled = new WeakMap<Schedule, Map<string, CompiledSchedule>>();

function compile(schedule: Schedule, zone: string): CompiledSchedule {
  let byZone = compiled.get(schedule);
  if (!byZone) compiled.set(schedule, (byZone = new Map()));
  let c = byZone.get(zone);
  if (!c) {
    const tz = schedule.timezone ?? zone;
    c = {
      zone: tz,
      from: schedule.from !== undefined ? instantOfLocal(schedule.from, tz) : -Infinity,
      until: schedule.until !== undefined ? instantOfLocal(schedule.until, tz) : Infinity,
      days: schedule.days ? schedule.days.reduce((mask, d) => mask | (1 << d), 0) : 0xff,
      windows: schedule.hours ? schedule.hours.map((w) => [minuteOfLocalTime(w.start), minuteOfLocalTime(w.end)]) : null,
    };
    byZone.set(zone, c);
  }
  return c;
}

export function isScheduleActive(schedule: Schedule | undefined, zone: string, t: number): boolean {
  if (!schedule) return true;
  const c = compile(schedule, zone);
  if (t < c.from || t >= c.until) return false;
  if (c.days === 0xff && !c.windows) return true;
  const local = localParts(c.zone, t);
  if (!c.windows) return (c.days & (1 << local.weekday)) !== 0;
  const minute = local.msOfDay / MS_PER_MINUTE;
  const today = (c.days & (1 << local.weekday)) !== 0;
  for (const [start, end] of c.windows) {
    if (end > start) {
      if (today && minute >= start && minute < end) return true;
    } else {
      // Wraps past midnight: the window belongs to the day it starts on.
      if (today && minute >= start) return true;
      if (minute < end && (c.days & (1 << weekdayOfDay(local.day - 1))) !== 0) return true;
    }
  }
  return false;
}

export function isWhenSatisfied(when: When | undefined, waits: Readonly<Record<string, number>> | undefined): boolean {
  const range = when?.waitMinutes;
  if (!range) return true;
  let wait = -Infinity;
  if (when?.service !== undefined) wait = waits?.[when.service] ?? -Infinity;
  else for (const service in waits) wait = Math.max(wait, waits[service]!);
  if (wait === -Infinity) return false; // no estimate: inactive (§1)
  return (range.min === undefined || wait >= range.min) && (range.max === undefined || wait < range.max);
}

/** The zone an item's schedule is read in: its own, else its playlist's, else the screen's. */
export function itemZone(playlist: Playlist, item: Item, screenZone: string): string {
  return item.schedule?.timezone ?? playlist.schedule?.timezone ?? screenZone;
}

/** Whether the item's playlist schedule and its own schedule both allow it at `t` (conditions and readiness aside). */
export function isItemScheduled(playlist: Playlist, item: Item, screenZone: string, t: number): boolean {
  return isScheduleActive(playlist.schedule, screenZone, t) && isScheduleActive(item.schedule, itemZone(playlist, item, screenZone), t);
}

function isItemPlayable(playlist: Playlist, item: Item, input: DecideInput): boolean {
  return (
    isScheduleActive(item.schedule, itemZone(playlist, item, input.timezone), input.now) &&
    isWhenSatisfied(item.when, input.waits) &&
    (input.isReady?.(item) ?? true)
  );
}

function firstPlayable(playlist: Playlist, from: number, input: DecideInput): number {
  const n = playlist.items.length;
  for (let k = 0; k < n; k++) {
    const index = (from + k) % n;
    if (isItemPlayable(playlist, playlist.items[index]!, input)) return index;
  }
  return -1;
}

function pick(input: DecideInput, rotation: Rotation): Pick | null {
  const active = input.playlists.filter((p) => p.items.length > 0 && isScheduleActive(p.schedule, input.timezone, input.now));
  const priorities = [...new Set(active.map((p) => p.priority))].sort((a, b) => b - a);
  // Only the highest layer plays; a layer with nothing playable right now gives way to the next.
  for (const priority of priorities) {
    const layer = active.filter((p) => p.priority === priority);
    const behind = hasShares(input.playlists) && layer.some((p) => p.share !== undefined) ? pickBehindShare(layer, input, rotation) : null;
    if (behind) return behind;
    // The others share the rest in turn; when none of them has anything playable, every playlist of the layer takes its turn.
    // Without airtime to go by (a caller that does not count it), playlists with a share take turns like the others.
    const others = input.airtime ? layer.filter((p) => p.share === undefined) : layer;
    const inTurn = (others.length > 0 && others.length < layer.length && turn(others, input, rotation)) || turn(layer, input, rotation);
    if (inTurn) return inTurn;
  }
  return null;
}

/** The index a playlist's turn starts looking from (see Rotation). */
function cursorOf(playlist: Playlist, rotation: Rotation): number {
  const taken = rotation.taken?.[playlist.id];
  if (taken === undefined) return (rotation.cursors[playlist.id] ?? 0) % playlist.items.length;
  const at = playlist.items.findIndex((item) => item.id === taken);
  return at < 0 ? 0 : (at + 1) % playlist.items.length;
}

function turn(layer: readonly Playlist[], input: DecideInput, rotation: Rotation): Pick | null {
  const lastIndex = layer.findIndex((p) => p.id === rotation.last);
  for (let k = 1; k <= layer.length; k++) {
    const playlist = layer[(lastIndex + k) % layer.length]!;
    const cursor = cursorOf(playlist, rotation);
    const index = firstPlayable(playlist, cursor, input);
    if (index >= 0) return { playlist, item: playlist.items[index]!, index };
  }
  return null;
}

/**
 * §6: among the playlists with a `share` (scaled down to sum to 1 at most), the one furthest
 * behind its share of the zone's airtime this hour plays now, if any is behind. A playlist's share
 * counts from its first showing of the hour: one that comes in during the hour (its schedule
 * begins, a new set brings it) takes its share of what the zone plays from then on, not of the
 * airtime before it was there (that made a campaign pushed at 10:30 with a share of 0.5 play alone
 * until 11:00). A playlist not shown yet this hour is behind: at the hour's start, or as it comes in,
 * it plays first.
 */
function pickBehindShare(layer: readonly Playlist[], input: DecideInput, rotation: Rotation): Pick | null {
  const airtime = airtimeNow(input);
  if (!airtime) return null;
  let total = 0;
  for (const id in airtime.ms) total += airtime.ms[id]!;
  let shares = 0;
  for (const p of layer) shares += p.share ?? 0;
  const scale = Math.max(1, shares);
  const candidates = layer
    .filter((p) => p.share !== undefined)
    .map((p) => {
      const played = airtime.ms[p.id];
      // Not shown yet this hour: behind (its turn comes first, the largest share first), its share counted from that showing on.
      const deficit = played === undefined ? ((p.share ?? 0) / scale) * (total + 1) : ((p.share ?? 0) / scale) * (total - (airtime.since[p.id] ?? 0)) - played;
      return { playlist: p, deficit };
    })
    .filter((c) => c.deficit > 0)
    .sort((a, b) => b.deficit - a.deficit);
  for (const { playlist } of candidates) {
    const cursor = cursorOf(playlist, rotation);
    const index = firstPlayable(playlist, cursor, input);
    if (index >= 0) return { playlist, item: playlist.items[index]!, index, byShare: true };
  }
  return null;
}

export function advance(rotation: Rotation, taken: Pick): Rotation {
  return {
    last: taken.byShare ? rotation.last : taken.playlist.id,
    cursors: { ...rotation.cursors, [taken.playlist.id]: (taken.index + 1) % taken.playlist.items.length },
    taken: { ...rotation.taken, [taken.playlist.id]: taken.item.id },
  };
}

export function decide(input: DecideInput): Decision {
  const now = pick(input, input.rotation);
  const rotation = now ? advance(input.rotation, now) : input.rotation;
  // What follows is decided as if `now` had played its duration (a video's is unknown: as it stands).
  const duration = now?.item.duration;
  const afterNow = now && input.airtime && duration !== undefined && hasShares(input.playlists) ? { ...input, airtime: recordAirtime(input.airtime, now.playlist.id, input.now, input.now + duration * 1000, input.timezone), now: input.now } : input;
  const next = now ? pick(afterNow, rotation) : null;
  return { now, next, rotation, nextChangeAt: nextChangeAt(input.playlists, input.timezone, input.now) };
}

// ---- Boundaries: instants at which some schedule may switch on or off ----

const HORIZON_DAYS = 8;

/** The instants in (t0, t0 + HORIZON_DAYS days] at which a zone's offset changes. */
export type OffsetJumps = (zone: string) => readonly number[];

/** Each zone's offset changes from `t0` on, found once per zone: one for all the schedules of a computation. */
export function offsetJumpsFrom(t0: number): OffsetJumps {
  const byZone = new Map<string, readonly number[]>();
  return (zone) => {
    let found = byZone.get(zone);
    if (!found) byZone.set(zone, (found = offsetChanges(zone, t0, t0 + HORIZON_DAYS * MS_PER_DAY)));
    return found;
  };
}

/**
 * Candidate instants in [t0, t0 + HORIZON_DAYS days] at which `schedule` may change state.
 * `jumps`: each zone's offset changes over that span (offsetJumpsFrom, shared by the schedules of one computation).
 */
export function scheduleBoundaries(schedule: Schedule, zone: string, t0: number, jumps: OffsetJumps = offsetJumpsFrom(t0)): number[] {
  const tz = schedule.timezone ?? zone;
  const out: number[] = [];
  if (schedule.from !== undefined) out.push(instantOfLocal(schedule.from, tz));
  if (schedule.until !== undefined) out.push(instantOfLocal(schedule.until, tz));
  if (schedule.days || schedule.hours) {
    const today = localParts(tz, t0).day;
    for (let day = today - 1; day <= today + HORIZON_DAYS; day++) {
      const dayAllowed = !schedule.days || schedule.days.includes(weekdayOfDay(day));
      if (!schedule.hours) {
        out.push(...instantsOfWallTime(day, 0, tz));
        continue;
      }
      if (!dayAllowed) continue;
      for (const window of schedule.hours) {
        const start = minuteOfLocalTime(window.start);
        const end = minuteOfLocalTime(window.end);
        out.push(...instantsOfWallTime(day, start, tz));
        out.push(...instantsOfWallTime(end > start ? day : day + 1, end, tz));
      }
    }
    // Where the wall clock jumps (summer time), a day or hour window may begin or end with no
    // wall time of its own: falling back from 01:59 to 01:00 re-enters a window ending at 01:15.
    for (const jump of jumps(tz)) {
      if (isScheduleActive(schedule, zone, jump - 1) !== isScheduleActive(schedule, zone, jump)) out.push(jump);
    }
  }
  return out.filter((t) => t >= t0 && t <= t0 + HORIZON_DAYS * MS_PER_DAY);
}

interface BoundaryCache {
  zone: string;
  validFrom: number;
  validTo: number;
  sorted: number[];
}
const boundaryCache = new WeakMap<readonly Playlist[], BoundaryCache>();

/**
 * Candidate instants in [t0, t0 + HORIZON_DAYS days] at which a playlist's or an item's schedule
 * may change state (repeats included): what plays may change only there. The engine's next
 * decision and the display's power schedule (`open: "playlists"`) both read them.
 */
export function playlistsBoundaries(playlists: readonly Playlist[], zone: string, t0: number, jumps: OffsetJumps = offsetJumpsFrom(t0)): number[] {
  const out: number[] = [];
  for (const playlist of playlists) {
    if (playlist.schedule) for (const b of scheduleBoundaries(playlist.schedule, zone, t0, jumps)) out.push(b);
    for (const item of playlist.items) {
      if (item.schedule) for (const b of scheduleBoundaries(item.schedule, itemZone(playlist, item, zone), t0, jumps)) out.push(b);
    }
  }
  return out;
}

function setBoundaries(playlists: readonly Playlist[], zone: string, t: number): BoundaryCache {
  const cached = boundaryCache.get(playlists);
  if (cached && cached.zone === zone && t >= cached.validFrom && t < cached.validTo) return cached;
  const all = new Set(playlistsBoundaries(playlists, zone, t));
  const fresh = { zone, validFrom: t, validTo: t + (HORIZON_DAYS - 1) * MS_PER_DAY, sorted: [...all].sort((a, b) => a - b) };
  boundaryCache.set(playlists, fresh);
  return fresh;
}

/** The first boundary strictly after `t`, or `t + MAX_SLEEP_MS` when none comes sooner. */
export function nextChangeAt(playlists: readonly Playlist[], zone: string, t: number): number {
  const { sorted } = setBoundaries(playlists, zone, t);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(sorted[lo] ?? Infinity, t + MAX_SLEEP_MS);
}

/**
 * Whether the item on screen may keep playing at `input.now`: it is itself playable and its
 * playlist is in the layer that plays now. When not, the player cuts it short.
 */
export function stillPlays(input: DecideInput, playlistId: string, itemId: string): boolean {
  const playlist = input.playlists.find((p) => p.id === playlistId);
  const item = playlist?.items.find((i) => i.id === itemId);
  if (!playlist || !item) return false;
  if (!isScheduleActive(playlist.schedule, input.timezone, input.now) || !isItemPlayable(playlist, item, input)) return false;
  const winner = pick(input, input.rotation);
  return winner !== null && winner.playlist.priority === playlist.priority;
}
