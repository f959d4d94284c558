import { v7 as uuidv7 } from 'uuid';
import { toUtcTime } from '../shared/ids.js';
import { Impression } from '../shared/impression.js';
import { PlayingRecord, type PlayerDb } from './db.js';
import { isQuotaError } from './quotaError.js';

/**
 * Proof of play, written durably: the item on screen is kept in `playing` (its end moved
 * forward by a heartbeat) and moves to the outbox when it leaves the screen. After a
 * crash, whatever was on screen is recovered into the outbox, cut short at its last
 * heartbeat, so airtime is never lost. Writes happen one after the other, in call order.
 */
export const HEARTBEAT_MS = 10_000;
/** Times a write is tried again after freeing room, when storage is full; then it waits ROOM_RETRY_MS between tries. */
const MAX_ROOM_ATTEMPTS = 5;
export const ROOM_RETRY_MS = 30_000;

export interface ShowingRef {
  screenId: string;
  playlistId: string;
  itemId: string;
  revision: string;
}

function closed(record: PlayingRecord, at: number, complete: boolean): Impression {
  const { key: _key, ...rest } = record;
  return Impression.parse({ ...rest, end: toUtcTime(at), durationMs: Math.max(0, at - Date.parse(record.start)), complete });
}

export class ImpressionLog {
  private queue: Promise<unknown> = Promise.resolve();
  /** Called after an impression reached the outbox (the sync engine sends it). */
  onOutbox: () => void = () => {};

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

  /** Whatever a previous run left on screen goes to the outbox, cut short at its last heartbeat. */
  recover(): Promise<unknown> {
    return this.enqueue(() =>
      this.db.transaction('rw', this.db.playing, this.db.outbox, async () => {
        const orphan = PlayingRecord.safeParse(await this.db.playing.get('current'));
        await this.db.playing.delete('current');
        if (orphan.success) await this.db.outbox.put(closed(orphan.data, Date.parse(orphan.data.end), false));
      }).then(() => this.onOutbox()),
    );
  }

  /** An item is on screen from `at`: answers its impression id. */
  begin(ref: ShowingRef, at: number): string {
    // Time-ordered (UUIDv7): the hub's index of ids grows at its end instead of everywhere (4x the ingest rate).
    const id = uuidv7();
    const record: PlayingRecord = { key: 'current', id, ...ref, start: toUtcTime(at), end: toUtcTime(at), durationMs: 0, complete: false };
    void this.enqueue(() => this.db.playing.put(record));
    return id;
  }

  private heartbeatDue: { id: string; at: number } | null = null;

  /** Moves the end of the item on screen forward. Heartbeats that pile up behind slow writes collapse into one. */
  heartbeat(id: string, at: number): Promise<unknown> {
    const pending = this.heartbeatDue !== null;
    this.heartbeatDue = { id, at };
    if (pending) return this.queue;
    return this.enqueue(async () => {
      const due = this.heartbeatDue;
      this.heartbeatDue = null;
      if (!due) return;
      const record = await this.db.playing.get('current');
      if (record?.id === due.id) await this.db.playing.put({ ...record, end: toUtcTime(due.at), durationMs: Math.max(0, due.at - Date.parse(record.start)) });
    });
  }

  end(id: string, at: number, complete: boolean): Promise<unknown> {
    return this.enqueue(() =>
      this.db.transaction('rw', this.db.playing, this.db.outbox, async () => {
        const record = await this.db.playing.get('current');
        if (record?.id !== id) return;
        await this.db.playing.delete('current');
        await this.db.outbox.put(closed(record, at, complete));
      }).then(() => this.onOutbox()),
    );
  }
}
