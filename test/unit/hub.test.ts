import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenList, ScreenToken } from '../../src/shared/adminApi.js';
import type { Impression } from '../../src/shared/impression.js';
import { untilFromDuration } from '../../src/hub/cli.js';
import { openSqliteDb as openHubDb, SQLITE_MIGRATIONS } from '../../src/hub/stores/sqlite/sqliteDb.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { adminApi, bearer, connectScreen } from '../support/hubClient.js';

/** The hub in this process, on loopback, with real socket.io clients standing in for players. */

const ADMIN = 'unit-admin-token';
let hub: RunningHub;
let dbPath: string;

const api = adminApi(() => hub.url, ADMIN);

async function screen(id: string, site = 'site-a'): Promise<ScreenToken> {
  return (await api<ScreenToken>('POST', '/api/screens', { id, name: id, site, timezone: 'Europe/Paris' })).body;
}

const player = (created: ScreenToken, onPlaylists?: (payload: unknown) => unknown): Promise<Socket> => connectScreen(hub.url, created, onPlaylists ? { playlists: onPlaylists } : {});

function impression(screenId: string, k: number): Impression {
  const start = Date.UTC(2026, 10, 2, 8) + k * 8_000;
  return { id: uuidv7(), screenId, playlistId: 'p', itemId: 'i', revision: 'r', start: new Date(start).toISOString(), end: new Date(start + 8_000).toISOString(), durationMs: 8_000, complete: true };
}

const hello = { revision: null, version: 'unit', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } };

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), 'antichambre-hub-unit-')), 'hub.db');
  hub = await startHub({ db: dbPath, port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
});
afterAll(async () => {
  await hub?.close();
});

