import { v7 as uuidv7 } from 'uuid';
import { toUtcTime } from '../shared/ids.js';
import { Impression } from '../shared/impression.js';
import { LeftNote, PlayingRecord, type PlayerDb } from './db.js';
import { pageStorage } from './pageStorage.js';
import { isQuotaError } from './quotaError.js';

/**
 * Proof of play, written durably: the item on screen is kept in `playing` (its end moved
 * forward by a heartbeat) and moves to the outbox when it leaves the screen. After a
 * crash, whatever was on screen is recovered into the outbox, cut short at its last
 * heartbeat, so airtime is never lost. When the page leaves (a reload, a restart, the kiosk
 * closing), the moment is noted at once (noteLeaving) and those showings end then, not at their
 * last heartbeat up to HEARTBEAT_MS before. Writes happen one after the other, in call order.
 */
export const HEARTBEAT_MS = 10_000;
/** Where the page notes the moment it leaves (LeftNote). */
export const LEFT_NOTE_KEY = 'antichambre:left';
/**
 * A note is taken for a showing only if it is at most this long after the showing's last
 * heartbeat: a later one (a clock set forward, a note left from another page) would add airtime
 * nobody saw.
 */
const LEFT_NOTE_MAX_MS = 2 * HEARTBEAT_MS;

/** Times a write is tried again after freeing room, when storage is full; then it waits ROOM_RETRY_MS between tries. */
const MAX_ROOM_ATTEMPTS = 5;
export const ROOM_RETRY_MS = 30_000;

export interface ShowingRef {
  screenId: string;
  playlistId: string;
  itemId: string;
  revision: string;
  /** §6: the zone it plays in. */
  zoneId: string;
}

/**
 * The `playing` row of a zone: `current` for `main` (the key of players before layouts),
 * `current:<zone>` for the others; `lane` for a zone showing several at once (a ticker's lines
 * overlap as they scroll): `<row of the zone>#<lane>` (`#` is in no id).
 */
export function playingKey(zoneId: string, lane?: string): string {
  const zone = zoneId === 'main' ? 'current' : `current:${zoneId}`;
  return lane === undefined ? zone : `${zone}#${lane}`;
}

/** §3 `audience` of [start, end): undefined without queue data. */
export type AudienceOf = (start: number, end: number) => number | undefined;

function closed(record: PlayingRecord, at: number, complete: boolean, audienceOf: AudienceOf): Impression {
  const { key: _key, audience: _audience, ...rest } = record;
  const audience = audienceOf(Date.parse(record.start), at);
  return Impression.parse({ ...rest, end: toUtcTime(at), durationMs: Math.max(0, at - Date.parse(record.start)), complete, ...(audience === undefined ? {} : { audience }) });
}

/** When a showing left on screen ended: the moment its page noted leaving, if it is named there and that is soon after its last heartbeat; else that heartbeat. */
export function endOfOrphan(record: PlayingRecord, left: LeftNote | null): number {
  const lastHeartbeat = Date.parse(record.end);
  if (!left || !left.ids.includes(record.id)) return lastHeartbeat;
  return left.at >= lastHeartbeat && left.at - lastHeartbeat <= LEFT_NOTE_MAX_MS ? left.at : lastHeartbeat;
}

export class ImpressionLog {
  private queue: Promise<unknown> = Promise.resolve();
  /** Called after an impression reached the outbox (the sync engine sends it). */
  onOutbox: () => void = () => {};
  /** The mean number of people waiting over an interval (the queue tracker's), for each impression's `audience`. */
  audienceOf: AudienceOf = () => undefined;

  /**
   * `makeRoom`: when storage is full, frees some (the media cache evicts files) and answers
   * whether it did; the write is then tried again. Proof of play goes before cached media.
   */
  constructor(
    private readonly db: PlayerDb,
    private readonly makeRoom: () => Promise<boolean> = async () => false,
  ) {}

  /** Resolves once every write asked for so far is durable. */
  flushed(): Promise<unknown> {
    return this.queue;
  }

  private enqueue(write: () => Promise<unknown>): Promise<unknown> {
    this.queue = this.queue.then(() => this.withRoom(write)).catch((error: unknown) => console.error('[antichambre] impression not written:', error));
    return this.queue;
  }

