import { v4 as uuidv4 } from 'uuid';
import { toUtcTime } from '../shared/ids.js';
import { Impression } from '../shared/impression.js';
import { PlayingRecord, type PlayerDb } from './db.js';

/**
 * Proof of play, written durably: the item on screen is kept in `playing` (its end moved
 * forward by a heartbeat) and moves to the outbox when it leaves the screen. After a
 * crash, whatever was on screen is recovered into the outbox, cut short at its last
 * heartbeat, so airtime is never lost.
 */
export const HEARTBEAT_MS = 5_000;

export interface ShowingRef {
  screenId: string;
  playlistId: string;
  itemId: string;
  revision: string;
}

export class ImpressionLog {
  constructor(private readonly db: PlayerDb) {}

  /** Any record left in `playing` by a previous run goes to the outbox as cut short. */
  async recover(): Promise<void> {
    await this.db.transaction('rw', this.db.playing, this.db.outbox, async () => {
      const orphan = await this.db.playing.get('current');
      if (!orphan) return;
      await this.db.playing.delete('current');
      const parsed = PlayingRecord.safeParse(orphan);
      if (!parsed.success) return;
      const { key: _key, ...impression } = parsed.data;
      await this.db.outbox.put({ ...impression, complete: false });
    });
  }

  async begin(ref: ShowingRef, at: number): Promise<string> {
    const id = uuidv4();
    const record: PlayingRecord = { key: 'current', id, ...ref, start: toUtcTime(at), end: toUtcTime(at), durationMs: 0, complete: false };
    await this.db.transaction('rw', this.db.playing, this.db.outbox, async () => {
      await this.closeOrphanInTransaction(at);
      await this.db.playing.put(record);
    });
    return id;
  }

  async heartbeat(id: string, at: number): Promise<void> {
    await this.db.transaction('rw', this.db.playing, async () => {
      const record = await this.db.playing.get('current');
      if (record?.id !== id) return;
      await this.db.playing.put({ ...record, end: toUtcTime(at), durationMs: Math.max(0, at - Date.parse(record.start)) });
    });
  }

  async end(id: string, at: number, complete: boolean): Promise<void> {
    await this.db.transaction('rw', this.db.playing, this.db.outbox, async () => {
      const record = await this.db.playing.get('current');
      if (record?.id !== id) return;
      await this.db.playing.delete('current');
      const { key: _key, ...rest } = record;
      const impression: Impression = { ...rest, end: toUtcTime(at), durationMs: Math.max(0, at - Date.parse(record.start)), complete };
      await this.db.outbox.put(Impression.parse(impression));
    });
  }

  private async closeOrphanInTransaction(at: number): Promise<void> {
    const orphan = await this.db.playing.get('current');
    if (!orphan) return;
    const { key: _key, ...rest } = orphan;
    await this.db.outbox.put({ ...rest, end: toUtcTime(at), durationMs: Math.max(0, at - Date.parse(orphan.start)), complete: false });
  }
}
