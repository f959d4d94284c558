import { z } from 'zod';
import { UtcTime } from './ids.js';
import { Schedule, type Playlist } from './playlist.js';
import { isItemScheduled, isScheduleActive, MAX_SLEEP_MS, offsetJumpsFrom, playlistsBoundaries, scheduleBoundaries } from './schedule.js';
import { MS_PER_DAY, MS_PER_MINUTE } from './localTime.js';

/**
 * Screens asleep when the building is closed (extension of protocol §3 `playlists` and §1
 * schedules): when a screen's display may be off, and the pure decision a player takes from it.
 * No timers, no I/O: given the power schedule, the set, the screen's zone, an instant and
 * whether an urgent alert is showing, it answers on or off, and the next instant the answer can
 * change by schedule.
 */

export const MAX_POWER_SCHEDULES = 50;
export const MAX_CLOSURES = 100;
const Margin = z
  .number({ error: 'expected a number of minutes' })
  .int({ error: 'expected a whole number of minutes' })
  .min(0, { error: 'expected minutes >= 0' })
  .max(240, { error: 'expected at most 240 minutes' });

/**
 * A screen's (or a site's) power schedule. `open` is when the building is open: a list of §1
 * schedules (the display is on while any is active; a schedule without `timezone` is read in the
 * screen's zone), or `"playlists"`: on while any of the set's playlists has an item scheduled
 * (a playlist or item without a schedule is always on: the screen then never sleeps). `closed`
 * (public holidays, closures) wins over `open`. The display wakes `wakeBeforeMinutes` before
 * opening (a TV takes a few seconds, a projector a minute) and sleeps `sleepAfterMinutes` after closing.
 */
export const PowerSchedule = z.object({
  open: z.union([z.literal('playlists'), z.array(Schedule, { error: 'expected a list of schedules' }).min(1, { error: 'expected at least one schedule (or "playlists")' }).max(MAX_POWER_SCHEDULES, { error: `expected at most ${MAX_POWER_SCHEDULES} schedules` })], {
    error: 'expected "playlists" or a list of schedules like [{ "days": [1, 2, 3, 4, 5], "hours": [{ "start": "08:30", "end": "17:30" }] }]',
  }),
  closed: z.array(Schedule, { error: 'expected a list of schedules' }).max(MAX_CLOSURES, { error: `expected at most ${MAX_CLOSURES} closures` }).optional(),
  wakeBeforeMinutes: Margin.optional(),
  sleepAfterMinutes: Margin.optional(),
});
export type PowerSchedule = z.infer<typeof PowerSchedule>;

/**
 * What a screen's display is: `on`; `off`, powered down by the player (HDMI-CEC standby or the
 * display server's DPMS); `black`, asleep without a way to power it down (a web player, a PC
 * without CEC or DPMS): a black screen that does not burn in, the backlight still lit.
 */
export const PowerState = z.enum(['on', 'off', 'black'], { error: 'expected on, off or black' });
export type PowerState = z.infer<typeof PowerState>;

/** `status.power` (extension): the display's state, since when, and until when by schedule (absent: no change within a week). */
export const PowerStatus = z.object({
  state: PowerState,
  since: UtcTime,
  until: UtcTime.optional(),
});
export type PowerStatus = z.infer<typeof PowerStatus>;

export interface PowerInput {
  power: PowerSchedule | undefined;
  playlists: readonly Playlist[];
  /** The screen's IANA zone, for schedules without their own `timezone`. */
  timezone: string;
  now: number;
  /** An urgent alert is showing (or must show): the screen is on whatever the hour. */
  urgentAlert: boolean;
}

export type PowerReason = 'no-schedule' | 'open' | 'closed' | 'urgent-alert';

export interface PowerDecision {
  on: boolean;
  reason: PowerReason;
  /** The next instant (> now) at which the answer can change by schedule (an alert's start or end aside); at most a day ahead. */
  nextChangeAt: number;
  /** While the building is closed: when the display wakes by schedule (null: not within a week). */
  wakesAt: number | null;
  /** While it is open: when the display goes to sleep by schedule (null: not within a week). */
  sleepsAt: number | null;
}

/** How far ahead the schedule is read. */
const HORIZON_MS = 7 * MS_PER_DAY;

/** Whether the building is open at `t` (margins aside): some `open` schedule active, no closure. */
export function isOpenAt(power: PowerSchedule, playlists: readonly Playlist[], zone: string, t: number): boolean {
  if ((power.closed ?? []).some((schedule) => isScheduleActive(schedule, zone, t))) return false;
  if (power.open === 'playlists') return playlists.some((playlist) => playlist.items.some((item) => isItemScheduled(playlist, item, zone, t)));
  return power.open.some((schedule) => isScheduleActive(schedule, zone, t));
}

/** Every instant in [t0, t0 + 8 days] at which some schedule the power schedule depends on may switch. */
function boundaries(power: PowerSchedule, playlists: readonly Playlist[], zone: string, t0: number): number[] {
  const out: number[] = [];
  const jumps = offsetJumpsFrom(t0);
  for (const schedule of power.closed ?? []) out.push(...scheduleBoundaries(schedule, zone, t0, jumps));
  if (power.open !== 'playlists') for (const schedule of power.open) out.push(...scheduleBoundaries(schedule, zone, t0, jumps));
  else for (const t of playlistsBoundaries(playlists, zone, t0, jumps)) out.push(t);
  return out;
}

/** The instants at which the open state may switch, each with the state from it on, over [start, end). */
interface Segments {
  zone: string;
  playlists: readonly Playlist[];
  start: number;
  end: number;
  points: number[];
  open: boolean[];
}

