import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenToken, SiteToken } from '../../src/shared/adminApi.js';
import { MAX_QUEUE_EVENTS } from '../../src/shared/protocol.js';
import type { QueueEvent } from '../../src/shared/queue.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { adminApi, bearer } from '../support/hubClient.js';

/**
 * §3 as another peer would read it, against a real hub on loopback: a socket.io client on its
 * defaults, acks of events sent without a payload, pairing's 404s, impressions with any UUID,
 * a backlog of estimates, a busy site's recent events, and an alert cleared while a screen was away.
 */

const ADMIN = 'conformance-admin-token';
let hub: RunningHub;

// The admin API as an admin calls it, and as a player calls the public endpoints (no token).
const api = adminApi(() => hub.url, ADMIN);
const anonymous = adminApi(() => hub.url, null);

const sockets: Socket[] = [];

/** A screen's connection; `options` as a client would set them (none: socket.io-client's defaults, long polling first). */
function connect(screenId: string, token: string, options: Record<string, unknown> = {}): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${hub.url}/screens`, { auth: { screenId, token, protocol: 1, version: 'conformance' }, reconnection: false, ...options });
    sockets.push(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function addScreen(id: string, site = 'mairie'): Promise<string> {
  return (await api<ScreenToken>('POST', '/api/screens', { id, name: id, site, timezone: 'Europe/Paris' })).body.token;
}

const hello = { revision: null, version: 'conformance', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } };

beforeAll(async () => {
  hub = await startHub({ db: join(mkdtempSync(join(tmpdir(), 'antichambre-conformance-')), 'hub.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {}, anonymousPerMinute: 1_000 });
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await hub?.close();
});

describe('§3 as another peer reads it', () => {
  it('a socket.io client on its defaults (long polling, then the upgrade) connects and is answered', async () => {
    const token = await addScreen('defauts');
    const socket = await connect('defauts', token);
    expect(await socket.timeout(10_000).emitWithAck('hello', hello)).toMatchObject({ ok: true });
    // Long polling alone (a proxy that blocks WebSockets) too.
    const polling = await connect('defauts', token, { transports: ['polling'] });
    expect(polling.io.engine.transport.name).toBe('polling');
    expect(await polling.timeout(10_000).emitWithAck('hello', hello)).toMatchObject({ ok: true });
    // A wrong token on the same defaults: refused as §3 says.
    await expect(connect('defauts', 'wrong')).rejects.toThrow('unauthorized');
  });

  it('an event sent without a payload, or with one argument too many, is answered { ok: false } or as usual', async () => {
    const token = await addScreen('sans-charge');
    const socket = await connect('sans-charge', token, { transports: ['websocket'] });
    for (const event of ['hello', 'impressions', 'wait']) {
      const answer = (await socket.timeout(5_000).emitWithAck(event)) as { ok: boolean; error?: string };
      expect(answer.ok, event).toBe(false);
      expect(answer.error, event).toMatch(/expected/);
    }
    expect(await socket.timeout(5_000).emitWithAck('hello', hello, 'de trop')).toMatchObject({ ok: true });
  });

  it('starts a pairing whatever the body and its type, and answers a web player\'s preflight from any origin', async () => {
    const bodies: [string, string][] = [['application/json', ''], ['application/x-www-form-urlencoded', 'ecran=accueil'], ['text/plain', 'bonjour'], ['multipart/form-data; boundary=x', '--x--\r\n']];
    for (const [type, body] of bodies) {
      const started = await fetch(new URL('/api/pairing', hub.url), { method: 'POST', headers: { 'content-type': type }, body });
      expect([type, started.status, started.headers.get('access-control-allow-origin')]).toEqual([type, 200, '*']);
      expect(await started.json()).toMatchObject({ code: expect.any(String), secret: expect.any(String) });
    }
    for (const path of ['/api/pairing', '/api/pairing/ABCDEF']) {
      const preflight = await fetch(new URL(path, hub.url), { method: 'OPTIONS', headers: { origin: 'https://lecteur.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      expect([path, preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([path, 204, '*']);
      expect(preflight.headers.get('access-control-allow-methods')).toContain(path.endsWith('pairing') ? 'POST' : 'GET');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
    }
  });

  it('polling an unknown pairing code gets the 404 of a wrong secret, whatever its characters', async () => {
    const started = (await anonymous<{ code: string; secret: string }>('POST', '/api/pairing')).body;
    const wrongSecret = await anonymous<{ error: string }>('GET', `/api/pairing/${started.code}?secret=not-it`);
    expect(wrongSecret.status).toBe(404);
    expect(wrongSecret.body.error).toMatch(/^pairing: code is unknown or expired/);
    // The same 404, body and all: nothing tells a code that exists from one that does not.
    for (const code of ['000000', '123456', 'ABC', 'ZZZZZZ', '%00', 'x'.repeat(90)]) {
      const answer = await anonymous<{ error: string }>('GET', `/api/pairing/${code}?secret=x`);
      expect(answer.status, code).toBe(404);
      expect(answer.body, code).toEqual(wrongSecret.body);
    }
  });

  it('stores impressions whose id is any UUID, and takes a backlog of 1,000 estimates in one message', async () => {
    const token = await addScreen('uuid');
    const socket = await connect('uuid', token, { transports: ['websocket'] });
    const impression = { id: '00000000-0000-0000-0000-000000000001', screenId: 'uuid', playlistId: 'p', itemId: 'i', revision: 'r1', start: '2026-12-01T08:00:00.000Z', end: '2026-12-01T08:00:10.000Z', durationMs: 10_000, complete: true };
    expect(await socket.timeout(5_000).emitWithAck('impressions', { impressions: [impression] })).toEqual({ ok: true, stored: 1, duplicates: 0 });
    // A UUID's text is case-insensitive: the same id in capitals is a repeat, in a later batch or in the same one.
    const mixed = { ...impression, id: 'ABCDEF01-2345-4789-ABCD-EF0123456789' };
    expect(await socket.timeout(5_000).emitWithAck('impressions', { impressions: [{ ...impression, id: impression.id.toUpperCase() }, mixed, { ...mixed, id: mixed.id.toLowerCase() }] })).toEqual({ ok: true, stored: 1, duplicates: 2 });
    const estimates = Array.from({ length: 1_000 }, (_, k) => ({ service: `s${k % 4}`, asOf: new Date(Date.UTC(2026, 11, 1, 8) + k * 60_000).toISOString(), minutes: 5, low: 2, high: 9, queueLength: 3, openCounters: 1 }));
    expect(await socket.timeout(5_000).emitWithAck('wait', { estimates })).toEqual({ ok: true });
  });

  it("after hello, a busy site's recent events come in messages the player takes (each at most MAX_QUEUE_EVENTS), all of them, in order, the newest even when the first is not answered in time", async () => {
    const token = await addScreen('prefecture-1', 'prefecture');
    const siteToken = (await api<SiteToken>('POST', '/api/sites/prefecture/token', {})).body.token;
    const start = Date.now() - 6 * 3_600_000;
    const events: QueueEvent[] = Array.from({ length: MAX_QUEUE_EVENTS + 1_000 }, (_, k) => ({ type: 'issued', ticket: `T${k}`, service: 'titres', at: new Date(start + k * 1_000).toISOString() }));
    for (let from = 0; from < events.length; from += 3_000) {
      expect((await api('POST', '/api/sites/prefecture/queue', { events: events.slice(from, from + 3_000) }, bearer(siteToken))).status).toBe(200);
    }
    const socket = await connect('prefecture-1', token, { transports: ['websocket'] });
    const received: number[] = [];
    const tickets: string[] = [];
    socket.on('queue', (message: { events: QueueEvent[] }, ack: (answer: unknown) => void) => {
      received.push(message.events.length);
      for (const event of message.events) if (event.type === 'issued') tickets.push(event.ticket);
      // The first is answered too late (a screen estimating a long backlog): the next still comes.
      if (received.length > 1) ack({ ok: true });
    });
    expect(await socket.timeout(5_000).emitWithAck('hello', hello)).toMatchObject({ ok: true });
    await expect.poll(() => tickets.length, { timeout: 20_000 }).toBe(events.length);
    expect(Math.max(...received)).toBeLessThanOrEqual(MAX_QUEUE_EVENTS);
    expect(received.length).toBe(2);
    expect(tickets).toEqual(events.map((e) => (e.type === 'issued' ? e.ticket : '')));
  });

  it('takes a site token whatever the case of its scheme (`bearer`, `BEARER`: RFC 9110), and refuses a wrong one', async () => {
    const siteToken = (await api<SiteToken>('POST', '/api/sites/casse/token', {})).body.token;
    const event = (ticket: string): QueueEvent => ({ type: 'issued', ticket, service: 'accueil', at: new Date().toISOString() });
    for (const [k, scheme] of ['bearer', 'BEARER', 'Bearer'].entries()) {
      const posted = await api<{ stored: number }>('POST', '/api/sites/casse/queue', { events: [event(`C${k}`)] }, { authorization: `${scheme} ${siteToken}` });
      expect([scheme, posted.status, posted.body.stored]).toEqual([scheme, 200, 1]);
    }
    expect((await api('POST', '/api/sites/casse/queue', { events: [event('C9')] }, { authorization: `bearer ${siteToken}x` })).status).toBe(401);
  });

  it('ignores unknown fields, never fatal, even those named `__proto__` or `constructor` (dropped, never merged into an object)', async () => {
    const siteToken = (await api<SiteToken>('POST', '/api/sites/proto/token', {})).body.token;
    const at = new Date().toISOString();
    // Written as text: a JavaScript object literal would take `__proto__` as its prototype, not as a key.
    const body = `{"events":[{"type":"issued","ticket":"P1","service":"accueil","at":"${at}","__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}],"__proto__":{"polluted":true}}`;
    const posted = await fetch(`${hub.url}/api/sites/proto/queue`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(siteToken) }, body });
    expect([posted.status, await posted.json()]).toEqual([200, expect.objectContaining({ stored: 1 })]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Not valid JSON is still refused, saying so.
    const broken = await fetch(`${hub.url}/api/sites/proto/queue`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(siteToken) }, body: '{"events":[' });
    expect([broken.status, await broken.json()]).toEqual([400, { error: 'body: not valid JSON' }]);
  });

  it('an alert cleared while a screen was away is cleared on it at its next hello, once', async () => {
    const token = await addScreen('absent', 'gare');
    const first = await connect('absent', token, { transports: ['websocket'] });
    const shown: string[] = [];
    first.on('alert', (alert: { id: string }, ack: (answer: unknown) => void) => {
      shown.push(alert.id);
      ack({ ok: true });
    });
    expect(await first.timeout(5_000).emitWithAck('hello', hello)).toMatchObject({ ok: true });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect((await api('POST', '/api/alerts', { id: 'greve', level: 'urgent', text: 'Grève', until, target: { site: 'gare' } })).status).toBe(201);
    await expect.poll(() => shown).toEqual(['greve']);
    first.disconnect();
    expect((await api('DELETE', '/api/alerts/greve')).status).toBe(200);

    const connectAndHello = async (): Promise<string[]> => {
      const socket = await connect('absent', token, { transports: ['websocket'] });
      const cleared: string[] = [];
      socket.on('alert:clear', (clear: { id: string }, ack: (answer: unknown) => void) => {
        cleared.push(clear.id);
        ack({ ok: true });
      });
      expect(await socket.timeout(5_000).emitWithAck('hello', hello)).toMatchObject({ ok: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
      socket.disconnect();
      return cleared;
    };
    expect(await connectAndHello()).toEqual(['greve']);
    // Acked: not sent again.
    expect(await connectAndHello()).toEqual([]);
  });
});
