import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressAllowed, networkList } from '../../src/hub/metricsAccess.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import type { ScreenToken, SiteToken } from '../../src/shared/adminApi.js';
import { toUtcTime } from '../../src/shared/ids.js';
import type { StatusMessage } from '../../src/shared/protocol.js';
import { histogramCount, sampleValue, scrape } from '../support/prometheusScrape.js';
import { adminApi, bearer, connectScreen } from '../support/hubClient.js';

/**
 * `/metrics` scraped as Prometheus would (token, text format read by a real parser), while
 * real socket.io clients speak the screens' protocol to the hub: the figures move with what
 * they do.
 */

const ADMIN = 'metrics-admin-token';
const METRICS = 'jeton-de-supervision-0123456789abcdef';
let hub: RunningHub;
const sockets: Socket[] = [];

const api = adminApi(() => hub.url, ADMIN);

async function player(created: ScreenToken, answer: (event: string, payload: unknown) => unknown = () => ({ ok: true })): Promise<Socket> {
  const socket = await connectScreen(hub.url, created, { playlists: (payload) => answer('playlists', payload), alert: (payload) => answer('alert', payload), queue: (payload) => answer('queue', payload) }, 'metrics');
  sockets.push(socket);
  await socket.emitWithAck('hello', { revision: null, version: 'metrics', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } });
  return socket;
}

const metrics = () => scrape(new URL('/metrics', hub.url).href, METRICS);

beforeAll(async () => {
  hub = await startHub({ db: ':memory:', port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {}, metrics: { token: METRICS } });
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await hub?.close();
});

