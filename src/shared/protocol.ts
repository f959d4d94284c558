import { z } from 'zod';
import { PlaylistSet } from './playlist.js';

/** Protocol §3 payloads shared by player and hub. */

export const PROTOCOL_VERSION = 1;

/** `playlists` (hub -> player): the screen's complete set. */
export const PlaylistsMessage = z.object({
  revision: z.string({ error: 'expected a revision string' }).min(1, { error: 'expected a non-empty revision' }),
  playlists: PlaylistSet,
});
export type PlaylistsMessage = z.infer<typeof PlaylistsMessage>;

/** `status.cache`: what the media cache holds and how many files the set still lacks. */
export const CacheStatus = z.object({
  bytes: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
});
export type CacheStatus = z.infer<typeof CacheStatus>;
