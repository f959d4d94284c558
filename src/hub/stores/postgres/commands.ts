import { randomUUID } from 'node:crypto';
import { toUtcTime } from '../../../shared/ids.js';
import type { CommandAck, CommandType } from '../../../shared/protocol.js';
import type { CommandStore } from '../index.js';
import type { PgPool } from './pgDb.js';

/** Every command sent to a screen and its ack, and each screen's last screenshot (PostgreSQL). */
export class PgCommandStore implements CommandStore {
  constructor(private readonly pool: PgPool) {}

  async create(screenId: string, type: CommandType, at: number): Promise<string> {
    const id = `cmd-${randomUUID()}`;
    await this.pool.query('INSERT INTO commands (id, screen_id, type, created_at) VALUES ($1, $2, $3, $4)', [id, screenId, type, toUtcTime(at)]);
    return id;
  }

  async recordAck(id: string, ack: CommandAck, at: number): Promise<void> {
    await this.pool.query('UPDATE commands SET acked_at = $1, ok = $2, error = $3 WHERE id = $4', [toUtcTime(at), ack.ok, ack.error ?? null, id]);
  }

  async recordScreenshot(screenId: string, png: Buffer, at: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO screenshots (screen_id, png, taken_at) VALUES ($1, $2, $3) ON CONFLICT (screen_id) DO UPDATE SET png = excluded.png, taken_at = excluded.taken_at',
      [screenId, png, toUtcTime(at)],
    );
  }

  async lastScreenshot(screenId: string): Promise<{ png: Buffer; takenAt: string } | null> {
    const row = (await this.pool.query<{ png: Buffer; taken_at: string }>('SELECT png, taken_at FROM screenshots WHERE screen_id = $1', [screenId])).rows[0];
    return row ? { png: row.png, takenAt: row.taken_at } : null;
  }
}
