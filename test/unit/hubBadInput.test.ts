import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { io } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { answerErrors } from '../../src/hub/routes/errors.js';
import { StorageFaultLog } from '../../src/hub/storageFault.js';
import { nulCharacterPath } from '../../src/hub/storableText.js';
import type { ScreenToken, SiteToken } from '../../src/shared/adminApi.js';
import type { Impression } from '../../src/shared/impression.js';
import type { QueueEvent } from '../../src/shared/queue.js';
import { adminApi, connectScreen } from '../support/hubClient.js';
import { usePostgres } from '../support/postgresServer.js';

/**
 * Input a hub's schemas let through and its database then failed on, found by a read-only audit
 * (a helper fuzzing the built hub on both engines, 2026-12-04): each is now refused at the door
 * with its path, alike on SQLite and PostgreSQL, and the hub serves on.
 */

const postgres = usePostgres();
const ADMIN = 'unit-admin-token-bad-input-0123456789';

const ENGINES = [
  { engine: 'SQLite', db: async () => join(mkdtempSync(join(tmpdir(), 'antichambre-bad-input-')), 'hub.db') },
  { engine: 'PostgreSQL', db: () => postgres.freshDatabase() },
] as const;

function impression(screenId: string, extra: Partial<Impression> = {}): Impression {
  const start = Date.UTC(2026, 11, 1, 8);
  return { id: uuidv7(), screenId, playlistId: 'p', itemId: 'i', revision: 'r', start: new Date(start).toISOString(), end: new Date(start + 8_000).toISOString(), durationMs: 8_000, complete: true, ...extra };
}

const estimate = (extra: Record<string, unknown> = {}) => ({ service: 'titres', asOf: new Date().toISOString(), minutes: 5, low: 2, high: 9, queueLength: 3, openCounters: 1, ...extra });

