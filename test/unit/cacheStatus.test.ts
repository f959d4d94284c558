import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScreenState, type ScreenList, type ScreenToken } from '../../src/shared/adminApi.js';
import { CACHE_STUCK_AFTER_S, cacheStuckForS } from '../../src/shared/cacheHealth.js';
import { StatusMessage } from '../../src/shared/protocol.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { statusTable } from '../../src/hub/statusTable.js';
import { ADMIN_TOKEN, adminApi } from '../support/hubProcess.js';
import { connectScreen } from '../support/hubClient.js';

/** `status.cache.oldestMissingS` (extension): validated, kept by the hub, shown by `antichambre-hub status`. */

const base = { at: '2026-12-01T03:00:00.000Z', revision: null, playing: null, outbox: 0, uptimeS: 10, version: '0.1.0' };
let hub: RunningHub;
const adminApiBody = async <T,>(method: string, path: string, body?: unknown): Promise<T> => (await adminApi<T>(hub, method, path, body)).body;


const player = (created: ScreenToken): Promise<Socket> => connectScreen(hub.url, created);

beforeAll(async () => {
  hub = await startHub({ db: join(mkdtempSync(join(tmpdir(), 'antichambre-cache-status-')), 'hub.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN_TOKEN, log: () => {} });
});
afterAll(async () => {
  await hub?.close();
});

describe('status.cache.oldestMissingS', () => {
  it('is optional (a v1 player without it is valid) and a whole number of seconds, refused with its path otherwise', () => {
    expect(StatusMessage.safeParse({ ...base, cache: { bytes: 0, files: 0, missing: 0 } }).success).toBe(true);
    expect(StatusMessage.parse({ ...base, cache: { bytes: 10, files: 1, missing: 1, oldestMissingS: 720 } }).cache.oldestMissingS).toBe(720);
    for (const bad of [-1, 1.5, '720']) {
      const parsed = StatusMessage.safeParse({ ...base, cache: { bytes: 10, files: 1, missing: 1, oldestMissingS: bad } });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['cache', 'oldestMissingS']);
    }
  });

  it('marks a cache as stuck only when a wanted file has been missing for five minutes or more', () => {
    expect(CACHE_STUCK_AFTER_S).toBe(300);
    expect(cacheStuckForS({ bytes: 0, files: 0, missing: 1 })).toBeNull(); // a v1 player: unknown, not stuck
    expect(cacheStuckForS({ bytes: 0, files: 0, missing: 1, oldestMissingS: 299 })).toBeNull();
    expect(cacheStuckForS({ bytes: 0, files: 0, missing: 1, oldestMissingS: 300 })).toBe(300);
    expect(cacheStuckForS({ bytes: 0, files: 0, missing: 0, oldestMissingS: 9_000 })).toBeNull(); // nothing missing
  });

  it('reaches the hub from a player over /screens, is kept with the screen, and the status table shows a stuck cache', async () => {
    const screens = { stuck: 'attente-bloque', fresh: 'attente-recent', old: 'attente-v1' };
    const statuses = {
      stuck: { ...base, cache: { bytes: 12_500_000, files: 3, missing: 1, oldestMissingS: 720 } },
      fresh: { ...base, cache: { bytes: 2_000_000, files: 1, missing: 2, oldestMissingS: 120 } },
      old: { ...base, cache: { bytes: 1_000_000, files: 1, missing: 1 } },
    };
    const sockets: Socket[] = [];
    for (const key of ['stuck', 'fresh', 'old'] as const) {
      const created = await adminApiBody<ScreenToken>('POST', '/api/screens', { id: screens[key], name: key, site: 'clinique', timezone: 'Europe/Paris' });
      const socket = await player(created);
      sockets.push(socket);
      await socket.emitWithAck('hello', { revision: null, version: 'unit', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } });
      socket.emit('status', statuses[key]);
    }
    const listed = async () => (await adminApiBody<ScreenList>('GET', '/api/screens')).screens;
    await expect.poll(async () => (await listed()).filter((s) => s.status !== null).length, { timeout: 5_000 }).toBe(3);
    const byId = new Map((await listed()).map((s) => [s.id, s]));
    expect(byId.get(screens.stuck)!.status!.cache).toEqual(statuses.stuck.cache);
    expect(byId.get(screens.old)!.status!.cache.oldestMissingS).toBeUndefined();

    const table = statusTable([...byId.values()], Date.parse('2026-12-01T03:00:30.000Z')).split('\n');
    const row = (id: string) => table.find((line) => line.startsWith(id))!;
    expect(row(screens.stuck)).toContain('12.5 MB, 3 files, 1 missing, STUCK: oldest missing for 12 min');
    expect(row(screens.fresh)).toContain('2.0 MB, 1 files, 2 missing ');
    expect(row(screens.fresh)).not.toContain('STUCK');
    expect(row(screens.old)).toContain('1.0 MB, 1 files, 1 missing ');
    expect(row(screens.old)).not.toContain('STUCK');
    for (const socket of sockets) socket.close();
  });

  it('says hours and days for a file missing that long', () => {
    const state = (oldestMissingS: number) => ({
      id: 's',
      name: 's',
      site: 'x',
      timezone: 'Europe/Paris',
      online: true,
      lastSeen: null,
      revision: null,
      ackedRevision: null,
      refused: null,
      status: { ...base, cache: { bytes: 0, files: 0, missing: 1, oldestMissingS } },
    });
    const cell = (seconds: number) => statusTable([ScreenState.parse(state(seconds))], Date.parse(base.at)).split('\n')[1]!;
    expect(cell(3 * 3600)).toContain('STUCK: oldest missing for 3 h');
    expect(cell(3 * 86_400)).toContain('STUCK: oldest missing for 3 days');
  });
});