/** A player asks every minute: the week's switches are read once a day (the schedule is the cache's key, as the engine's set is). */
const segmentCache = new WeakMap<PowerSchedule, Segments>();
const SEGMENTS_SPAN_MS = 8 * MS_PER_DAY;

function segments(power: PowerSchedule, playlists: readonly Playlist[], zone: string, start: number, end: number): Segments {
  const cached = segmentCache.get(power);
  if (cached && cached.zone === zone && (power.open !== 'playlists' || cached.playlists === playlists) && start >= cached.start && end <= cached.end) return cached;
  // A day back and two weeks on (each read of the boundaries reaches 8 days): asking about the next change, then about now again, reuses it.
  const spanStart = start - MS_PER_DAY;
  const spanEnd = Math.max(end, start + 2 * SEGMENTS_SPAN_MS - MS_PER_DAY);
  const found = [...boundaries(power, playlists, zone, spanStart), ...boundaries(power, playlists, zone, spanStart + SEGMENTS_SPAN_MS)];
  const points = [...new Set([spanStart, ...found.filter((t) => t > spanStart && t < spanEnd)])].sort((a, b) => a - b);
  const fresh = { zone, playlists, start: spanStart, end: spanEnd, points, open: points.map((t) => isOpenAt(power, playlists, zone, t)) };
  segmentCache.set(power, fresh);
  return fresh;
}

/**
 * The intervals [start, end) within [from, to) during which the display is on by schedule
 * (margins applied, closures honoured), merged, in order. An interval reaching `to` may go on.
 */
export function onIntervals(power: PowerSchedule, playlists: readonly Playlist[], zone: string, from: number, to: number): [number, number][] {
  const before = (power.wakeBeforeMinutes ?? 0) * MS_PER_MINUTE;
  const after = (power.sleepAfterMinutes ?? 0) * MS_PER_MINUTE;
  // Opening hours seen from the margins' reach: one that starts within `before` of `to` wakes the display before `to`.
  const start = from - after;
  const end = to + before;
  const seg = segments(power, playlists, zone, start, end);
  const open: [number, number][] = [];
  // The segment under way at `start`, then each switch within (start, end).
  let k = 0;
  while (k + 1 < seg.points.length && seg.points[k + 1]! <= start) k++;
  for (let t = start; k < seg.points.length && t < end; t = seg.points[++k] ?? end) {
    if (!seg.open[k]) continue;
    const until = Math.min(seg.points[k + 1] ?? end, end);
    const last = open.at(-1);
    if (last && last[1] === t) last[1] = until;
    else open.push([t, until]);
  }
  const merged: [number, number][] = [];
  for (const [a, b] of open) {
    const widened: [number, number] = [a === start ? a : a - before, b === end ? b : b + after];
    const last = merged.at(-1);
    if (last && widened[0] <= last[1]) last[1] = Math.max(last[1], widened[1]);
    else merged.push(widened);
  }
  return merged.map(([a, b]): [number, number] => [Math.max(a, from), Math.min(b, to)]).filter(([a, b]) => b > a);
}

/** Whether the screen's display is on at `input.now`, why, and when that may change. */
export function decidePower(input: PowerInput): PowerDecision {
  const { power, now } = input;
  const horizon = now + HORIZON_MS;
  if (!power) return { on: true, reason: input.urgentAlert ? 'urgent-alert' : 'no-schedule', nextChangeAt: now + MAX_SLEEP_MS, wakesAt: null, sleepsAt: null };
  const intervals = onIntervals(power, input.playlists, input.timezone, now, horizon);
  const current = intervals.find(([a, b]) => a <= now && now < b);
  const upcoming = intervals.find(([a]) => a > now);
  const sleepsAt = current && current[1] < horizon ? current[1] : null;
  const wakesAt = current ? null : (upcoming?.[0] ?? null);
  const change = (current ? sleepsAt : wakesAt) ?? Infinity;
  const nextChangeAt = Math.min(change, now + MAX_SLEEP_MS);
  if (input.urgentAlert) return { on: true, reason: 'urgent-alert', nextChangeAt, wakesAt, sleepsAt };
  return { on: current !== undefined, reason: current ? 'open' : 'closed', nextChangeAt, wakesAt, sleepsAt };
}

/** Hours the display is off by schedule within [from, to) (the figure a report can check against the screens' own). */
export function scheduledOffHours(power: PowerSchedule, playlists: readonly Playlist[], zone: string, from: number, to: number): number {
  let offMs = 0;
  for (let t = from; t < to; t += HORIZON_MS) {
    const end = Math.min(to, t + HORIZON_MS);
    const on = onIntervals(power, playlists, zone, t, end).reduce((sum, [a, b]) => sum + (b - a), 0);
    offMs += end - t - on;
  }
  return offMs / 3_600_000;
}

/** A stretch of one display state a screen reported (`status.power`): from `since` to the last status that still said so. */
export interface PowerInterval {
  state: PowerState;
  since: number;
  lastAt: number;
}

/** Hours in each state within [from, to), from the intervals a screen reported (a gap between them counts in none). */
export function hoursByState(intervals: readonly PowerInterval[], from: number, to: number): Record<PowerState, number> {
  const ms: Record<PowerState, number> = { on: 0, off: 0, black: 0 };
  for (const interval of intervals) ms[interval.state] += Math.max(0, Math.min(interval.lastAt, to) - Math.max(interval.since, from));
  return { on: ms.on / 3_600_000, off: ms.off / 3_600_000, black: ms.black / 3_600_000 };
}

/**
 * Energy saved: the hours the display was powered down (`off`) times the screen's stated wattage.
 * A `black` screen saves next to nothing on a backlit LCD (the backlight stays lit): not counted.
 */
export function kWhSaved(hoursOff: number, watts: number | null): number | null {
  return watts === null ? null : (hoursOff * watts) / 1000;
}
