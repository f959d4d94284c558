import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertList, PushResult, ScreenList } from '../../src/shared/adminApi.js';
import type { Impression } from '../../src/shared/impression.js';
import type { Alert, PlaylistsMessage } from '../../src/shared/protocol.js';
import type { QueueEvent } from '../../src/shared/queue.js';
import { addScreen, adminApi, hubCli, startHubProcess, type HubProcess } from '../support/hubProcess.js';
import { usePostgres } from '../support/postgresServer.js';
import { useRedis } from '../support/redisServer.js';
import { startTcpBalancer, type TcpBalancer } from '../support/tcpBalancer.js';

/**
 * Two hub nodes (real processes) on one PostgreSQL and one Redis, behind balancers: a screen
 * on each node, everything entered on either node reaches both, `status` is right on either;
 * then node A is killed (SIGKILL) and its screen goes on through B, every impression stored
 * exactly once and none acked twice.
 */

const postgres = usePostgres();
const redis = useRedis();
let dbUrl: string;
let nodeA: HubProcess;
let nodeB: HubProcess;
/** Screen A's way in: A first, B if A refuses (nginx with a backup); screen B's: B first. */
let toA: TcpBalancer;
let toB: TcpBalancer;

interface Player {
  socket: Socket;
  playlists: PlaylistsMessage[];
  alerts: Alert[];
  queue: QueueEvent[][];
  connects: number;
}

