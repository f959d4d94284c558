import { DateTime } from 'luxon';
import { playlistsOfZone, type Layout } from './layout.js';
import type { Item, Playlist, Schedule } from './playlist.js';
import { quantile } from './reach.js';
import { nextChangeAt } from './schedule.js';
import { timelineByZone, type Segment } from './timeline.js';

/**
 * Loop planning (issue 21): does a zone's loop fit the waits of its site? For each zone and
 * daypart of a day (the stretches over which the same items play, from the scheduling engine's
 * own timeline), the loop's length against the realized waits of the last weeks issued at those
 * hours (median, 80th percentile), and each item's expected reach:
 * The waits are those of the planned day's weekday when there are enough of them, else of every day.
 * - `reach`: the share of people who see a complete showing, for a person arriving at any moment:
 *   an item that comes back every P ms and lasts d ms is seen whole during a wait W with
 *   probability min(1, max(0, (W - d) / P)); averaged over the waits;
 * - `reachFromStart`: for the people who arrive as the loop starts (the opening's queue at the
 *   door): an item starting at offset o in the loop is seen by those who wait at least o + d.
 * Order changes only the second; the suggested order puts first the items that matter most:
 * those of a playlist with a share of voice (§6) and those of a campaign (a dated schedule:
 * `from` or `until`, on the item or its playlist), then the others as they are.
 */

export interface PastWait {
  /** When the ticket was issued (ms). */
  issuedAt: number;
  minutes: number;
  service?: string;
}

export interface PlannedItem {
  playlistId: string;
  itemId: string;
  durationMs: number;
  /** Complete showings over the daypart. */
  showings: number;
  /** Mean time between two of its starts (the daypart's length when it starts once or never). */
  periodMs: number;
  /** Its first start after the loop's start (null: never starts). */
  offsetMs: number | null;
  reach: number | null;
  reachFromStart: number | null;
  /** Has a share of voice or a campaign: first in the suggested order. */
  featured: boolean;
}

export interface Daypart {
  /** [start, end) instants. */
  start: number;
  end: number;
  /** The longest time an item of the loop takes to come back. */
  loopMs: number;
  /** The past waits it is compared with: of the same weekday only, or of every day (too few of that weekday). */
  waits: { count: number; sameWeekday: boolean; medianMin: number | null; p80Min: number | null };
  /** In the loop's order of play. */
  items: PlannedItem[];
  /** Items most people will not see (reach under one half), in the loop's order. */
  unseen: PlannedItem[];
  /** Per playlist whose order would change: its item ids, featured ones first. */
  suggestedOrder: { playlistId: string; itemIds: string[] }[];
}

export interface ZonePlan {
  zoneId: string;
  dayparts: Daypart[];
}

export interface LoopPlanInput {
  playlists: readonly Playlist[];
  layout?: Layout | null;
  timezone: string;
  /** The local day to plan (YYYY-MM-DD). */
  day: string;
  /** The site's realized waits of the last weeks. */
  waits: readonly PastWait[];
  /** How long a video without `duration` is taken to last (default 30 s, as the timeline). */
  videoSeconds?: number;
}

/** A reach under this share is "most people will not see it". */
export const UNSEEN_BELOW = 0.5;

const isDated = (schedule: Schedule | undefined): boolean => schedule?.from !== undefined || schedule?.until !== undefined;

export function isFeatured(playlist: Playlist, item: Item): boolean {
  return playlist.share !== undefined || isDated(playlist.schedule) || isDated(item.schedule);
}

function minuteOfDay(t: number, timezone: string): number {
  const local = DateTime.fromMillis(t, { zone: timezone });
  return local.hour * 60 + local.minute + local.second / 60;
}

/** Enough waits of the planned day's weekday at the daypart's hours to go by them alone. */
export const SAME_WEEKDAY_MIN_WAITS = 20;

/**
 * The waits issued at the local hours of [start, end): those of the same weekday as the day
 * planned when there are at least SAME_WEEKDAY_MIN_WAITS of them (a town hall's Saturday morning
 * is not its Tuesday's), else those of every day.
 */
function waitsAtHours(waits: readonly PastWait[], start: number, end: number, timezone: string): { minutes: number[]; sameWeekday: boolean } {
  const from = minuteOfDay(start, timezone);
  const span = (end - start) / 60_000;
  const until = from + span;
  const weekday = DateTime.fromMillis(start, { zone: timezone }).weekday;
  const atHours = waits.filter((w) => {
    const m = minuteOfDay(w.issuedAt, timezone);
    return span >= 1440 || (m >= from && m < until) || (until > 1440 && m < until - 1440);
  });
  const sameDay = atHours.filter((w) => DateTime.fromMillis(w.issuedAt, { zone: timezone }).weekday === weekday);
  const sameWeekday = sameDay.length >= SAME_WEEKDAY_MIN_WAITS;
  return { minutes: (sameWeekday ? sameDay : atHours).map((w) => w.minutes), sameWeekday };
}