describe('/metrics', () => {
  it('is refused without its token (a token configured: not even from the loopback), and never with the admin token', async () => {
    expect((await scrape(new URL('/metrics', hub.url).href)).status).toBe(403);
    expect((await scrape(new URL('/metrics', hub.url).href, ADMIN)).status).toBe(401);
    const ok = await metrics();
    expect(ok.status).toBe(200);
    expect(ok.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('moves with a real exchange: screens online, last seen, outbox, impressions, ack latency, refusals, queue events, errors', async () => {
    const a1 = (await api<ScreenToken>('POST', '/api/screens', { id: 'mx-a1', name: 'Accueil', site: 'mx-mairie', timezone: 'Europe/Paris' })).body;
    await api<ScreenToken>('POST', '/api/screens', { id: 'mx-a2', name: 'Étage', site: 'mx-mairie', timezone: 'Europe/Paris' });
    const b1 = (await api<ScreenToken>('POST', '/api/screens', { id: 'mx-b1', name: 'Guichets', site: 'mx-prefecture', timezone: 'Europe/Paris' })).body;
    let beforeScrape = await metrics();
    let before = beforeScrape.families;
    expect(sampleValue(before, 'antichambre_screens', { site: 'mx-mairie', state: 'offline' })).toBe(2);
    expect(sampleValue(before, 'antichambre_screens', { site: 'mx-mairie', state: 'online' })).toBeUndefined();

    const screenA = await player(a1);
    const status: StatusMessage = { at: toUtcTime(Date.now()), revision: null, playing: null, cache: { bytes: 10, files: 1, missing: 2, oldestMissingS: 30 }, outbox: 7, uptimeS: 60, version: 'metrics' };
    screenA.emit('status', status);
    const start = Date.now() - 60_000;
    const impressions = Array.from({ length: 3 }, (_, k) => ({ id: uuidv7(), screenId: 'mx-a1', playlistId: 'p', itemId: 'i', revision: 'r', start: toUtcTime(start + k * 8_000), end: toUtcTime(start + (k + 1) * 8_000), durationMs: 8_000, complete: true }));
    expect(await screenA.emitWithAck('impressions', { impressions })).toEqual({ ok: true, stored: 3, duplicates: 0 });
    // A repeat is no new impression.
    expect(await screenA.emitWithAck('impressions', { impressions: impressions.slice(0, 1) })).toEqual({ ok: true, stored: 0, duplicates: 1 });
    // A bad payload is answered { ok: false } and counted.
    expect(await screenA.emitWithAck('impressions', { impressions: 'none' })).toMatchObject({ ok: false });

    await expect.poll(async () => sampleValue((await metrics()).families, 'antichambre_screen_outbox_impressions', { screen: 'mx-a1' }), { timeout: 5_000 }).toBe(7);
    const duringScrape = await metrics();
    const during = duringScrape.families;
    expect(sampleValue(during, 'antichambre_screens', { site: 'mx-mairie', state: 'online' })).toBe(1);
    expect(sampleValue(during, 'antichambre_screens', { site: 'mx-mairie', state: 'offline' })).toBe(1);
    expect(sampleValue(during, 'antichambre_screen_last_seen_age_seconds', { screen: 'mx-a1' })).toBe(0);
    expect(sampleValue(during, 'antichambre_screen_cache_missing_files', { screen: 'mx-a1' })).toBe(2);
    expect(sampleValue(during, 'antichambre_impressions_ingested_total', { site: 'mx-mairie' })).toBe(3);
    expect(histogramCount(duringScrape, 'antichambre_ack_latency_seconds', { event: 'impressions' }) - histogramCount(beforeScrape, 'antichambre_ack_latency_seconds', { event: 'impressions' })).toBe(2);
    expect(sampleValue(during, 'antichambre_socket_errors_total', { event: 'impressions' })).toBe(1);

    // The prefecture's screen refuses its set: counted once, and shown as refusing.
    beforeScrape = duringScrape;
    await player(b1, (event) => (event === 'playlists' ? { ok: false, error: 'playlists[0]: disk full' } : { ok: true }));
    await api('POST', '/api/playlists', { playlists: [{ id: 'mx', items: [{ id: 't', type: 'text', duration: 5, title: 'Bonjour' }] }], target: { site: 'mx-prefecture' } });
    await expect.poll(async () => sampleValue((await metrics()).families, 'antichambre_revisions_refused_total', { site: 'mx-prefecture' }), { timeout: 5_000 }).toBe(1);
    const refusedScrape = await metrics();
    const refused = refusedScrape.families;
    expect(sampleValue(refused, 'antichambre_screens_refusing_revision', { site: 'mx-prefecture' })).toBe(1);
    expect(histogramCount(refusedScrape, 'antichambre_ack_latency_seconds', { event: 'playlists' }) - histogramCount(beforeScrape, 'antichambre_ack_latency_seconds', { event: 'playlists' })).toBe(1);

    // The mairie's ticket system posts three events (one twice): two new ones are relayed.
    const { token } = (await api<SiteToken>('POST', '/api/sites/mx-mairie/token')).body;
    const at = toUtcTime(Date.now() - 1_000);
    const events = [
      { type: 'issued', ticket: 'A001', service: 'etat-civil', at },
      { type: 'issued', ticket: 'A002', service: 'etat-civil', at },
    ];
    expect((await api('POST', '/api/sites/mx-mairie/queue', { events }, bearer(token))).status).toBe(200);
    expect((await api('POST', '/api/sites/mx-mairie/queue', { events: events.slice(0, 1) }, bearer(token))).status).toBe(200);
    await expect.poll(async () => histogramCount(await metrics(), 'antichambre_ack_latency_seconds', { event: 'queue' }), { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    const relayed = (await metrics()).families;
    expect(sampleValue(relayed, 'antichambre_queue_events_relayed_total', { site: 'mx-mairie' })).toBe(2);

    // HTTP errors, per route pattern (never per id).
    expect((await api('POST', '/api/screens', { id: 'mauvais id' })).status).toBe(400);
    expect((await api('GET', '/api/screens/inconnu/screenshot')).status).toBe(404);
    const errors = (await metrics()).families;
    expect(sampleValue(errors, 'antichambre_http_errors_total', { method: 'POST', route: '/api/screens', status: '400' })).toBe(1);
    expect(sampleValue(errors, 'antichambre_http_errors_total', { method: 'GET', route: '/api/screens/:id/screenshot', status: '404' })).toBe(1);
    // The refused scrapes of the first test are there too.
    expect(sampleValue(errors, 'antichambre_http_errors_total', { method: 'GET', route: '/metrics', status: '403' })).toBe(1);

    // A screen leaves: it is offline, and its last-seen age starts counting.
    screenA.close();
    await expect.poll(async () => sampleValue((await metrics()).families, 'antichambre_screens', { site: 'mx-mairie', state: 'online' }), { timeout: 5_000 }).toBeUndefined();
    expect(sampleValue((await metrics()).families, 'antichambre_screen_last_seen_age_seconds', { screen: 'mx-a1' })).toBeGreaterThanOrEqual(0);

    // A handshake with a wrong token is a socket error too.
    const intruder = io(`${hub.url}/screens`, { auth: { screenId: 'mx-a1', token: 'faux', protocol: 1 }, transports: ['websocket'], reconnection: false });
    sockets.push(intruder);
    await new Promise<void>((done) => intruder.once('connect_error', () => done()));
    expect(sampleValue((await metrics()).families, 'antichambre_socket_errors_total', { event: 'handshake' })).toBe(1);
  });

  it('has every metric the Grafana dashboard in deploy/ asks for', async () => {
    const dashboard = readFileSync(resolve(import.meta.dirname, '../../deploy/grafana-antichambre-hub.json'), 'utf8');
    const asked = new Set([...dashboard.matchAll(/\b(antichambre_[a-z0-9_]+)/g)].map((match) => match[1]!.replace(/_(bucket|count|sum)$/, '')));
    const exposed = new Set((await metrics()).families.map((family) => family.name));
    expect([...asked].filter((name) => !exposed.has(name))).toEqual([]);
    expect(asked.size).toBeGreaterThan(10);
  });
});

describe('who may scrape', () => {
  it('reads addresses and CIDR blocks, IPv4, IPv6 and IPv4-mapped', () => {
    const list = networkList(['10.0.0.0/8', '192.168.1.20', 'fd00::/8']);
    expect(['10.1.2.3', '::ffff:10.9.9.9', '192.168.1.20', 'fd12::1'].map((address) => addressAllowed(list, address))).toEqual([true, true, true, true]);
    expect(['11.0.0.1', '192.168.1.21', '::1', '127.0.0.1', 'not an address'].map((address) => addressAllowed(list, address))).toEqual([false, false, false, false, false]);
    expect(() => networkList(['10.0.0.0/33'])).toThrow('metrics: "10.0.0.0/33": prefix length 33 out of range');
    expect(() => networkList(['intranet'])).toThrow('metrics: "intranet" is not an address or a CIDR block (like 10.0.0.0/8 or fd00::/8)');
  });

  it('lets the loopback in by default, and only the networks given once some are', async () => {
    const open = await startHub({ db: ':memory:', port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
    const closed = await startHub({ db: ':memory:', port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {}, metrics: { allow: ['10.0.0.0/8'] } });
    try {
      expect((await scrape(new URL('/metrics', open.url).href)).status).toBe(200);
      const refused = await fetch(new URL('/metrics', closed.url));
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ error: 'metrics: 127.0.0.1 is not allowed (only 10.0.0.0/8; see --metrics-allow and --metrics-token)' });
    } finally {
      await Promise.all([open.close(), closed.close()]);
    }
  });
});