describe.each(ENGINES)('bad input on $engine', ({ db }) => {
  let hub: RunningHub;
  const lines: string[] = [];
  const api = adminApi(() => hub.url, ADMIN);
  const sockets: Socket[] = [];
  let created: ScreenToken;
  let site: SiteToken;

  beforeAll(async () => {
    hub = await startHub({ db: await db(), mediaDir: mkdtempSync(join(tmpdir(), 'antichambre-bad-input-media-')), port: 0, host: '127.0.0.1', adminToken: ADMIN, log: (line) => lines.push(line) });
    created = (await api<ScreenToken>('POST', '/api/screens', { id: 'accueil', name: 'Accueil', site: 'prefecture', timezone: 'Europe/Paris' })).body;
    site = (await api<SiteToken>('POST', '/api/sites/prefecture/token', {})).body;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await hub?.close();
  });

  const screen = async (answers: Parameters<typeof connectScreen>[2] = {}): Promise<Socket> => {
    const socket = await connectScreen(hub.url, created, answers);
    sockets.push(socket);
    return socket;
  };
  const post = (events: unknown) => fetch(new URL('/api/sites/prefecture/queue', hub.url), { method: 'POST', headers: { authorization: `Bearer ${site.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });

  it('the queue intake takes JSON only: a body of another type, text included, is 415 and stores nothing', async () => {
    const event = { type: 'issued', ticket: 'T1', service: 'titres', at: new Date().toISOString() };
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'application/xml']) {
      const answer = await fetch(new URL('/api/sites/prefecture/queue', hub.url), { method: 'POST', headers: { authorization: `Bearer ${site.token}`, 'content-type': type }, body: JSON.stringify({ events: [event] }) });
      expect([type, answer.status]).toEqual([type, 415]);
    }
    expect(await (await post([event])).json()).toMatchObject({ stored: 1, duplicates: 0 });
  });

  it('a NUL character in an impression is refused by its path (so the player sets that one aside), the rest of a batch then goes in; none stored twice', async () => {
    const socket = await screen();
    const good = impression(created.screen.id);
    const bad = impression(created.screen.id, { revision: 'r\u0000evision' });
    expect(await socket.timeout(5_000).emitWithAck('impressions', { impressions: [good, bad] })).toEqual({ ok: false, error: 'impressions[1].revision: a NUL character (U+0000) cannot be stored' });
    expect(await socket.timeout(5_000).emitWithAck('impressions', { impressions: [good] })).toEqual({ ok: true, stored: 1, duplicates: 0 });
    const stored = await api<{ impressions: Impression[] }>('GET', `/api/impressions?screen=${created.screen.id}`);
    expect(stored.body.impressions.map((i) => i.id)).toEqual([good.id]);
    expect(lines.filter((line) => line.includes('internal error') || line.includes('failed:'))).toEqual([]);
  });

  it('wait estimates: a NUL character or a queue length no integer column holds is refused by its path', async () => {
    const socket = await screen();
    expect(await socket.timeout(5_000).emitWithAck('wait', { estimates: [estimate(), estimate({ queueLength: 3_000_000_000 })] })).toEqual({ ok: false, error: 'estimates[1].queueLength: expected a queue length of at most 1000000' });
    expect(await socket.timeout(5_000).emitWithAck('wait', { estimates: [estimate({ openCounters: 2 ** 40 })] })).toEqual({ ok: false, error: 'estimates[0].openCounters: expected at most 10000 open counters' });
    expect(await socket.timeout(5_000).emitWithAck('wait', { estimates: [estimate({ service: 'ti\u0000tres' })] })).toMatchObject({ ok: false, error: expect.stringMatching(/^estimates\[0\]\.service: /) });
    expect(await socket.timeout(5_000).emitWithAck('wait', { estimates: [estimate({ queueLength: 1_000_000, openCounters: 10_000 })] })).toEqual({ ok: true });
  });

  it('a status with a NUL character is not stored, and the log says which field', async () => {
    const socket = await screen();
    socket.emit('status', { at: new Date().toISOString(), revision: null, playing: null, cache: { bytes: 0, files: 0, missing: 0 }, outbox: 0, uptimeS: 1, version: 'v\u0000 1' });
    await expect.poll(() => lines.find((line) => line.startsWith(`status from ${created.screen.id} ignored`))).toBe(`status from ${created.screen.id} ignored: version: a NUL character (U+0000) cannot be stored`);
    expect((await api<{ screens: { id: string; status: unknown }[] }>('GET', '/api/screens')).body.screens.find((s) => s.id === created.screen.id)?.status).toBeNull();
  });

  it('HTTP: a NUL character in a screen name, an alert, a user, a sign-in is a 400 naming the field; nothing stored', async () => {
    expect(await api('POST', '/api/screens', { id: 'hall', name: 'Hall\u0000', site: 'prefecture', timezone: 'Europe/Paris' })).toEqual({ status: 400, body: { error: 'name: a NUL character (U+0000) cannot be stored' } });
    expect((await api('GET', '/api/screens/hall')).status).toBe(404);
    expect(await api('POST', '/api/alerts', { level: 'info', text: 'Fermé\u0000', until: new Date(Date.now() + 3_600_000).toISOString(), target: { site: 'prefecture' } })).toMatchObject({ status: 400, body: { error: 'text: a NUL character (U+0000) cannot be stored' } });
    expect((await api<{ alerts: unknown[] }>('GET', '/api/alerts')).body.alerts).toEqual([]);
    expect(await api('POST', '/api/users', { email: 'agent@mairie.fr', name: 'Agent\u0000', grants: [] })).toEqual({ status: 400, body: { error: 'name: a NUL character (U+0000) cannot be stored' } });
    expect((await api<{ users: { email: string }[] }>('GET', '/api/users')).body.users.map((user) => user.email)).not.toContain('agent@mairie.fr');
    // Signing in needs no token: a 400, not a 500 (PostgreSQL failed on the lookup).
    const signIn = await adminApi(() => hub.url, null)('POST', '/api/session', { email: 'admin@localhost\u0000', password: 'x' });
    expect(signIn).toEqual({ status: 400, body: { error: 'email: a NUL character (U+0000) cannot be stored' } });
  });

  it('a handshake whose screen id is no id is refused as unauthorized (on PostgreSQL it was "hub: internal error")', async () => {
    const refused = await new Promise<string>((resolve) => {
      const socket = io(`${hub.url}/screens`, { auth: { screenId: 'accueil\u0000', token: created.token, protocol: 1, version: 'unit' }, transports: ['websocket'], reconnection: false });
      socket.once('connect_error', (error) => resolve(error.message));
      socket.once('connect', () => resolve('connected'));
      sockets.push(socket);
    });
    expect(refused).toBe('unauthorized');
  });

  it("ticket events dated more than 15 minutes ahead of the hub's clock are refused, by path, nothing stored; a clock a few minutes fast is taken", async () => {
    const soon = new Date(Date.now() + 5 * 60_000).toISOString();
    const far = '9999-12-31T23:59:59.999Z';
    const refused = await post([{ type: 'issued', ticket: 'A1', service: 'titres', at: soon }, { type: 'issued', ticket: 'Z8', service: 'titres', at: far }]);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^events\[1\]\.at: 9999-12-31T23:59:59\.999Z is more than 15 minutes ahead of the hub's clock \(\d{4}-.*\); check the ticket system's clock \(nothing was stored\)$/);
    const taken = await post([{ type: 'issued', ticket: 'A1', service: 'titres', at: soon }]);
    expect(await taken.json()).toMatchObject({ stored: 1, duplicates: 0 });
  });

  it("a screen that says hello again on one connection gets the site's history once", async () => {
    const events: QueueEvent[] = Array.from({ length: 40 }, (_, k) => ({ type: 'issued', ticket: `B${k}`, service: 'etat-civil', at: new Date(Date.now() - 3_600_000 + k * 1_000).toISOString() }));
    expect((await post(events)).status).toBe(200);
    const received: QueueEvent[][] = [];
    const socket = await screen({ queue: (payload) => (received.push((payload as { events: QueueEvent[] }).events), { ok: true }) });
    const hello = { revision: null, version: 'unit', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } };
    for (let k = 0; k < 5; k++) expect(await socket.timeout(5_000).emitWithAck('hello', hello)).toMatchObject({ ok: true });
    await expect.poll(() => received.flat().filter((event) => event.type === 'issued' && event.ticket.startsWith('B')).length).toBe(40);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.flat().filter((event) => event.type === 'issued' && event.ticket.startsWith('B'))).toHaveLength(40);
    // A new connection gets it again.
    const again: QueueEvent[][] = [];
    const second = await screen({ queue: (payload) => (again.push((payload as { events: QueueEvent[] }).events), { ok: true }) });
    await second.timeout(5_000).emitWithAck('hello', hello);
    await expect.poll(() => again.flat().filter((event) => event.type === 'issued' && event.ticket.startsWith('B')).length).toBe(40);
  });

  it('an event no screen sends, with an acknowledgement, is answered as refused at once', async () => {
    const socket = await screen();
    expect(await socket.timeout(2_000).emitWithAck('playlists', {})).toEqual({ ok: false, error: 'event: "playlists" is not an event a screen sends (hello, impressions, wait, status)' });
    expect(await socket.timeout(2_000).emitWithAck('toString')).toEqual({ ok: false, error: 'event: "toString" is not an event a screen sends (hello, impressions, wait, status)' });
    expect(await socket.timeout(5_000).emitWithAck('wait', { estimates: [estimate()] })).toEqual({ ok: true });
  });

  it("a report's day that is no day of the calendar is named as such", async () => {
    expect(await api('GET', '/api/sites/prefecture/reach?since=2026-02-30')).toEqual({ status: 400, body: { error: 'query: since: not a real day (month 01-12, a day of that month): 2026-02-30' } });
    expect((await api('GET', '/api/sites/prefecture/reach?since=2024-02-29&until=2024-03-01')).status).toBe(200);
  });

  it("what fastify answers itself (a path that does not decode, a part of it too long, a body that is not JSON) is in the hub's shape, naming what is wrong; a __proto__ key is dropped, as an unknown field", async () => {
    expect(await api('GET', '/api/screens/%ZZ')).toEqual({ status: 400, body: { error: 'url: the path is not valid percent-encoding' } });
    expect(await api('GET', `/api/screens/${'a'.repeat(101)}`)).toEqual({ status: 414, body: { error: 'url: a part of the path is longer than 100 characters (an id has at most 64)' } });
    expect(await api('POST', '/api/screens', '{"id":"x","name":')).toEqual({ status: 400, body: { error: 'body: not valid JSON' } });
    const proto = await api<{ screen: { id: string }; token: string }>('POST', '/api/screens', '{"id":"proto-x","name":"x","site":"s","timezone":"Europe/Paris","__proto__":{"admin":true}}');
    expect([proto.status, proto.body.screen?.id, typeof proto.body.token]).toEqual([201, 'proto-x', 'string']);
  });
});

describe("the hub's answer to an error it did not expect", () => {
  it('is a 500 that says to look at the log, and the log has it, with the route and not the query string (it may hold a secret)', async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: false });
    answerErrors(app, new StorageFaultLog((line) => lines.push(line)), (line) => lines.push(line));
    app.get('/api/pairing/:code', async () => {
      throw new Error('kaput');
    });
    const answer = await app.inject({ method: 'GET', url: '/api/pairing/ABC123?secret=s3cr3t-value' });
    expect(answer.statusCode).toBe(500);
    expect(answer.json()).toEqual({ error: 'hub: internal error (see the hub log)' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hub: GET \/api\/pairing\/:code failed: Error: kaput\n/);
    expect(lines.join('\n')).not.toContain('s3cr3t');
    await app.close();
  });

  it("a value PostgreSQL cannot store (its data exception) is the caller's 400 with the database's reason, and logged", async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: false });
    answerErrors(app, new StorageFaultLog((line) => lines.push(line)), (line) => lines.push(line));
    const pool = new pg.Pool({ connectionString: await postgres.freshDatabase(), max: 1 });
    // Its connection may hear the server's own shutdown at the end of the file while it is closing: not this test's concern.
    pool.on('error', () => {});
    app.get('/count/:n', async (request) => pool.query('SELECT $1::int AS n', [(request.params as { n: string }).n]));
    try {
      const answer = await app.inject({ method: 'GET', url: '/count/3000000000' });
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toEqual({ error: 'request: a value the database cannot store: value "3000000000" is out of range for type integer (SQLSTATE 22003)' });
      expect(lines).toEqual(['hub: GET /count/:n: the database refused a value: value "3000000000" is out of range for type integer (SQLSTATE 22003)']);
    } finally {
      await pool.end();
      await app.close();
    }
  });
});

describe('nulCharacterPath', () => {
  it('names the first string or key holding U+0000, in document order, or null', () => {
    expect(nulCharacterPath({ a: 'x', b: ['y', { c: 'z\u0000' }], d: '\u0000' })).toEqual(['b', 1, 'c']);
    expect(nulCharacterPath({ ['k\u0000']: 1 })).toEqual(['k\u0000']);
    expect(nulCharacterPath('\u0000')).toEqual([]);
    expect(nulCharacterPath({ a: ['x', 1, null, true, { b: 'y' }] })).toBeNull();
  });
});
