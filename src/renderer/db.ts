import Dexie, { type EntityTable } from 'dexie';
import { z } from 'zod';
import { Impression } from '../shared/impression.js';
import { PlaylistsMessage } from '../shared/protocol.js';

/**
 * The player's durable storage (IndexedDB through Dexie). Versioned from day one:
 * later changes add `this.version(n)` steps with upgrades, never replace this one.
 */

export const StoredSet = PlaylistsMessage.extend({
  key: z.enum(['current', 'pending']),
  source: z.enum(['bundle', 'hub']),
  storedAt: z.number(),
});
export type StoredSet = z.infer<typeof StoredSet>;

export interface StoredMedia {
  sha256: string;
  blob: Blob;
  bytes: number;
  type: string;
  storedAt: number;
  lastUsed: number;
}

/** The item on screen, kept up to date while it plays so that a crash loses no airtime. */
export const PlayingRecord = Impression.extend({ key: z.literal('current') });
export type PlayingRecord = z.infer<typeof PlayingRecord>;

export interface Setting {
  key: string;
  value: unknown;
}

export class PlayerDb extends Dexie {
  sets!: EntityTable<StoredSet, 'key'>;
  media!: EntityTable<StoredMedia, 'sha256'>;
  outbox!: EntityTable<Impression, 'id'>;
  playing!: EntityTable<PlayingRecord, 'key'>;
  settings!: EntityTable<Setting, 'key'>;

  constructor(name = 'antichambre') {
    super(name);
    this.version(1).stores({
      sets: '&key',
      media: '&sha256, lastUsed',
      outbox: '&id, start',
      playing: '&key',
      settings: '&key',
    });
  }
}