/** The intervals between the engine's schedule boundaries over [from, until), merged where the same items play; idle ones left out. */
function dayparts(segments: readonly Segment[], playlists: readonly Playlist[], timezone: string, from: number, until: number): { start: number; end: number; items: string }[] {
  const cuts = [from];
  for (let t = nextChangeAt(playlists, timezone, from); t < until; t = nextChangeAt(playlists, timezone, t)) cuts.push(t);
  cuts.push(until);
  const parts: { start: number; end: number; items: string }[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const [a, b] = [cuts[k]!, cuts[k + 1]!];
    const inside = segments.filter((s) => s.itemId !== null && s.start < b && s.end > a);
    if (inside.length === 0) continue;
    const items = [...new Set(inside.map((s) => `${s.playlistId}/${s.itemId}`))].sort().join('\n');
    const start = Math.max(a, inside[0]!.start);
    const last = parts.at(-1);
    if (last && last.items === items && last.end === a) last.end = b;
    else parts.push({ start, end: b, items });
  }
  return parts;
}

function planDaypart(playlists: readonly Playlist[], input: LoopPlanInput, part: { start: number; end: number }, daySegments: readonly Segment[]): Daypart {
  const { timezone } = input;
  // The day's timeline, as the page's preview shows it: the showings that start in the daypart.
  const segments = daySegments.filter((s) => s.start >= part.start && s.start < part.end);
  const length = part.end - part.start;
  const byItem = new Map<string, { playlist: Playlist; item: Item; starts: number[]; complete: number; first: number }>();
  for (const segment of segments) {
    if (segment.itemId === null || segment.playlistId === null) continue;
    const key = `${segment.playlistId}/${segment.itemId}`;
    let entry = byItem.get(key);
    if (!entry) {
      const playlist = playlists.find((p) => p.id === segment.playlistId)!;
      const item = playlist.items.find((i) => i.id === segment.itemId)!;
      byItem.set(key, (entry = { playlist, item, starts: [], complete: 0, first: segment.start }));
    }
    entry.starts.push(segment.start);
    if (segment.complete) entry.complete++;
  }
  const { minutes: sample, sameWeekday } = waitsAtHours(input.waits, part.start, part.end, timezone);
  const waitsMs = sample.map((m) => m * 60_000);
  const items: PlannedItem[] = [...byItem.values()].map(({ playlist, item, starts, complete, first }) => {
    const durationMs = (item.duration ?? input.videoSeconds ?? 30) * 1000;
    const periodMs = starts.length > 1 ? (starts.at(-1)! - starts[0]!) / (starts.length - 1) : length;
    const offsetMs = first - part.start;
    const mean = (f: (w: number) => number): number | null => (waitsMs.length === 0 ? null : waitsMs.reduce((sum, w) => sum + f(w), 0) / waitsMs.length);
    return {
      playlistId: playlist.id,
      itemId: item.id,
      durationMs,
      showings: complete,
      periodMs,
      offsetMs,
      reach: complete === 0 ? (waitsMs.length ? 0 : null) : mean((w) => Math.min(1, Math.max(0, (w - durationMs) / periodMs))),
      reachFromStart: mean((w) => (w >= offsetMs + durationMs ? 1 : 0)),
      featured: isFeatured(playlist, item),
    };
  });
  items.sort((a, b) => (a.offsetMs ?? Infinity) - (b.offsetMs ?? Infinity));
  const suggestedOrder: Daypart['suggestedOrder'] = [];
  for (const playlist of playlists) {
    const playing = playlist.items.filter((item) => byItem.has(`${playlist.id}/${item.id}`));
    const order = [...playing.filter((item) => isFeatured(playlist, item)), ...playing.filter((item) => !isFeatured(playlist, item))].map((item) => item.id);
    if (order.some((id, k) => id !== playing[k]!.id)) suggestedOrder.push({ playlistId: playlist.id, itemIds: order });
  }
  return {
    start: part.start,
    end: part.end,
    loopMs: items.reduce((longest, item) => Math.max(longest, item.periodMs), 0),
    waits: { count: sample.length, sameWeekday, medianMin: sample.length ? quantile(sample, 0.5) : null, p80Min: sample.length ? quantile(sample, 0.8) : null },
    items,
    unseen: items.filter((item) => item.reach !== null && item.reach < UNSEEN_BELOW),
    suggestedOrder,
  };
}

/** The plan of each playlist or ticker zone of the layout (without one, `main`) over the local day. */
export function planLoops(input: LoopPlanInput): ZonePlan[] {
  const { timezone } = input;
  const from = DateTime.fromISO(`${input.day}T00:00`, { zone: timezone }).toMillis();
  const until = DateTime.fromISO(`${input.day}T00:00`, { zone: timezone }).plus({ days: 1 }).toMillis();
  // `when.waitMinutes` items are planned at each service's median wait (the longest, for items without a service).
  const byService = new Map<string, number[]>();
  for (const w of input.waits) if (w.service) byService.set(w.service, [...(byService.get(w.service) ?? []), w.minutes]);
  const medians = Object.fromEntries([...byService].map(([service, minutes]) => [service, quantile(minutes, 0.5)]));
  const zones = timelineByZone({ playlists: input.playlists, layout: input.layout ?? undefined, timezone, from, until, waits: medians, ...(input.videoSeconds ? { videoSeconds: input.videoSeconds } : {}) });
  return zones
    .filter((z) => z.zone.kind === 'playlist' || z.zone.kind === 'ticker')
    .map(({ zone, segments }) => {
      const ofZone = playlistsOfZone(input.playlists, zone.id);
      return { zoneId: zone.id, dayparts: dayparts(segments, ofZone, timezone, from, until).map((part) => planDaypart(ofZone, input, part, segments)) };
    });
}
