import type { Playlist } from '../shared/playlist.js';
import { timeline } from '../shared/timeline.js';
import { dayBounds } from './calendarDay.js';

/** A screen's day as the scheduling engine plays it (src/shared/timeline.ts), merged into blocks of one playlist. */

export interface Block {
  start: number;
  end: number;
  playlistId: string | null;
  items: number;
}

export function dayBlocks(playlists: readonly Playlist[], day: string, timezone: string): { from: number; until: number; blocks: Block[] } {
  const { from, until } = dayBounds(day, timezone);
  const blocks: Block[] = [];
  for (const segment of timeline({ playlists, timezone, from, until })) {
    const last = blocks.at(-1);
    if (last && last.playlistId === segment.playlistId && last.end === segment.start) {
      last.end = segment.end;
      if (segment.itemId) last.items++;
    } else blocks.push({ start: segment.start, end: segment.end, playlistId: segment.playlistId, items: segment.itemId ? 1 : 0 });
  }
  return { from, until, blocks };
}
