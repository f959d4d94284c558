import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenToken, SiteToken } from '../../src/shared/adminApi.js';
import { openSqliteDb as openHubDb } from '../../src/hub/stores/sqlite/sqliteDb.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { Playlist } from '../../src/shared/playlist.js';
import { formatIssues } from '../../src/shared/validationError.js';
import { mutated, PROPERTY_SEED } from '../support/fuzzPayloads.js';

/**
 * Fuzz (fast-check): random and malformed payloads for every player -> hub event and for the
 * HTTP API, against a real hub on loopback. Each gets a clear error (a path and a reason), the
 * hub never crashes nor drops the connection, and nothing invalid is stored.
 */

const ADMIN = 'fuzz-admin-token';
const seed = PROPERTY_SEED;
const runs = Number(process.env.PROPERTY_RUNS ?? 60);
let hub: RunningHub;
let dbPath: string;
let created: ScreenToken;
let socket: Socket;

async function http(method: string, path: string, body: string | undefined, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(new URL(path, hub.url), { method, headers: { authorization: `Bearer ${ADMIN}`, ...headers }, ...(body === undefined ? {} : { body }) });
  return { status: response.status, text: await response.text() };
}

function count(table: string): number {
  const db = openHubDb(dbPath);
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const impression = () => {
  const start = Date.UTC(2026, 11, 1, 8);
  return { id: uuidv7(), screenId: created.screen.id, playlistId: 'p', itemId: 'i', revision: 'r', start: new Date(start).toISOString(), end: new Date(start + 8_000).toISOString(), durationMs: 8_000, complete: true };
};
const validOf: Record<string, () => Record<string, unknown>> = {
  hello: () => ({ revision: null, version: 'fuzz', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } }),
  impressions: () => ({ impressions: [impression()] }),
  wait: () => ({ estimates: [{ service: 'ec', asOf: new Date().toISOString(), minutes: 5, low: 2, high: 9, queueLength: 3, openCounters: 1 }] }),
};

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), 'antichambre-fuzz-')), 'hub.db');
  hub = await startHub({ db: dbPath, port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
  created = JSON.parse((await http('POST', '/api/screens', JSON.stringify({ id: 'fuzz-1', name: 'Fuzz', site: 'fuzz-site', timezone: 'Europe/Paris' }), { 'content-type': 'application/json' })).text) as ScreenToken;
  socket = await new Promise<Socket>((resolve, reject) => {
    const s = io(`${hub.url}/screens`, { auth: { screenId: created.screen.id, token: created.token, protocol: 1, version: 'fuzz' }, transports: ['websocket'], reconnection: false });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
});
afterAll(async () => {
  socket?.disconnect();
  await hub?.close();
});

describe('fuzz: player -> hub events', () => {
  for (const event of ['hello', 'impressions', 'wait'] as const) {
    it(`${event}: random and mutated payloads get { ok: false, error: "<path>: <reason>" } or are valid; nothing invalid stored; the connection stays`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.anything(), mutated(validOf[event]!)), async (payload) => {
          const before = { impressions: count('impressions'), waits: count('wait_estimates') };
          const answer = (await socket.timeout(5_000).emitWithAck(event, payload)) as { ok: boolean; error?: string };
          expect(typeof answer.ok).toBe('boolean');
          if (!answer.ok) {
            expect(answer.error).toMatch(/^[^\n]*: .+/);
            expect({ impressions: count('impressions'), waits: count('wait_estimates') }).toEqual(before);
          }
          expect(socket.connected).toBe(true);
        }),
        { seed, numRuns: runs },
      );
    });
  }

  it('status (no ack), unknown events and events without an ack function: ignored, the connection stays and still answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.string({ maxLength: 20 }), async (payload, name) => {
        socket.emit('status', payload);
        socket.emit('impressions', payload);
        if (!['connect', 'disconnect', 'connect_error', 'disconnecting', 'newListener', 'removeListener'].includes(name)) socket.emit(name, payload);
        const answer = (await socket.timeout(5_000).emitWithAck('hello', validOf.hello!())) as { ok: boolean };
        expect(answer.ok).toBe(true);
      }),
      { seed, numRuns: runs },
    );
  });

  it('an oversized message is refused by the transport, and the hub goes on serving others', async () => {
    const big = { impressions: Array.from({ length: 40_000 }, impression) };
    const answer = await socket.timeout(5_000).emitWithAck('impressions', big).catch((error: Error) => ({ ok: false, error: error.message }));
    expect((answer as { ok: boolean }).ok).toBe(false);
    const other = io(`${hub.url}/screens`, { auth: { screenId: created.screen.id, token: created.token, protocol: 1, version: 'fuzz' }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      other.once('connect', () => resolve());
      other.once('connect_error', reject);
    });
    expect(((await other.timeout(5_000).emitWithAck('hello', validOf.hello!())) as { ok: boolean }).ok).toBe(true);
    other.disconnect();
  });
});

