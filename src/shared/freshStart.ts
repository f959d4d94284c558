import { FULL_SCREEN, playlistsOfZone, type Layout } from './layout.js';
import type { Playlist } from './playlist.js';
import { decidePower, type PowerSchedule } from './powerSchedule.js';
import { decide, START_ROTATION } from './schedule.js';
import { boxOf, START_MEDIA_MAX, startFileOf, type StartFile, type StartMedia } from './startMedia.js';

/** A set as a fresh player gets it first (its bundle's, or the hub's first): what the first decisions depend on. */
export interface FreshSet {
  playlists: readonly Playlist[];
  layout?: Layout | undefined;
  power?: PowerSchedule | undefined;
}

/**
 * What a player with nothing stored shows first in each playlist zone, if `set` becomes its first
 * set at `now`: the decision each zone's Playback takes at its first step (the rotation at its
 * start, no airtime yet, no queue data, the files it starts with ready: the first set takes over
 * only once they are), as a start list (StartMedia, as ScreenLayout keeps it for the next start).
 * The start frame of a fresh player paints it from the bundle's own files (freshFrame.ts) while the
 * player imports them. `paintUntil` as ScreenLayout's: the zones' next schedule change, the power
 * schedule's next sleep; 0 while the power schedule has the screen asleep.
 */
export function freshStartMedia(set: FreshSet, now: number, timezone: string): StartMedia {
  const power = decidePower({ power: set.power, playlists: set.playlists, timezone, now, urgentAlert: false });
  if (!power.on) return { files: [], decidedAt: now, paintUntil: 0 };
  const files: StartFile[] = [];
  let paintUntil = power.sleepsAt ?? Infinity;
  for (const zone of (set.layout ?? FULL_SCREEN).zones) {
    if (zone.kind !== 'playlist') continue;
    const decision = decide({ playlists: playlistsOfZone(set.playlists, zone.id), waits: {}, timezone, now, rotation: START_ROTATION });
    paintUntil = Math.min(paintUntil, decision.nextChangeAt);
    const file = startFileOf(zone.id, decision.now?.item);
    if (file) files.push({ ...file, box: boxOf(zone) });
  }
  return { files: files.slice(0, START_MEDIA_MAX), decidedAt: now, paintUntil: Number.isFinite(paintUntil) ? paintUntil : 0 };
}
