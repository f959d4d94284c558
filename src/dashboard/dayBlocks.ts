import type { Layout, Zone } from '../shared/layout.js';
import type { Playlist } from '../shared/playlist.js';
import { timelineByZone, type Segment } from '../shared/timeline.js';
import { dayBounds } from './calendarDay.js';

/** A screen's day as the scheduling engine plays it (src/shared/timeline.ts), merged into blocks of one playlist, zone by zone. */

export interface Block {
  start: number;
  end: number;
  playlistId: string | null;
  items: number;
}

export interface ZoneLane {
  zone: Zone;
  /** Empty for `queue` and `clock` zones (live all day). */
  blocks: Block[];
}

function blocksOf(segments: readonly Segment[]): Block[] {
  const blocks: Block[] = [];
  for (const segment of segments) {
    const last = blocks.at(-1);
    if (last && last.playlistId === segment.playlistId && last.end === segment.start) {
      last.end = segment.end;
      if (segment.itemId) last.items++;
    } else blocks.push({ start: segment.start, end: segment.end, playlistId: segment.playlistId, items: segment.itemId ? 1 : 0 });
  }
  return blocks;
}

/** Each zone's lane (without a layout, `main` alone, filling the screen). */
export function dayLanes(playlists: readonly Playlist[], day: string, timezone: string, layout?: Layout | null): { from: number; until: number; lanes: ZoneLane[] } {
  const { from, until } = dayBounds(day, timezone);
  const lanes = timelineByZone({ playlists, timezone, from, until, layout: layout ?? undefined }).map(({ zone, segments }) => ({ zone, blocks: blocksOf(segments) }));
  return { from, until, lanes };
}

/** The day of a screen without a layout: the blocks of `main`. */
export function dayBlocks(playlists: readonly Playlist[], day: string, timezone: string): { from: number; until: number; blocks: Block[] } {
  const { from, until, lanes } = dayLanes(playlists, day, timezone);
  return { from, until, blocks: lanes[0]!.blocks };
}
