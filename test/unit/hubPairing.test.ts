import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaStored, ScreenList, ScreenSet, WaitComparison } from '../../src/shared/adminApi.js';
import { PairingCode, PairingStarted, PairingState } from '../../src/shared/pairing.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { PAIRING_STARTS_PER_MINUTE } from '../../src/hub/requestLimits.js';

/** The hub's additions for the dashboard, in this process on loopback: pairing, media upload, sets, waits, static files. */

const ADMIN = 'unit-admin-token';
let hub: RunningHub;

async function call(method: string, path: string, options: { body?: BodyInit; type?: string; admin?: boolean } = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.admin !== false) headers['authorization'] = `Bearer ${ADMIN}`;
  if (options.type) headers['content-type'] = options.type;
  const response = await fetch(new URL(path, hub.url), { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
  const text = await response.text();
  return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text, headers: response.headers };
}

const json = (value: unknown) => ({ body: JSON.stringify(value), type: 'application/json' });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'antichambre-hub-pairing-'));
  const dashboardDir = join(dir, 'dashboard');
  mkdirSync(dashboardDir);
  writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>Antichambre</title>');
  hub = await startHub({ db: join(dir, 'hub.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN, dashboardDir, log: () => {} });
});
afterAll(async () => {
  await hub?.close();
});

describe('pairing a new player', () => {
  it('gives a short code, hands the claimed screen its token once, and the token opens /screens', async () => {
    const started = await call('POST', '/api/pairing', { admin: false });
    expect(started.status).toBe(200);
    expect(started.headers.get('access-control-allow-origin')).toBe('*');
    const { code, secret, expiresAt } = PairingStarted.parse(started.body);
    expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);

    expect(PairingState.parse((await call('GET', `/api/pairing/${code}?secret=${secret}`, { admin: false })).body)).toEqual({ status: 'waiting', expiresAt });
    expect((await call('GET', `/api/pairing/${code}?secret=wrong`, { admin: false })).status).toBe(404);
    // No secret, or an empty one, is a wrong one (§3: the same 404).
    for (const query of ['', '?secret=', '?other=1', `?secret=${secret}&secret=${secret}`]) {
      const missing = await call('GET', `/api/pairing/${code}${query}`, { admin: false });
      expect(missing.status, query).toBe(404);
      expect((missing.body as { error: string }).error, query).toBe('pairing: code is unknown or expired; ask for a new one');
    }
    // Claiming needs the admin token.
    expect((await call('POST', `/api/pairing/${code}/claim`, { ...json({ screenId: 'hall-1', name: 'Hall', site: 'mairie' }), admin: false })).status).toBe(401);
    const bad = await call('POST', `/api/pairing/${code}/claim`, json({ screenId: 'hall 1', name: '', site: 'mairie' }));
    expect(bad.status).toBe(400);
    expect((bad.body as { error: string }).error).toMatch(/screenId: .*; name: expected a non-empty name/);

    // Typed as an admin would: lower case, with a space.
    const typed = `${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`;
    const claimed = await call('POST', `/api/pairing/${encodeURIComponent(typed)}/claim`, json({ screenId: 'hall-1', name: 'Hall', site: 'mairie' }));
    expect(claimed.status).toBe(201);
    expect(claimed.body).toEqual({ screen: { id: 'hall-1', name: 'Hall', site: 'mairie', timezone: 'Europe/Paris' } });
    expect((await call('POST', `/api/pairing/${code}/claim`, json({ screenId: 'hall-2', name: 'Hall', site: 'mairie' }))).status).toBe(409);

    const paired = PairingState.parse((await call('GET', `/api/pairing/${code}?secret=${secret}`, { admin: false })).body);
    if (paired.status !== 'paired') throw new Error('not paired');
    expect(paired).toMatchObject({ screenId: 'hall-1', name: 'Hall', site: 'mairie' });
    // Once only: then the code is as unknown as any other (§3 names no refusal but 404).
    const again = await call('GET', `/api/pairing/${code}?secret=${secret}`, { admin: false });
    expect(again.status).toBe(404);
    expect((again.body as { error: string }).error).toMatch(/already used; ask for a new one/);

    const socket = io(`${hub.url}/screens`, { auth: { screenId: 'hall-1', token: paired.token, protocol: 1, version: 'unit' }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const screens = ScreenList.parse((await call('GET', '/api/screens')).body).screens;
    expect(screens.find((s) => s.id === 'hall-1')?.online).toBe(true);
    socket.disconnect();
  });

  it('refuses unknown codes and limits how often one address asks for codes', async () => {
    expect((await call('POST', '/api/pairing/ABCDEF/claim', json({ screenId: 'x', name: 'X', site: 's' }))).status).toBe(404);
    expect((await call('POST', '/api/pairing/AB0/claim', json({ screenId: 'x', name: 'X', site: 's' }))).status).toBe(400);
    const statuses: number[] = [];
    // Asked with an empty JSON body, as fetch helpers send it: a code all the same.
    const emptyJson = await call('POST', '/api/pairing', { admin: false, body: '', type: 'application/json' });
    expect(emptyJson.status).toBe(200);
    expect(PairingStarted.safeParse(emptyJson.body).success).toBe(true);
    for (let i = 0; i < PAIRING_STARTS_PER_MINUTE + 1; i++) statuses.push((await call('POST', '/api/pairing', { admin: false })).status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(PAIRING_STARTS_PER_MINUTE - 2);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  });
});

describe('dashboard additions', () => {
  it('stores an upload under the digest it computes and serves it', async () => {
    // The hub reads the type from the bytes (issue 17): a PNG signature, then anything.
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('pretend this is the rest of a PNG')]);
    const uploaded = await call('POST', '/api/media', { body: bytes, type: 'image/png' });
    expect(uploaded.status).toBe(201);
    const stored = MediaStored.parse(uploaded.body);
    expect(stored).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, url: `/media/${stored.sha256}` });
    const served = await fetch(new URL(stored.url, hub.url));
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(bytes);
    expect((await call('POST', '/api/media', { body: new Uint8Array(0), type: 'image/png' })).status).toBe(400);
  });

  it('answers a screen\'s set and a site\'s waits, estimated against realized', async () => {
    await call('POST', '/api/screens', json({ id: 'guichet', name: 'Guichet', site: 'prefecture', timezone: 'Europe/Paris' }));
    expect(ScreenSet.parse((await call('GET', '/api/screens/guichet/playlists')).body)).toEqual({ revision: null, timezone: 'Europe/Paris', playlists: [], layout: null, power: null });
    await call('POST', '/api/playlists', json({ playlists: [{ id: 'p', items: [{ id: 't', type: 'text', duration: 5, title: 'T' }] }], target: { site: 'prefecture' } }));
    const set = ScreenSet.parse((await call('GET', '/api/screens/guichet/playlists')).body);
    expect(set.revision).toMatch(/^\w{16}$/);
    expect(set.playlists.map((p) => p.id)).toEqual(['p']);

    const token = (await call('POST', '/api/sites/prefecture/token')).body as { token: string };
    const events = [
      { type: 'issued', ticket: 'A1', service: 'titres', at: '2026-11-30T08:00:00.000Z' },
      { type: 'called', ticket: 'A1', counter: 'c1', at: '2026-11-30T08:12:00.000Z' },
    ];
    const posted = await fetch(new URL('/api/sites/prefecture/queue', hub.url), { method: 'POST', headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
    expect(posted.status).toBe(200);
    await hub.stores.waits.insert('guichet', [{ service: 'titres', asOf: '2026-11-30T08:00:00.000Z', minutes: 10, low: 6, high: 15, queueLength: 3, openCounters: 1 }], Date.now());
    const waits = WaitComparison.parse((await call('GET', '/api/sites/prefecture/waits?since=2026-11-29T23:00:00.000Z&until=2026-11-30T23:00:00.000Z')).body);
    expect(waits.points).toEqual([{ service: 'titres', issuedAt: '2026-11-30T08:00:00.000Z', realizedMin: 12, estimatedMin: 10, low: 6, high: 15 }]);
    expect((await call('GET', '/api/sites/prefecture/waits?since=2026-11-28T23:00:00.000Z&until=2026-11-29T23:00:00.000Z')).body).toEqual({ points: [] });
    expect((await call('GET', '/api/sites/prefecture/waits')).status).toBe(400);
  });

  it('keeps the last screenshot a screen answered and serves it as a PNG', async () => {
    const created = (await call('POST', '/api/screens', json({ id: 'kiosque', name: 'Kiosque', site: 'mairie', timezone: 'Europe/Paris' }))).body as { token: string };
    expect((await call('GET', '/api/screens/kiosque/screenshot')).status).toBe(404);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const socket = io(`${hub.url}/screens`, { auth: { screenId: 'kiosque', token: created.token, protocol: 1, version: 'unit' }, transports: ['websocket'], reconnection: false });
    let answer: Buffer = png;
    socket.on('command', (_command: unknown, ack: (answer: unknown) => void) => ack({ ok: true, data: { png: answer.toString('base64') } }));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    expect((await call('POST', '/api/commands', json({ screen: 'kiosque', type: 'screenshot' }))).status).toBe(200);
    const shot = await fetch(new URL('/api/screens/kiosque/screenshot', hub.url), { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(shot.headers.get('content-type')).toBe('image/png');
    expect(shot.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await shot.arrayBuffer())).toEqual(png);
    // A screen that answers something else than a PNG (HTML here): not kept, the last PNG still served.
    answer = Buffer.from('<html><script>alert(1)</script></html>');
    expect((await call('POST', '/api/commands', json({ screen: 'kiosque', type: 'screenshot' }))).status).toBe(200);
    const still = await fetch(new URL('/api/screens/kiosque/screenshot', hub.url), { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(Buffer.from(await still.arrayBuffer())).toEqual(png);
    socket.disconnect();
  });

  it('serves the dashboard page at / without a token, and the API still needs one', async () => {
    const page = await call('GET', '/', { admin: false });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Antichambre</title>');
    expect((await call('GET', '/api/screens', { admin: false })).status).toBe(401);
    expect((await call('GET', '/nothing-here', { admin: false })).status).toBe(404);
  });
});

describe('a pairing code typed by hand', () => {
  it('is read whatever its case, spaces and hyphens; one with a character codes never have is told which ones', () => {
    expect(PairingCode.parse('gv9 5bh')).toBe('GV95BH');
    expect(PairingCode.parse('GV9-5BH')).toBe('GV95BH');
    // Six characters, but a 1: "expected the 6 characters" alone left the admin counting them again.
    const refused = PairingCode.safeParse('ABC123');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('expected the 6 characters shown on the screen (digits 2 to 9 and letters, never 0, 1, I, L, O or U)');
  });
});
