import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BundleSource } from '../../src/shared/bundle.js';
import { MAIN_ZONE, playlistsOfZone } from '../../src/shared/layout.js';
import { Playlist } from '../../src/shared/playlist.js';
import { decide, START_ROTATION, type Rotation } from '../../src/shared/schedule.js';

export const PLAYLISTS_DIR = resolve(import.meta.dirname, '../../playlists');

/** A bundled set's playlists of one zone (default `main`; null: all of them), as the player stores them. */
export function bundledPlaylists(bundleId: string, zone: string | null = MAIN_ZONE): Playlist[] {
  const source = BundleSource.parse(JSON.parse(readFileSync(join(PLAYLISTS_DIR, 'bundles.json'), 'utf8')));
  const bundle = source.bundles.find((b) => b.id === bundleId);
  if (!bundle) throw new Error(`no bundle ${bundleId}`);
  const playlists = bundle.playlists.map((path) => Playlist.parse(JSON.parse(readFileSync(join(PLAYLISTS_DIR, path), 'utf8'))));
  return zone === null ? playlists : playlistsOfZone(playlists, zone);
}

export interface ExpectedShow {
  playlistId: string;
  itemId: string;
  durationMs: number;
  at: number;
}

/** What the engine says plays, item after item, from `start` (every item ready, each taking its duration). */
export function expectedSequence(playlists: Playlist[], timezone: string, start: number, count: number, rotation: Rotation = START_ROTATION): ExpectedShow[] {
  const out: ExpectedShow[] = [];
  let now = start;
  for (let k = 0; k < count; k++) {
    const decision = decide({ playlists, timezone, now, rotation });
    if (!decision.now) throw new Error(`idle at ${new Date(now).toISOString()}`);
    const durationMs = (decision.now.item.duration ?? 0) * 1000;
    out.push({ playlistId: decision.now.playlist.id, itemId: decision.now.item.id, durationMs, at: now });
    rotation = decision.rotation;
    now += durationMs;
  }
  return out;
}
