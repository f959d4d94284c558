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
