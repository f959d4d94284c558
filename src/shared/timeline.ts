import type { Item, Playlist } from './playlist.js';
import { decide, nextChangeAt, recordAirtime, START_ROTATION, stillPlays, type HourAirtime, type Rotation } from './schedule.js';

/**
 * What a screen will play over an interval, as the player would play it: each item for its
 * duration, cut at the schedule boundary that ends it, idle where nothing is playable.
 * Used by the schedule preview and, later, by the dashboard's day timeline.
 */

export interface Segment {
  start: number;
  end: number;
  /** null while idle. */
  playlistId: string | null;
  itemId: string | null;
  complete: boolean;
}

export interface TimelineOptions {
  playlists: readonly Playlist[];
  timezone: string;
  from: number;
  until: number;
  waits?: Readonly<Record<string, number>>;
  /** How long a video without `duration` is assumed to last (its length is known only once cached). */
  videoSeconds?: number;
  rotation?: Rotation;
}

function seconds(item: Item, videoSeconds: number): number {
  return item.duration ?? videoSeconds;
}

export function timeline(options: TimelineOptions): Segment[] {
  const { playlists, timezone, until } = options;
  const videoSeconds = options.videoSeconds ?? 30;
  const segments: Segment[] = [];
  let rotation = options.rotation ?? START_ROTATION;
  let t = options.from;
  // Share of voice (§6) counts the zone's airtime in each clock hour, as the player does.
  let airtime: HourAirtime = { hour: t, ms: {} };
  while (t < until) {
    const base = { playlists, timezone, now: t, rotation, airtime, ...(options.waits ? { waits: options.waits } : {}) };
    const decision = decide(base);
    if (!decision.now) {
      const end = Math.min(decision.nextChangeAt, until);
      segments.push({ start: t, end, playlistId: null, itemId: null, complete: true });
      t = end;
      continue;
    }
    const { playlist, item } = decision.now;
    let end = t + seconds(item, videoSeconds) * 1000;
    let complete = true;
    // Cut at the first boundary at which the item may no longer play.
    for (let b = nextChangeAt(playlists, timezone, t); b < end; b = nextChangeAt(playlists, timezone, b)) {
      if (!stillPlays({ ...base, now: b, rotation: decision.rotation }, playlist.id, item.id)) {
        end = b;
        complete = false;
        break;
      }
    }
    segments.push({ start: t, end: Math.min(end, until), playlistId: playlist.id, itemId: item.id, complete: complete && end <= until });
    airtime = recordAirtime(airtime, playlist.id, t, end, timezone);
    rotation = decision.rotation;
    t = end;
  }
  return segments;
}