describe('fuzz: HTTP API', () => {
  const endpoints: [string, string][] = [
    ['POST', '/api/screens'],
    ['POST', '/api/playlists'],
    ['POST', '/api/media/missing'],
    ['POST', '/api/alerts'],
    ['POST', '/api/commands'],
    ['POST', '/api/sites/fuzz-site/token'],
  ];
  const body = fc.oneof(
    fc.anything().map((value) => JSON.stringify(value) ?? 'null'),
    fc.string(),
    fc.jsonValue().map((value) => JSON.stringify(value)),
  );

  it('random bodies: a 4xx with a JSON error naming what is wrong, never a 5xx; nothing stored', async () => {
    const stored = () => ({ screens: count('screens'), playlists: count('playlist_versions'), alerts: count('alerts') });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), body, fc.constantFrom('application/json', 'text/plain', 'application/octet-stream'), async ([method, path], text, type) => {
        const before = stored();
        const answer = await http(method, path, text, { 'content-type': type });
        expect(answer.status, `${method} ${path} ${text.slice(0, 80)} -> ${answer.text.slice(0, 200)}`).toBeLessThan(500);
        if (answer.status >= 400) {
          expect((JSON.parse(answer.text) as { error: unknown }).error).toEqual(expect.any(String));
          expect(stored()).toEqual(before);
        }
      }),
      { seed, numRuns: runs * 2 },
    );
  });

  it('random queue events from a ticket system: refused with the path at fault; nothing stored', async () => {
    const site = JSON.parse((await http('POST', '/api/sites/fuzz-site/token', '{}', { 'content-type': 'application/json' })).text) as SiteToken;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.record({ events: fc.array(fc.anything(), { maxLength: 3 }) })), async (payload) => {
        const before = count('queue_events');
        const response = await fetch(new URL('/api/sites/fuzz-site/queue', hub.url), { method: 'POST', headers: { authorization: `Bearer ${site.token}`, 'content-type': 'application/json' }, body: JSON.stringify(payload) ?? 'null' });
        const text = await response.text();
        expect(response.status, text).toBeLessThan(500);
        if (response.status >= 400) {
          expect((JSON.parse(text) as { error: string }).error).toMatch(/.: ./);
          expect(count('queue_events')).toBe(before);
        }
      }),
      { seed, numRuns: runs },
    );
  });
});

describe('fuzz: playlist JSON', () => {
  it('random JSON is either a playlist or refused with errors that each name a path', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ id: fc.string(), name: fc.string(), items: fc.array(fc.jsonValue(), { maxLength: 4 }) })), (value) => {
        const result = Playlist.safeParse(value);
        if (!result.success) {
          expect(result.error.issues.length).toBeGreaterThan(0);
          expect(formatIssues(result.error).length).toBeGreaterThan(0);
        }
      }),
      { seed, numRuns: runs * 10 },
    );
  });
});
