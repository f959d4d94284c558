import { request as httpRequest } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenToken, SiteToken } from '../../src/shared/adminApi.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { MAX_WAIT_ESTIMATES } from '../../src/shared/protocol.js';
import { FAILED_HANDSHAKES_PER_MINUTE, HandshakeLimiter } from '../../src/hub/requestLimits.js';
import { backlogOf } from '../support/impressionsFixture.js';

/**
 * Security (issue 17): bounded requests, against a real hub on loopback. Tokens are checked
 * before a body is read, bodies and every list have a size, socket messages too, and token
 * guessing over socket.io is slowed per address.
 */

const ADMIN = 'request-limits-admin-token-0123456789abcdef';
let hub: RunningHub;
let screen: ScreenToken;
let siteToken: string;

async function http(method: string, path: string, options: { token?: string; body?: unknown; raw?: string } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(new URL(path, hub.url), {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function connect(screenId: string, token: string, protocol = 1): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${hub.url}/screens`, { auth: { screenId, token, protocol, version: 'limits' }, transports: ['websocket'], reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Sends headers and the first bytes of a body that never ends; answers the status if the hub answers before the body is complete (within 5 s), else null. */
function answerBeforeBody(path: string, token: string): Promise<number | null> {
  return new Promise((resolve) => {
    const url = new URL(path, hub.url);
    const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    const timer = setTimeout(() => {
      request.destroy();
      resolve(null);
    }, 5_000);
    request.on('response', (response) => {
      clearTimeout(timer);
      response.resume();
      request.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => {});
    request.write('{"events": [');
  });
}

beforeAll(async () => {
  hub = await startHub({ db: join(mkdtempSync(join(tmpdir(), 'antichambre-limits-')), 'hub.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
  screen = (await http('POST', '/api/screens', { token: ADMIN, body: { id: 'ecran-borne', name: 'Borne', site: 'mairie', timezone: 'Europe/Paris' } })).body as unknown as ScreenToken;
  siteToken = ((await http('POST', '/api/sites/mairie/token', { token: ADMIN, body: {} })).body as unknown as SiteToken).token;
});
afterAll(async () => {
  await hub?.close();
});

const issued = (k: number) => ({ type: 'issued', ticket: `A${k}`, service: 'etat-civil', at: new Date(Date.UTC(2026, 10, 2, 8) + k * 1000).toISOString() });

describe('security: bounded requests', () => {
  it('checks the site token before reading a queue body: a wrong token is refused while its body is still coming', async () => {
    expect(await answerBeforeBody('/api/sites/mairie/queue', 'not-the-site-token')).toBe(401);
    // Invalid JSON with a wrong token: refused for the token, the body never parsed.
    expect((await http('POST', '/api/sites/mairie/queue', { token: 'wrong', raw: '{"events": [' })).status).toBe(401);
    // The right token still works.
    const ok = await http('POST', '/api/sites/mairie/queue', { token: siteToken, body: { events: [issued(1)] } });
    expect(ok).toMatchObject({ status: 200, body: { stored: 1 } });
  });

  it('limits a queue message to 1 MB and 5,000 events, with errors that say so', async () => {
    const big = await http('POST', '/api/sites/mairie/queue', { token: siteToken, raw: JSON.stringify({ events: [], pad: 'x'.repeat(1_100_000) }) });
    expect(big.status).toBe(413);
    expect(big.body['error']).toMatch(/^body: larger than the 1000000 bytes POST \/api\/sites\/:id\/queue accepts/);
    const many = await http('POST', '/api/sites/mairie/queue', { token: siteToken, body: { events: Array.from({ length: 5_001 }, (_, k) => issued(k)) } });
    expect(many.status).toBe(400);
    expect(many.body['error']).toMatch(/^events: expected at most 5000 events/);
    const most = await http('POST', '/api/sites/mairie/queue', { token: siteToken, body: { events: Array.from({ length: 5_000 }, (_, k) => issued(k)) } });
    expect(most.status).toBe(200);
  });

  it('limits pairing bodies to a few hundred bytes', async () => {
    const started = await http('POST', '/api/pairing', { raw: JSON.stringify({ pad: 'x'.repeat(4_000) }) });
    expect(started.status).toBe(413);
    const claim = await http('POST', '/api/pairing/ABCDEF/claim', { token: ADMIN, raw: JSON.stringify({ screenId: 'x', name: 'x'.repeat(4_000), site: 's' }) });
    expect(claim.status).toBe(413);
  });

  it('caps the lists of socket messages and drops a socket message past the size a 500-impression batch needs', async () => {
    const socket = await connect('ecran-borne', screen.token);
    try {
      const estimates = Array.from({ length: MAX_WAIT_ESTIMATES + 1 }, (_, k) => ({ service: `s${k}`, asOf: new Date().toISOString(), minutes: 5, low: 2, high: 9, queueLength: 2, openCounters: 1 }));
      const wait = (await socket.timeout(5_000).emitWithAck('wait', { estimates })) as { ok: boolean; error?: string };
      expect(wait).toEqual({ ok: false, error: expect.stringMatching(new RegExp(`^estimates: expected at most ${MAX_WAIT_ESTIMATES} estimates`)) });
      // A full batch of 500 with the longest ids and revision passes.
      const longest = backlogOf('ecran-borne', 500).map((impression, k) => ({ ...impression, playlistId: `p${k}`.padEnd(64, 'p'), itemId: 'i'.repeat(64), revision: 'r'.repeat(200), zoneId: 'z'.repeat(64), audience: 12.5 }));
      expect(await socket.timeout(10_000).emitWithAck('impressions', { impressions: longest })).toMatchObject({ ok: true, stored: 500 });
      // Two megabytes in one message: the hub closes the connection instead of reading it.
      const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
      socket.emit('status', { padding: 'x'.repeat(2_000_000) });
      expect(await closed).toBe('transport close');
    } finally {
      socket.close();
    }
  });

  it('after too many refused handshakes for one screen id in a minute, refuses that id from the address before any token is checked, but for the screen accepted before; other screens connect', async () => {
    // A screen of the site connects (it is known from now on); another is set up but has not connected yet.
    (await connect('ecran-borne', screen.token)).close();
    const fresh = (await http('POST', '/api/screens', { token: ADMIN, body: { id: 'ecran-neuf', name: 'Neuf', site: 'mairie', timezone: 'Europe/Paris' } })).body as unknown as ScreenToken;
    // Someone behind the same address (the site's NAT) guesses one screen's token.
    for (let k = 0; k < FAILED_HANDSHAKES_PER_MINUTE; k++) await expect(connect('ecran-borne', `guess-${k}`)).rejects.toThrow(/^unauthorized$/);
    // Guesses for that screen are now refused by the limit, before the database is read.
    await expect(connect('ecran-borne', 'guess-again')).rejects.toThrow(/^rate limit: more than 30 refused handshakes a minute for screen ecran-borne from /);
    // The screen accepted before reconnects all the same: the guesses do not lock it out.
    const back = await connect('ecran-borne', screen.token);
    expect(back.connected).toBe(true);
    back.close();
    // Its id with another token is a guess like any other.
    await expect(connect('ecran-borne', `${screen.token}x`)).rejects.toThrow(/^rate limit: more than 30 refused handshakes a minute for screen ecran-borne/);
    // A new screen behind the same address connects at once: the guesses were not about it.
    const neuf = await connect('ecran-neuf', fresh.token);
    expect(neuf.connected).toBe(true);
    neuf.close();
    // A wrong token for another screen is still told so, as §3 says.
    await expect(connect('ecran-neuf', 'faux')).rejects.toThrow(/^unauthorized$/);
    // Another protocol is still told so (§3's refusal), limited or not.
    await expect(connect('ecran-borne', screen.token, 2)).rejects.toThrow(/^unsupported-protocol$/);
  });
});

describe('the handshake limiter', () => {
  it('remembers at most its bound of accepted credentials, the oldest forgotten first, each refreshed when accepted again', () => {
    const limiter = new HandshakeLimiter(1, 60_000, 2);
    const screen = (n: number) => ({ screenId: `e${n}`, token: `t${n}` });
    // One wrong token each from this address: each of the three ids is limited there.
    for (const id of ['e1', 'e2', 'e3']) limiter.failed('10.0.0.1', 0, id);
    const passes = (n: number) => limiter.refusal('10.0.0.1', 1_000, screen(n)) === null;
    expect(passes(1)).toBe(false);
    limiter.accepted(screen(1));
    limiter.accepted(screen(2));
    limiter.accepted(screen(1)); // again: now the newest
    limiter.accepted(screen(3)); // past the bound: e2, the oldest, is forgotten
    expect([passes(1), passes(2), passes(3)]).toEqual([true, false, true]);
    // The same id with another token is not known.
    expect(limiter.refusal('10.0.0.1', 1_000, { screenId: 'e1', token: 'autre' })).toMatch(/^rate limit/);
    // Another address, or the minute over: not limited at all.
    expect(limiter.refusal('10.0.0.2', 1_000, screen(2))).toBeNull();
    expect(limiter.refusal('10.0.0.1', 60_000, screen(2))).toBeNull();
  });

  it('counts refusals per screen id and per address: made-up ids past the address limit refuse every new screen from there for the minute', () => {
    const limiter = new HandshakeLimiter(2, 60_000, 10, 5, 1_000);
    const guess = (id: string) => ({ screenId: id, token: 'faux' });
    // Two wrong tokens for e1: e1 is limited from this address, e2 is not, nor is e1 from elsewhere.
    limiter.failed('10.0.0.1', 0, 'e1');
    limiter.failed('10.0.0.1', 0, 'e1');
    expect(limiter.refusal('10.0.0.1', 1_000, guess('e1'))).toMatch(/^rate limit: more than 2 refused handshakes a minute for screen e1 from 10\.0\.0\.1; retry in 59 s$/);
    expect(limiter.refusal('10.0.0.1', 1_000, guess('e2'))).toBeNull();
    expect(limiter.refusal('10.0.0.2', 1_000, guess('e1'))).toBeNull();
    // Three made-up ids more: five refusals from the address, its own limit; every id is refused there, a handshake without one too.
    for (const id of ['x1', 'x2', 'x3']) limiter.failed('10.0.0.1', 2_000, id);
    expect(limiter.refusal('10.0.0.1', 3_000, guess('e2'))).toMatch(/^rate limit: more than 5 refused handshakes a minute from 10\.0\.0\.1; retry in 57 s$/);
    expect(limiter.refusal('10.0.0.1', 3_000)).toMatch(/^rate limit: more than 5 refused handshakes a minute from 10\.0\.0\.1/);
    // A handshake with no screen id counts for the address only.
    limiter.failed('10.0.0.3', 0);
    expect(limiter.refusal('10.0.0.3', 1_000, guess('e1'))).toBeNull();
    // The minute over (counted from each counter's first refusal): free again.
    expect(limiter.refusal('10.0.0.1', 60_000, guess('e2'))).toBeNull();
  });

  it('keeps at most its bound of counters, the oldest going first even within the minute', () => {
    const limiter = new HandshakeLimiter(1, 60_000, 10, 1_000, 4);
    // Each refusal with an id makes two counters (the address's, the address and id's).
    limiter.failed('10.0.0.1', 0, 'a');
    expect(limiter.refusal('10.0.0.1', 1, { screenId: 'a', token: 'x' })).toMatch(/for screen a/);
    limiter.failed('10.0.0.2', 1, 'b');
    limiter.failed('10.0.0.3', 2, 'c');
    // 10.0.0.1's counters were the oldest: gone, so a is free there again; c, the newest, is still counted.
    expect(limiter.refusal('10.0.0.1', 3, { screenId: 'a', token: 'x' })).toBeNull();
    expect(limiter.refusal('10.0.0.3', 3, { screenId: 'c', token: 'x' })).toMatch(/for screen c/);
  });
});
