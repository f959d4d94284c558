import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenToken } from '../../src/shared/adminApi.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { backlogOf } from '../support/impressionsFixture.js';

/**
 * Security (issue 17): a full disk does not stop the hub. The database is capped for real
 * (SQLite `max_page_count`, the hub's `maxDbBytes`), filled up to the cap by a second
 * connection, then freed: the hub answers `storage: …` / 503 meanwhile, keeps serving reads
 * and screens, writes again once space returns, and every impression it acked is stored.
 */

const ADMIN = 'storage-full-admin-token-0123456789abcdef';
const CAP_BYTES = 4_000_000;
let hub: RunningHub;
let dbPath: string;
const logLines: string[] = [];
let socket: Socket;

async function http(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(new URL(path, hub.url), {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), 'antichambre-storage-full-')), 'hub.db');
  hub = await startHub({ db: dbPath, port: 0, host: '127.0.0.1', adminToken: ADMIN, log: (line) => logLines.push(line), maxDbBytes: CAP_BYTES });
  const created = (await http('POST', '/api/screens', { id: 'ecran-plein', name: 'Plein', site: 'mairie', timezone: 'Europe/Paris' })).body as unknown as ScreenToken;
  socket = await new Promise<Socket>((resolve, reject) => {
    const s = io(`${hub.url}/screens`, { auth: { screenId: 'ecran-plein', token: created.token, protocol: 1, version: 'storage-full' }, transports: ['websocket'], reconnection: false });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
});
afterAll(async () => {
  socket?.close();
  await hub?.close();
});

/** Fills the database file up to the cap from a second connection; answers it, to free the space later. */
function fillToCap(): Database.Database {
  const filler = new Database(dbPath);
  filler.pragma('busy_timeout = 5000');
  filler.pragma(`max_page_count = ${Math.floor(CAP_BYTES / (filler.pragma('page_size', { simple: true }) as number))}`);
  filler.exec('CREATE TABLE filler (blob BLOB NOT NULL)');
  const insert = filler.prepare('INSERT INTO filler (blob) VALUES (?)');
  const chunk = Buffer.alloc(16_384, 7);
  let full = false;
  for (let k = 0; k < 10_000 && !full; k++) {
    try {
      insert.run(chunk);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('SQLITE_FULL');
      full = true;
    }
  }
  expect(full).toBe(true);
  return filler;
}

describe('security: a full disk', () => {
  it('answers storage errors on every write, keeps serving, logs once per kind, then stores again; no acked impression lost', async () => {
    const acked = new Set<string>();
    const send = async (batch: ReturnType<typeof backlogOf>): Promise<{ ok: boolean; error?: string }> => {
      const answer = (await socket.timeout(10_000).emitWithAck('impressions', { impressions: batch })) as { ok: boolean; error?: string };
      if (answer.ok) for (const impression of batch) acked.add(impression.id);
      return answer;
    };

    expect((await send(backlogOf('ecran-plein', 50))).ok).toBe(true);
    const filler = fillToCap();

    // Writes are refused with a storage error, never a crash; a big batch each time.
    const refused = backlogOf('ecran-plein', 500, 'plein', Date.UTC(2026, 10, 2, 8));
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await send(refused);
      expect(answer.ok).toBe(false);
      expect(answer.error).toMatch(/^storage: .*SQLITE_FULL/);
    }
    const wait = (await socket.timeout(10_000).emitWithAck('wait', {
      estimates: Array.from({ length: 200 }, (_, k) => ({ service: `s${k}`, asOf: new Date().toISOString(), minutes: 5, low: 2, high: 9, queueLength: 2, openCounters: 1 })),
    })) as { ok: boolean; error?: string };
    expect(wait).toEqual({ ok: false, error: expect.stringMatching(/^storage: /) });

    // The admin API answers 503 for writes, and reads still work.
    const items = Array.from({ length: 400 }, (_, k) => ({ id: `annonce-${k}`, type: 'text', duration: 8, title: `Annonce numéro ${k} de la mairie` }));
    const pushed = await http('POST', '/api/playlists', { playlists: [{ id: 'annonces', items }], target: { site: 'mairie' } });
    expect(pushed.status).toBe(503);
    expect(pushed.headers.get('retry-after')).toBe('30');
    expect(pushed.body['error']).toMatch(/^storage: .*SQLITE_FULL/);
    expect((await http('GET', '/api/screens')).status).toBe(200);
    // The connection is still served: hello is answered.
    expect(((await socket.timeout(10_000).emitWithAck('hello', { revision: null, version: 'storage-full', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } })) as { ok: boolean }).ok).toBe(true);
    expect(logLines.filter((line) => line.includes('SQLITE_FULL'))).toHaveLength(1);

    // Space returns: the same batch (the player kept it) is stored.
    filler.exec('DROP TABLE filler');
    filler.close();
    const again = await send(refused);
    expect(again).toMatchObject({ ok: true, stored: 500 });
    expect(logLines.some((line) => /storage: writing again after \d+ × SQLITE_FULL/.test(line))).toBe(true);

    // Every acked id is in the database, read by another connection.
    const check = new Database(dbPath, { readonly: true });
    const stored = new Set(check.prepare<[], { id: string }>('SELECT id FROM impressions').pluck().all() as unknown as string[]);
    check.close();
    for (const id of acked) expect(stored.has(id)).toBe(true);
    expect(acked.size).toBe(550);
  });
});
