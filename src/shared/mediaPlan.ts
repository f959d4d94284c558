import { z } from 'zod';
import { filesOf, type Item, type Playlist } from './playlist.js';
import { isItemScheduled, itemZone, offsetJumpsFrom, scheduleBoundaries, type OffsetJumps } from './schedule.js';

/**
 * Which files a screen needs, soonest first: every file of an item that can play within
 * the horizon (its playlist's and its own schedule both active at some instant), ordered
 * by the first such instant. Priorities and wait conditions are not considered: an item
 * that may play must be ready when it does.
 */

export const FETCH_HORIZON_MS = 7 * 86_400_000;

export const PlannedFile = z.object({
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'expected a sha256 in hex' }),
  src: z.string().min(1, { error: 'expected a URL' }),
  bytes: z.number().int().nonnegative().optional(),
  /** The first instant at which an item using this file may play. */
  firstPlay: z.number(),
});
export type PlannedFile = z.infer<typeof PlannedFile>;

/** The first instant in [now, now + horizon] at which the item may play, or null. */
export function firstPlayOf(playlist: Playlist, item: Item, zone: string, now: number, horizon = FETCH_HORIZON_MS, jumps: OffsetJumps = offsetJumpsFrom(now)): number | null {
  const active = (t: number) => isItemScheduled(playlist, item, zone, t);
  if (active(now)) return now;
  const candidates = [
    ...(playlist.schedule ? scheduleBoundaries(playlist.schedule, zone, now, jumps) : []),
    ...(item.schedule ? scheduleBoundaries(item.schedule, itemZone(playlist, item, zone), now, jumps) : []),
  ]
    .filter((t) => t > now && t <= now + horizon)
    .sort((a, b) => a - b);
  for (const t of candidates) if (active(t)) return t;
  return null;
}

export function planFiles(playlists: readonly Playlist[], zone: string, now: number, horizon = FETCH_HORIZON_MS): PlannedFile[] {
  const bySha = new Map<string, PlannedFile>();
  const jumps = offsetJumpsFrom(now);
  for (const playlist of playlists) {
    for (const item of playlist.items) {
      const files = filesOf(item);
      if (files.length === 0) continue;
      const first = firstPlayOf(playlist, item, zone, now, horizon, jumps);
      if (first === null) continue;
      for (const file of files) {
        const sha256 = file.sha256.toLowerCase();
        const known = bySha.get(sha256);
        if (!known || first < known.firstPlay) bySha.set(sha256, { sha256, src: file.src, bytes: file.bytes, firstPlay: first });
      }
    }
  }
  return [...bySha.values()].sort((a, b) => a.firstPlay - b.firstPlay);
}