async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A player standing in with a real socket.io client: reconnects as the real one does, says hello each time, acks everything. */
function player(url: string, screenId: string, token: string): Player {
  const state: Player = { socket: null as unknown as Socket, playlists: [], alerts: [], queue: [], connects: 0 };
  const socket = io(`${url}/screens`, {
    auth: { screenId, token, protocol: 1, version: 'cluster-test' },
    transports: ['websocket'],
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
  socket.on('connect', () => {
    state.connects++;
    void socket.emitWithAck('hello', { revision: state.playlists.at(-1)?.revision ?? null, version: 'cluster-test', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } });
  });
  socket.on('playlists', (message: PlaylistsMessage, ack: (a: unknown) => void) => {
    state.playlists.push(message);
    ack({ ok: true });
  });
  socket.on('alert', (alert: Alert, ack: (a: unknown) => void) => {
    state.alerts.push(alert);
    ack({ ok: true });
  });
  socket.on('queue', (message: { events: QueueEvent[] }, ack: (a: unknown) => void) => {
    state.queue.push(message.events);
    ack({ ok: true });
  });
  socket.on('command', (_command: unknown, ack: (a: unknown) => void) => ack({ ok: true }));
  state.socket = socket;
  return state;
}

function impression(screenId: string, k: number): Impression {
  const start = Date.UTC(2026, 11, 1, 8) + k * 1_000;
  return { id: uuidv7(), screenId, playlistId: 'infos', itemId: 'i', revision: 'r', start: new Date(start).toISOString(), end: new Date(start + 1_000).toISOString(), durationMs: 1_000, complete: true };
}

const events = (ticket: string): QueueEvent[] => [{ type: 'issued', ticket, service: 'titres', at: new Date().toISOString() }];

beforeAll(async () => {
  dbUrl = await postgres.freshDatabase();
  const media = mkdtempSync(join(tmpdir(), 'antichambre-cluster-media-'));
  const args = ['--db', dbUrl, '--broker', redis.url, '--media', media];
  // Started one after the other: the first migrates, the second finds the schema there.
  nodeA = await startHubProcess({ args });
  nodeB = await startHubProcess({ args });
  toA = await startTcpBalancer([nodeA.port, nodeB.port]);
  toB = await startTcpBalancer([nodeB.port, nodeA.port]);
}, 60_000);

afterAll(async () => {
  await toA?.close();
  await toB?.close();
  await nodeA?.stop();
  await nodeB?.stop();
});

describe('two hub nodes on one database and one broker', () => {
  let a: Player;
  let b: Player;

  it('report healthy and ready (database and broker reachable)', async () => {
    for (const node of [nodeA, nodeB]) {
      expect((await fetch(new URL('/healthz', node.url))).status).toBe(200);
      const ready = await fetch(new URL('/readyz', node.url));
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ok: true, database: 'ok', broker: 'ok' });
    }
  });

  it('a push through B, an alert through A and queue events posted to either reach the screens on both; status from either shows both online', async () => {
    const tokenA = await addScreen(nodeA, 'ecran-a', 'prefecture');
    const tokenB = await addScreen(nodeB, 'ecran-b', 'prefecture');
    a = player(toA.url, 'ecran-a', tokenA);
    b = player(toB.url, 'ecran-b', tokenB);
    await until('both screens connected', () => a.connects === 1 && b.connects === 1);

    const push = await adminApi<PushResult>(nodeB, 'POST', '/api/playlists', { playlists: [{ id: 'infos', items: [{ id: 't', type: 'text', duration: 5, title: 'Bonjour' }] }], target: { site: 'prefecture' } });
    expect(push.status).toBe(200);
    expect(push.body.screens.map((s) => [s.id, s.online])).toEqual([
      ['ecran-a', true],
      ['ecran-b', true],
    ]);
    const revision = push.body.screens[0]!.revision;
    await until('the push on both screens', () => a.playlists.at(-1)?.revision === revision && b.playlists.at(-1)?.revision === revision);
    await until('both acks recorded', async () => (await adminApi<ScreenList>(nodeA, 'GET', '/api/screens')).body.screens.every((s) => s.ackedRevision === revision));

    const alert = await adminApi<{ id: string }>(nodeA, 'POST', '/api/alerts', { level: 'urgent', text: 'Fermeture à 16 h', until: new Date(Date.now() + 3_600_000).toISOString(), target: { site: 'prefecture' } });
    expect(alert.status).toBe(201);
    await until('the alert on both screens', () => a.alerts.some((x) => x.id === alert.body.id) && b.alerts.some((x) => x.id === alert.body.id));
    await until('both alert acks recorded', async () => (await adminApi<AlertList>(nodeB, 'GET', '/api/alerts')).body.alerts[0]?.acks.length === 2);

    const site = await adminApi<{ token: string }>(nodeA, 'POST', '/api/sites/prefecture/token');
    for (const [node, ticket] of [
      [nodeA, 'A1'],
      [nodeB, 'B1'],
    ] as const) {
      const posted = await fetch(new URL('/api/sites/prefecture/queue', node.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${site.body.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: events(ticket) }),
      });
      expect(await posted.json()).toEqual({ stored: 1, duplicates: 0, screens: 2 });
    }
    const tickets = (p: Player) => p.queue.flat().map((e) => (e.type === 'issued' ? e.ticket : ''));
    await until('both tickets on both screens', () => ['A1', 'B1'].every((t) => tickets(a).includes(t) && tickets(b).includes(t)));

    const command = await adminApi<{ ok: boolean }>(nodeB, 'POST', '/api/commands', { screen: 'ecran-a', type: 'identify' });
    expect(command).toMatchObject({ status: 200, body: { ok: true } });

    for (const node of [nodeA, nodeB]) {
      const status = await hubCli(node, ['status']);
      expect(status.code).toBe(0);
      const rows = status.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s{2,}/));
      expect(rows.map((row) => [row[0], row[2]])).toEqual([
        ['ecran-a', 'yes'],
        ['ecran-b', 'yes'],
      ]);
    }
  }, 60_000);

  it('the broker stopped: /readyz says so; a push made meanwhile is stored at once and reaches the screens on both nodes once the broker is back', async () => {
    await redis.stop();
    await until('B not ready', async () => (await fetch(new URL('/readyz', nodeB.url))).status === 503);
    expect(await (await fetch(new URL('/readyz', nodeB.url))).json()).toEqual({ ok: false, database: 'ok', broker: 'unreachable' });
    expect((await fetch(new URL('/healthz', nodeB.url))).status).toBe(200);
    const push = await adminApi<PushResult>(nodeB, 'POST', '/api/playlists', { playlists: [{ id: 'infos', items: [{ id: 't', type: 'text', duration: 5, title: 'Pendant la coupure' }] }], target: { site: 'prefecture' } });
    expect(push.status).toBe(200);
    const revision = push.body.screens[0]!.revision;
    // Stored: whichever node a screen asks (hello), this is its set now.
    expect((await adminApi<{ revision: string }>(nodeA, 'GET', '/api/screens/ecran-a/playlists')).body.revision).toBe(revision);
    await redis.restart();
    await until('the push on both screens after the broker came back', () => a.playlists.at(-1)?.revision === revision && b.playlists.at(-1)?.revision === revision, 30_000);
    await until('A ready again', async () => (await fetch(new URL('/readyz', nodeA.url))).status === 200);
  }, 60_000);

  it('node A killed (SIGKILL): its screen reconnects to B, every impression is stored exactly once, none acked twice', async () => {
    const acked = new Map<string, number>();
    const sent: Impression[] = [];
    let outbox: Impression[] = [];
    let k = 0;
    let stop = false;
    // The player's outbox: a batch is deleted only when acked; what was in flight when the link broke is sent again.
    const sender = (async () => {
      while (!stop || outbox.length > 0) {
        if (!stop) {
          const fresh = Array.from({ length: 50 }, () => impression('ecran-a', k++));
          sent.push(...fresh);
          outbox.push(...fresh);
        }
        const batch = outbox.slice(0, 200);
        if (!a.socket.connected) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        const answer = (await a.socket
          .timeout(5_000)
          .emitWithAck('impressions', { impressions: batch })
          .catch(() => null)) as { ok: boolean } | null;
        if (answer?.ok) {
          for (const i of batch) acked.set(i.id, (acked.get(i.id) ?? 0) + 1);
          const done = new Set(batch.map((i) => i.id));
          outbox = outbox.filter((i) => !done.has(i.id));
        }
      }
    })();
    await until('some impressions acked through A', () => acked.size >= 500);
    const connectsBefore = a.connects;
    await nodeA.kill();
    const ackedAtKill = acked.size;
    await until('screen A back, through B', () => a.connects > connectsBefore && a.socket.connected, 30_000);
    await until('more impressions acked through B', () => acked.size >= ackedAtKill + 500, 30_000);
    stop = true;
    await sender;

    const check = new pg.Client({ connectionString: dbUrl });
    await check.connect();
    const stored = (await check.query<{ id: string }>("SELECT id FROM impressions WHERE screen_id = 'ecran-a'")).rows.map((row) => row.id);
    await check.end();
    expect(stored.length).toBe(new Set(stored).size);
    expect(new Set(stored)).toEqual(new Set(sent.map((i) => i.id)));
    expect([...acked.values()].every((n) => n === 1)).toBe(true);
    expect(acked.size).toBe(sent.length);

    // B alone: both screens online on it, and the push of the screen moved to it works.
    await until('B sees both online', async () => (await adminApi<ScreenList>(nodeB, 'GET', '/api/screens')).body.screens.every((s) => s.online));
    const push = await adminApi<PushResult>(nodeB, 'POST', '/api/playlists', { playlists: [{ id: 'infos', items: [{ id: 't', type: 'text', duration: 5, title: 'Après la panne' }] }], target: { site: 'prefecture' } });
    await until('the push after the failover on both screens', () => a.playlists.at(-1)?.revision === push.body.screens[0]!.revision && b.playlists.at(-1)?.revision === push.body.screens[1]!.revision);
    a.socket.close();
    b.socket.close();
  }, 90_000);
});