describe('admin API', () => {
  it('answers the balancer\'s /healthz and /readyz without a token (one node: the database only)', async () => {
    const health = await fetch(new URL('/healthz', hub.url));
    expect([health.status, await health.json()]).toEqual([200, { ok: true }]);
    const ready = await fetch(new URL('/readyz', hub.url));
    expect([ready.status, await ready.json()]).toEqual([200, { ok: true, database: 'ok' }]);
  });

  it('answers clear 4xx errors naming what is wrong', async () => {
    expect((await api('GET', '/api/screens', undefined, bearer('nope'))).status).toBe(401);
    const bad = await api<{ error: string }>('POST', '/api/screens', { id: 'a b', name: '', site: 's', timezone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('id: expected 1 to 64 characters among A-Z a-z 0-9 . _ -; name: expected a non-empty name; timezone: unknown time zone (expected an IANA zone like Europe/Paris)');
    const notJson = await api<{ error: string }>('POST', '/api/screens', '{"id": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatch(/^body: /);
    const huge = await api<{ error: string }>('POST', '/api/alerts', { text: 'x'.repeat(21_000_000) });
    expect(huge.status).toBe(413);
    await screen('alerte-1');
    const past = await api<{ error: string }>('POST', '/api/alerts', { level: 'info', text: 'Hier', until: '2020-01-01T00:00:00.000Z', target: { screen: 'alerte-1' } });
    expect(past).toEqual({ status: 400, body: { error: 'until: 2020-01-01T00:00:00.000Z is already past' } });
    expect((await api<{ error: string }>('POST', '/api/commands', { screen: 'alerte-1', type: 'identify' })).status).toBe(409);
    expect((await api<{ error: string }>('POST', '/api/commands', { screen: 'alerte-1', type: 'dance' })).body.error).toBe('type: expected reload, restart, clear-cache, identify or screenshot');
    expect((await api('GET', '/api/nothing')).status).toBe(404);
  });

  it('keeps playlist history: the same content is the same version, a change makes a new one and a new revision', async () => {
    await screen('histoire-1', 'site-h');
    const push = (title: string) => api<{ playlists: { id: string; version: number }[]; screens: { revision: string }[] }>('POST', '/api/playlists', { playlists: [{ id: 'h', items: [{ id: 't', type: 'text', duration: 5, title }] }], target: { site: 'site-h' } });
    const first = await push('Un');
    const same = await push('Un');
    const changed = await push('Deux');
    expect([first.body.playlists[0]!.version, same.body.playlists[0]!.version, changed.body.playlists[0]!.version]).toEqual([1, 1, 2]);
    expect(same.body.screens[0]!.revision).toBe(first.body.screens[0]!.revision);
    expect(changed.body.screens[0]!.revision).not.toBe(first.body.screens[0]!.revision);
    expect((await api<{ versions: unknown[] }>('GET', '/api/playlists/h/history')).body.versions).toHaveLength(2);
  });
});

describe('the /screens channel', () => {
  it('answers bad payloads with { ok: false, error } and keeps the connection', async () => {
    const socket = await player(await screen('bavard-1'));
    expect(await socket.emitWithAck('hello', { revision: 3 })).toEqual({ ok: false, error: 'revision: expected a revision string or null; version: expected the player version; timezone: expected an IANA time zone; screen: Invalid input: expected object, received undefined' });
    expect(await socket.emitWithAck('impressions', { impressions: Array.from({ length: 501 }, (_, k) => impression('bavard-1', k)) })).toEqual({ ok: false, error: 'impressions: expected at most 500 impressions' });
    expect(await socket.emitWithAck('impressions', { impressions: [impression('bavard-1', 0), impression('quelqu-un-d-autre', 1)] })).toEqual({
      ok: false,
      error: 'impressions[1].screenId: expected "bavard-1", the screen of this connection',
    });
    // The right shape, but no such instant: refused by name, nothing stored.
    expect(await socket.emitWithAck('impressions', { impressions: [impression('bavard-1', 2), { ...impression('bavard-1', 3), start: '2026-13-45T99:99:99.999Z' }, { ...impression('bavard-1', 4), end: '2026-02-30T10:00:00.000Z' }] })).toEqual({
      ok: false,
      error: 'impressions[1].start: not a real date and time (month 01-12, a day of that month, 00:00:00.000 to 23:59:59.999); impressions[2].end: not a real date and time (month 01-12, a day of that month, 00:00:00.000 to 23:59:59.999)',
    });
    expect((await api<{ impressions: unknown[] }>('GET', '/api/impressions?screen=bavard-1')).body.impressions).toEqual([]);
    socket.emit('status', { nonsense: true });
    const ack = (await socket.emitWithAck('hello', hello)) as { ok: boolean; serverTime: string };
    expect(ack.ok).toBe(true);
    expect(Math.abs(Date.parse(ack.serverTime) - Date.now())).toBeLessThan(5_000);
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('keeps a status whose extension fields do not parse, without them; refuses one whose own fields do not', async () => {
    const socket = await player(await screen('etendu-1'));
    expect((await socket.emitWithAck('hello', hello)) as { ok: boolean }).toMatchObject({ ok: true });
    const status = { at: '2026-12-01T03:00:00.000Z', revision: null, playing: { playlistId: 'p', itemId: 'i' }, cache: { bytes: 10, files: 1, missing: 0 }, outbox: 3, uptimeS: 60, version: 'autre-lecteur 2.0' };
    const event = (k: number) => ({ id: `e${k}`, type: 'relaunch', at: '2026-12-01T02:00:00.000Z' });
    // Another player's own `power` and too many events: the status counts, these two fields are left out.
    socket.emit('status', { ...status, power: 'on', events: Array.from({ length: 21 }, (_, k) => event(k)), cache: { ...status.cache, oldestMissingS: -1 } });
    const listed = async () => (await api<ScreenList>('GET', '/api/screens')).body.screens.find((s) => s.id === 'etendu-1')?.status;
    await expect.poll(listed, { timeout: 5_000 }).toMatchObject({ outbox: 3, version: 'autre-lecteur 2.0', playing: { playlistId: 'p', itemId: 'i' } });
    const kept = (await listed())!;
    expect(kept).not.toHaveProperty('power');
    expect(kept).not.toHaveProperty('events');
    expect(kept.cache).toEqual({ bytes: 10, files: 1, missing: 0 });
    // §3's own fields are not optional: that one is dropped whole (the one before stays).
    socket.emit('status', { ...status, outbox: 'beaucoup', version: 'autre-lecteur 2.1' });
    socket.emit('status', { ...status, outbox: 4, version: 'autre-lecteur 2.2' });
    await expect.poll(async () => (await listed())?.version, { timeout: 5_000 }).toBe('autre-lecteur 2.2');
    socket.close();
  });

  it('stores impressions once per id and counts repeats as duplicates', async () => {
    const socket = await player(await screen('repete-1'));
    const batch = Array.from({ length: 500 }, (_, k) => impression('repete-1', k));
    expect(await socket.emitWithAck('impressions', { impressions: batch })).toEqual({ ok: true, stored: 500, duplicates: 0 });
    expect(await socket.emitWithAck('impressions', { impressions: [...batch.slice(0, 10), impression('repete-1', 900)] })).toEqual({ ok: true, stored: 1, duplicates: 10 });
    expect((await api<{ impressions: unknown[] }>('GET', '/api/impressions?screen=repete-1')).body.impressions).toHaveLength(501);
    socket.close();
  });

  it('pushes to a screen that connects later, and records an ack or a refusal with its error', async () => {
    const refusing = await screen('refus-1', 'site-r');
    await api('POST', '/api/playlists', { playlists: [{ id: 'r', items: [{ id: 't', type: 'text', duration: 5, title: 'R' }] }], target: { site: 'site-r' } });
    const received: unknown[] = [];
    const socket = await player(refusing, (payload) => (received.push(payload), { ok: false, error: 'playlists[0]: disk full' }));
    await socket.emitWithAck('hello', hello);
    await expect.poll(async () => (await api<ScreenList>('GET', '/api/screens')).body.screens.find((s) => s.id === 'refus-1')?.refused?.error, { timeout: 5_000 }).toBe('playlists[0]: disk full');
    expect(received).toHaveLength(1);
    // Its statuses (every 30 s) still name the set it kept: the one it refused is not sent again at each.
    const status = (version: string) => ({ at: new Date().toISOString(), revision: null, playing: null, cache: { bytes: 0, files: 0, missing: 0 }, outbox: 0, uptimeS: 60, version });
    socket.emit('status', status('unit 1'));
    socket.emit('status', status('unit 2'));
    await expect.poll(async () => (await api<ScreenList>('GET', '/api/screens')).body.screens.find((s) => s.id === 'refus-1')?.status?.version, { timeout: 5_000 }).toBe('unit 2');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toHaveLength(1);
    socket.close();

    const accepting = await player(refusing, () => ({ ok: true }));
    await accepting.emitWithAck('hello', hello);
    await expect.poll(async () => (await api<ScreenList>('GET', '/api/screens')).body.screens.find((s) => s.id === 'refus-1'), { timeout: 5_000 }).toMatchObject({ refused: null, ackedRevision: expect.any(String), online: true });
    accepting.close();
  });
});

describe('the database', () => {
  it('is migrated once: opening it again changes nothing', () => {
    const again = openHubDb(dbPath);
    expect(again.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    expect(again.pragma('journal_mode', { simple: true })).toBe('wal');
    again.close();
  });
});

describe('the CLI', () => {
  it('reads alert durations', () => {
    const now = Date.UTC(2026, 10, 25, 8);
    expect(untilFromDuration('30m', now)).toBe('2026-11-25T08:30:00.000Z');
    expect(untilFromDuration('2h', now)).toBe('2026-11-25T10:00:00.000Z');
    expect(untilFromDuration('1d', now)).toBe('2026-11-26T08:00:00.000Z');
    expect(() => untilFromDuration('soon', now)).toThrow('--for soon: expected a duration like 30m, 2h or 1d');
  });
});
