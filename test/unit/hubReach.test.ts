import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReachReport, ScreenToken, SiteToken } from '../../src/shared/adminApi.js';
import type { Impression } from '../../src/shared/impression.js';
import type { QueueEvent } from '../../src/shared/queue.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { usePostgres } from '../support/postgresServer.js';
import { adminApi, bearer } from '../support/hubClient.js';

/** GET /api/sites/<site>/reach (issue 21): which screens and waits it counts, and its errors; on SQLite and on a real PostgreSQL alike. */

const ADMIN = 'unit-admin-token';
let hub: RunningHub;

const api = adminApi(() => hub.url, ADMIN);

async function connected(id: string, site: string): Promise<Socket> {
  const created = (await api<ScreenToken>('POST', '/api/screens', { id, name: id, site, timezone: 'Europe/Paris' })).body;
  const socket = io(`${hub.url}/screens`, { auth: { screenId: id, token: created.token, protocol: 1, version: 'unit' }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

const at = (hhmmss: string): string => `2026-11-30T${hhmmss}.000Z`;
const shown = (screenId: string, start: string, seconds: number): Impression => ({
  id: uuidv7(),
  screenId,
  playlistId: 'accueil',
  itemId: 'en-ligne',
  revision: 'r',
  start: at(start),
  end: new Date(Date.parse(at(start)) + seconds * 1000).toISOString(),
  durationMs: seconds * 1000,
  complete: true,
});

const postgres = usePostgres();
const ENGINES = [
  { engine: 'SQLite', db: async (dir: string) => join(dir, 'hub.db') },
  { engine: 'PostgreSQL', db: () => postgres.freshDatabase() },
] as const;

describe.each(ENGINES)('the reach report of a site on $engine', ({ db }) => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'antichambre-hub-reach-'));
    hub = await startHub({ db: await db(dir), port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
    // Site a: two screens in its waiting room; site b: another town hall's.
    const [a1, a2, b1] = [await connected('a1', 'a'), await connected('a2', 'a'), await connected('b1', 'b')];
    // a1 and a2 show the item at the same moment (once for a person), a1 again at 08:05; b1 shows it elsewhere.
    expect(await a1.emitWithAck('impressions', { impressions: [shown('a1', '08:01:00', 10), shown('a1', '08:05:00', 10)] })).toMatchObject({ ok: true, stored: 2 });
    expect(await a2.emitWithAck('impressions', { impressions: [shown('a2', '08:01:05', 10)] })).toMatchObject({ ok: true, stored: 1 });
    expect(await b1.emitWithAck('impressions', { impressions: [shown('b1', '08:03:00', 10)] })).toMatchObject({ ok: true, stored: 1 });
    for (const socket of [a1, a2, b1]) socket.close();
    const { token } = (await api<SiteToken>('POST', '/api/sites/a/token')).body;
    const events: QueueEvent[] = [
      { type: 'counter', counter: 'g1', open: true, services: ['etat-civil'], at: at('07:59:00') },
      { type: 'issued', ticket: 'A1', service: 'etat-civil', at: at('08:00:00') },
      { type: 'called', ticket: 'A1', counter: 'g1', at: at('08:10:00') },
    ];
    expect((await api('POST', '/api/sites/a/queue', { events }, bearer(token))).status).toBe(200);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('counts the site\'s screens as one room: showings at the same moment once, other sites\' screens not at all', async () => {
    const { status, body } = await api<ReachReport>('GET', '/api/sites/a/reach?since=2026-11-30&until=2026-11-30');
    expect(status).toBe(200);
    expect(body).toMatchObject({ site: 'a', timezone: 'Europe/Paris', screens: ['a1', 'a2'], since: '2026-11-29T23:00:00.000Z', until: '2026-11-30T23:00:00.000Z' });
    expect(body.groups).toEqual([{ day: '2026-11-30', service: 'etat-civil', people: 1, medianWaitMin: 10 }]);
    expect(body.rows).toEqual([{ day: '2026-11-30', service: 'etat-civil', playlistId: 'accueil', itemId: 'en-ligne', people: 1, reached: 1, reach: 1, showings: 2, frequency: 2, frequencyAmongReached: 2 }]);
  });

  it('exports the rows as CSV for spreadsheets', async () => {
    const response = await fetch(new URL('/api/sites/a/reach?since=2026-11-30&format=csv', hub.url), { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await response.text()).toBe('day,service,playlistId,itemId,people,reached,reach,showings,frequency,frequencyAmongReached\r\n2026-11-30,etat-civil,accueil,en-ligne,1,1,1,2,2,2\r\n');
  });

  it('measures one room with screen=', async () => {
    const { body } = await api<ReachReport>('GET', '/api/sites/a/reach?since=2026-11-30&screen=a2');
    expect(body.screens).toEqual(['a2']);
    expect(body.rows).toMatchObject([{ reached: 1, showings: 1 }]);
  });

  it('answers a clear error for a bad query', async () => {
    expect(await api('GET', '/api/sites/a/reach?since=2026-11-30&screen=b1')).toEqual({ status: 404, body: { error: 'screen: "b1" is not a screen of site "a"' } });
    expect(await api('GET', '/api/sites/a/reach?since=2026-12-02&until=2026-11-30T00:00:00.000Z')).toEqual({ status: 400, body: { error: 'until: must be after since (2026-12-02)' } });
    expect(await api('GET', '/api/sites/a/reach?since=2020-01-01&until=2026-11-30')).toEqual({ status: 400, body: { error: 'since: at most 366 days per report (ask for a year at a time)' } });
    const missing = await api<{ error: string }>('GET', '/api/sites/a/reach');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/^query: since: /);
    expect((await api('GET', '/api/sites/a/reach?since=2026-11-30', undefined, bearer('not-the-token'))).status).toBe(401);
  });
});