  /**
   * Runs a write; when storage is full, frees room and tries again, and when no room can be
   * freed, waits and tries again later: the records wait in memory, in order, rather than being
   * lost (the page's storage may free up as the browser compacts it, or a technician steps in).
   */
  private async withRoom(write: () => Promise<unknown>): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (!isQuotaError(error)) throw error;
        if (attempt < MAX_ROOM_ATTEMPTS && (await this.makeRoom())) continue;
        await new Promise((resolve) => setTimeout(resolve, ROOM_RETRY_MS));
      }
    }
  }

  /**
   * Whatever a previous run left on screen goes to the outbox, cut short: when the page that showed
   * it noted leaving (noteLeaving), at that moment; after a crash, at its last heartbeat.
   */
  recover(): Promise<unknown> {
    const storage = pageStorage();
    let left: LeftNote | null = null;
    try {
      const text = storage?.getItem(LEFT_NOTE_KEY);
      const parsed = text ? LeftNote.safeParse(JSON.parse(text)) : null;
      left = parsed?.success ? parsed.data : null;
    } catch {
      // Unreadable (not JSON, storage refused): ended at their last heartbeat, as after a crash.
    }
    return this.enqueue(() =>
      this.db.transaction('rw', this.db.playing, this.db.outbox, async () => {
        // One row per zone that was playing (per line, in a ticker).
        const rows = await this.db.playing.toArray();
        await this.db.playing.clear();
        for (const row of rows) {
          const orphan = PlayingRecord.safeParse(row);
          if (orphan.success) await this.db.outbox.put(closed(orphan.data, endOfOrphan(orphan.data, left), false, this.audienceOf));
        }
      }).then(() => {
        try {
          storage?.removeItem(LEFT_NOTE_KEY);
        } catch {
          // Left for the next start, which ends nothing with it: its showings are gone.
        }
        this.onOutbox();
      }),
    );
  }

  /**
   * The page is leaving (its `pagehide`): the moment is noted at once, with the showings on screen,
   * for the next start to end them then (recover). Their end, written to IndexedDB as the zones stop,
   * does not finish before the page is gone; a note in localStorage does.
   */
  noteLeaving(at: number): void {
    if (this.keys.size === 0) return;
    try {
      pageStorage()?.setItem(LEFT_NOTE_KEY, JSON.stringify({ at, ids: [...this.keys.keys()] } satisfies LeftNote));
    } catch {
      // Storage refused or full: ended at their last heartbeat, as after a crash.
    }
  }

  /** An item is on screen from `at` (in `lane` of its zone when the zone shows several at once): answers its impression id. */
  begin(ref: ShowingRef, at: number, lane?: string): string {
    // Time-ordered (UUIDv7): the hub's index of ids grows at its end instead of everywhere (4x the ingest rate).
    const id = uuidv7();
    const key = playingKey(ref.zoneId, lane);
    this.keys.set(id, key);
    const record: PlayingRecord = { key, id, ...ref, start: toUtcTime(at), end: toUtcTime(at), durationMs: 0, complete: false };
    void this.enqueue(() => this.db.playing.put(record));
    return id;
  }

  /** The `playing` row of each showing begun and not yet ended, by impression id. */
  private readonly keys = new Map<string, string>();
  /** Per showing, the heartbeat waiting to be written. */
  private readonly heartbeatsDue = new Map<string, number>();

  /** Moves the end of the item on screen forward. Heartbeats that pile up behind slow writes collapse into one. */
  heartbeat(id: string, at: number): Promise<unknown> {
    const key = this.keys.get(id);
    if (!key) return this.queue;
    const pending = this.heartbeatsDue.has(id);
    this.heartbeatsDue.set(id, at);
    if (pending) return this.queue;
    return this.enqueue(async () => {
      const due = this.heartbeatsDue.get(id);
      this.heartbeatsDue.delete(id);
      if (due === undefined) return;
      const record = await this.db.playing.get(key);
      if (record?.id === id) await this.db.playing.put({ ...record, end: toUtcTime(due), durationMs: Math.max(0, due - Date.parse(record.start)) });
    });
  }

  end(id: string, at: number, complete: boolean): Promise<unknown> {
    const key = this.keys.get(id);
    if (!key) return this.queue;
    this.keys.delete(id);
    this.heartbeatsDue.delete(id);
    return this.enqueue(() =>
      this.db.transaction('rw', this.db.playing, this.db.outbox, async () => {
        const record = await this.db.playing.get(key);
        if (record?.id !== id) return;
        await this.db.playing.delete(key);
        await this.db.outbox.put(closed(record, at, complete, this.audienceOf));
      }).then(() => this.onOutbox()),
    );
  }
}
