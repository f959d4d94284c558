import { randomUUID } from 'node:crypto';
import { toUtcTime } from '../../../shared/ids.js';
import type { CommandAck, CommandType } from '../../../shared/protocol.js';
import type { CommandStore } from '../index.js';
import type { SqliteDb } from './sqliteDb.js';

/** Every command sent to a screen and its ack (or the lack of one). */
export class SqliteCommandStore implements CommandStore {
  constructor(private readonly db: SqliteDb) {}

  async create(screenId: string, type: CommandType, at: number): Promise<string> {
    const id = `cmd-${randomUUID()}`;
    this.db.prepare('INSERT INTO commands (id, screen_id, type, created_at) VALUES (?, ?, ?, ?)').run(id, screenId, type, toUtcTime(at));
    return id;
  }

  async recordAck(id: string, ack: CommandAck, at: number): Promise<void> {
    this.db.prepare('UPDATE commands SET acked_at = ?, ok = ?, error = ? WHERE id = ?').run(toUtcTime(at), ack.ok ? 1 : 0, ack.error ?? null, id);
  }

  /** Keeps the screen's latest screenshot (a PNG), for the dashboard. */
  async recordScreenshot(screenId: string, png: Buffer, at: number): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO screenshots (screen_id, png, taken_at) VALUES (?, ?, ?)').run(screenId, png, toUtcTime(at));
  }

  async lastScreenshot(screenId: string): Promise<{ png: Buffer; takenAt: string } | null> {
    const row = this.db.prepare<[string], { png: Buffer; taken_at: string }>('SELECT png, taken_at FROM screenshots WHERE screen_id = ?').get(screenId);
    return row ? { png: row.png, takenAt: row.taken_at } : null;
  }
}
