import Dexie, { type EntityTable } from 'dexie';
import { z } from 'zod';
import { Impression } from '../shared/impression.js';
import { checkZonesOfSet } from '../shared/layout.js';
import { Alert, checkSetZones, PlaylistsMessageFields } from '../shared/protocol.js';
import { PLAYER_DB_NAME } from './dbName.js';
import type { QueueEvent, WaitEstimate } from '../shared/queue.js';
import type { StoredFileHead } from '../shared/startMedia.js';

/**
 * The player's durable storage (IndexedDB through Dexie). Versioned from day one:
 * later changes add `this.version(n)` steps with upgrades, never replace this one.
 */

/**
 * A set as stored, read back as it was taken: one taken before a playlist without `zone` needed
 * a `main` zone in its layout stays readable (that playlist plays nowhere, as then), rather than
 * the screen losing its set at the upgrade.
 */
export const StoredSet = PlaylistsMessageFields.extend({
  key: z.enum(['current', 'pending']),
  source: z.enum(['bundle', 'hub']),
  storedAt: z.number(),
}).superRefine((set, ctx) => checkZonesOfSet(set.playlists, set.layout, ctx, ['playlists'], 'skipped'));
export type StoredSet = z.infer<typeof StoredSet>;
/** A set being taken (a bundle, a push): every rule of §6. */
export const NewStoredSet = StoredSet.superRefine(checkSetZones);

/**
 * A verified file: its bytes are the `parts` with its sha256, in offset order. (The read ahead at
 * start, startFrame.ts, reads `bytes` and `type` with StoredFileHead: extended to stay in step.)
 */
export interface StoredMedia extends StoredFileHead {
  sha256: string;
  bytes: number;
  type: string;
  storedAt: number;
  lastUsed: number;
  /** Version 1 kept the whole file here; version 2 moves it into `parts`. */
  blob?: Blob;
}

/** A slice of a file, written as it arrives (a few MB): no file is ever held whole in memory. */
export interface StoredPart {
  sha256: string;
  offset: number;
  blob: Blob;
}

/** A download under way: how far it got, and the hash state there, so that it resumes after a restart. */
export interface Download {
  sha256: string;
  src: string;
  bytesDone: number;
  hashState: Uint8Array;
  type: string;
}

/** The last error of a file, kept for the status overlay and the hub. */
export interface MediaError {
  sha256: string;
  src: string;
  error: string;
  at: number;
  attempts: number;
}

/**
 * The item on screen in one zone (key `current` for `main`, `current:<zone>` for the others; a
 * ticker's line `current:<zone>#<line>`), kept up to date while it plays so that a crash loses no airtime.
 */
export const PlayingRecord = Impression.extend({ key: z.string().regex(/^current(?::.+)?$/) });
export type PlayingRecord = z.infer<typeof PlayingRecord>;

/**
 * What the page noted as it left (ImpressionLog.noteLeaving, in localStorage: written at once, where
 * an IndexedDB write begun then does not finish before the page is gone): when, and the showings
 * then on screen, ended at that moment at the next start instead of at their last heartbeat.
 */
export const LeftNote = z.object({ at: z.number().int().nonnegative(), ids: z.array(z.string()).max(1_000) });
export type LeftNote = z.infer<typeof LeftNote>;

/** A wait estimate waiting to be sent to the hub (`seq` keeps their order). */
export interface QueuedEstimate {
  seq?: number;
  estimate: WaitEstimate;
}

/** An impression the hub refused (its error kept): set aside so that it does not hold up the others, never deleted. */
export interface RejectedImpression {
  id: string;
  impression: Impression;
  error: string;
  /** When the hub last refused it. */
  at: number;
  /** How many times the hub refused it (absent: once, a record from before this was counted). */
  refusals?: number;
  /** When it was put back in the outbox to be offered again (absent: waiting aside); the record stays, with its count, until the hub takes it or refuses it again. */
  offeredAt?: number;
}

/** A ticket event from the hub, keyed by its content (exact repeats are one row). */
export interface StoredQueueEvent {
  key: string;
  at: string;
  event: QueueEvent;
}

/** An alert as kept: `receivedAt` orders them after a restart as they came (the newest urgent one on top); absent in those kept before it was. */
export const StoredAlert = Alert.extend({ receivedAt: z.number().optional() });
export type StoredAlert = z.infer<typeof StoredAlert>;

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
  parts!: Dexie.Table<StoredPart, [string, number]>;
  downloads!: EntityTable<Download, 'sha256'>;
  mediaErrors!: EntityTable<MediaError, 'sha256'>;
  alerts!: EntityTable<StoredAlert, 'id'>;
  waitOutbox!: EntityTable<QueuedEstimate, 'seq'>;
  rejected!: EntityTable<RejectedImpression, 'id'>;
  queueEvents!: EntityTable<StoredQueueEvent, 'key'>;

  constructor(name = PLAYER_DB_NAME) {
    super(name);
    this.version(1).stores({
      sets: '&key',
      media: '&sha256, lastUsed',
      outbox: '&id, start',
      playing: '&key',
      settings: '&key',
    });
    // Version 2: media in parts written as they download (resumable, memory-flat), downloads and errors.
    this.version(2)
      .stores({
        parts: '[sha256+offset], sha256',
        downloads: '&sha256',
        mediaErrors: '&sha256',
      })
      .upgrade(async (tx) => {
        const all = (await tx.table('media').toArray()) as StoredMedia[];
        for (const { blob, ...media } of all) {
          if (!blob) continue;
          await tx.table('parts').put({ sha256: media.sha256, offset: 0, blob } satisfies StoredPart);
          await tx.table('media').put(media);
        }
      });
    // Version 3: alerts kept until their end or a clear; wait estimates on their way to the hub.
    this.version(3).stores({
      alerts: '&id, until',
      waitOutbox: '++seq',
      rejected: '&id',
    });
    // Version 4: the outbox is read in id order (time-ordered UUIDv7) and emptied by key ranges; its start index only slowed deletes.
    this.version(4).stores({ outbox: '&id' });
    // Version 5: the site's ticket events, so that a restart mid-day rebuilds the same queue.
    this.version(5).stores({ queueEvents: '&key, at' });
  }
}
