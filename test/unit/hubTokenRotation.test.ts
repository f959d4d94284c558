import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenToken } from '../../src/shared/adminApi.js';
import type { PairingStarted } from '../../src/shared/pairing.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { adminApi } from '../support/hubClient.js';

/**
 * Security (issue 17): a rotated token stops working at once, open connections included; pairing
 * secrets are stored as hashes, and expired codes (with any screen token never delivered) are
 * deleted by the hub's own timer.
 */

const ADMIN = 'token-rotation-admin-token-0123456789abcdef';
let hub: RunningHub;
let dbPath: string;

// The admin API as an admin calls it, and as a player calls the public endpoints (no token).
const api = adminApi(() => hub.url, ADMIN);
const anonymous = adminApi(() => hub.url, null);

function connect(screenId: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${hub.url}/screens`, { auth: { screenId, token, protocol: 1, version: 'rotation' }, transports: ['websocket'], reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), 'antichambre-rotation-')), 'hub.db');
  hub = await startHub({ db: dbPath, port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {}, pairingPruneEveryMs: 100 });
});
afterAll(async () => {
  await hub?.close();
});

describe('security: token rotation and pairing codes', () => {
  it('closes the screen\'s open connections when its token is rotated; the old token is refused, the new one works', async () => {
    const created = (await api<ScreenToken>('POST', '/api/screens', { id: 'ecran-tourne', name: 'Tourne', site: 'mairie', timezone: 'Europe/Paris' })).body;
    const first = await connect('ecran-tourne', created.token);
    const second = await connect('ecran-tourne', created.token);
    const other = (await api<ScreenToken>('POST', '/api/screens', { id: 'ecran-autre', name: 'Autre', site: 'mairie', timezone: 'Europe/Paris' })).body;
    const bystander = await connect('ecran-autre', other.token);
    const closed = (socket: Socket) => new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    const closings = Promise.all([closed(first), closed(second)]);

    const rotated = await api<ScreenToken>('POST', '/api/screens/ecran-tourne/token', {});
    expect(rotated.status).toBe(200);
    expect(await closings).toEqual(['io server disconnect', 'io server disconnect']);
    expect(bystander.connected).toBe(true);
    await expect(connect('ecran-tourne', created.token)).rejects.toThrow('unauthorized');
    const fresh = await connect('ecran-tourne', rotated.body.token);
    expect(fresh.connected).toBe(true);
    fresh.close();
    bystander.close();
  });

  it('keeps pairing secrets hashed and deletes expired codes on its timer', async () => {
    const started = (await anonymous<PairingStarted>('POST', '/api/pairing')).body;
    const claimed = await api('POST', `/api/pairing/${started.code}/claim`, { screenId: 'ecran-apparie', name: 'Apparié', site: 'mairie' });
    expect(claimed.status).toBe(201);
    const db = new Database(dbPath);
    try {
      const row = db.prepare<[string], { secret_hash: string; token: string | null }>('SELECT secret_hash, token FROM pairings WHERE code = ?').get(started.code)!;
      expect(row.secret_hash).not.toContain(started.secret);
      expect(row.token).not.toBeNull(); // kept until the player's poll, or until the code expires
      // The code expires (as if ten minutes had passed), the player never polled: the hub's timer deletes it with the token.
      db.prepare('UPDATE pairings SET expires_at = ? WHERE code = ?').run(new Date(Date.now() - 1_000).toISOString(), started.code);
      let left = 1;
      for (let k = 0; k < 50 && left > 0; k++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        left = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM pairings WHERE code = ?').get(started.code)!.n;
      }
      expect(left).toBe(0);
    } finally {
      db.close();
    }
  });
});
