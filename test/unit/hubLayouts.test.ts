import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImpressionList, PushResult, ScreenSet, ScreenToken } from '../../src/shared/adminApi.js';
import type { Impression } from '../../src/shared/impression.js';
import type { LayoutInput } from '../../src/shared/layout.js';
import { layoutPreset } from '../../src/shared/layoutPresets.js';
import { PlaylistsMessage } from '../../src/shared/protocol.js';
import { PROPERTY_SEED } from '../support/fuzzPayloads.js';
import { run } from '../../src/hub/cli.js';
import { SQLITE_MIGRATIONS as MIGRATIONS, openSqliteDb as openHubDb } from '../../src/hub/stores/sqlite/sqliteDb.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { SqliteImpressionStore } from '../../src/hub/stores/sqlite/impressions.js';
import { WalSync } from '../../src/hub/stores/sqlite/walSync.js';
import { adminApi, connectScreen, keepingSets } from '../support/hubClient.js';

/** Layouts (protocol §6) through the hub: pushed with playlists, stored per screen or site, sent in `playlists`; impressions per zone. */

const ADMIN = 'unit-admin-token';
let hub: RunningHub;
let dir: string;

const api = adminApi(() => hub.url, ADMIN);

async function screen(id: string, site: string): Promise<ScreenToken> {
  return (await api<ScreenToken>('POST', '/api/screens', { id, name: id, site, timezone: 'Europe/Paris' })).body;
}

const setOf = async (id: string): Promise<ScreenSet> => (await api<ScreenSet>('GET', `/api/screens/${id}/playlists`)).body;

/** A player standing in with a real socket.io client: every `playlists` message it receives, acked. */
async function player(created: ScreenToken): Promise<{ socket: Socket; received: PlaylistsMessage[] }> {
  const received: PlaylistsMessage[] = [];
  const socket = await connectScreen(hub.url, created, keepingSets(received));
  await socket.emitWithAck('hello', { revision: null, version: 'unit', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } });
  return { socket, received };
}

const text = (id: string, zone?: string) => ({ id, ...(zone ? { zone } : {}), items: [{ id: `${id}-t`, type: 'text', duration: 5, title: id }] });
const withTicker = layoutPreset('carrousel-file-bandeau').make(['etat-civil', 'titres']);
const withQueue = layoutPreset('carrousel-file').make(['etat-civil']);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'antichambre-hub-layouts-'));
  hub = await startHub({ db: join(dir, 'hub.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
});
afterAll(async () => {
  await hub?.close();
});

describe('a layout pushed with playlists', () => {
  it('is stored, shown in the screen set and carried in the playlists message; the revision follows it', async () => {
    const created = await screen('accueil-1', 'mairie-a');
    const { socket, received } = await player(created);
    const push = (layout: unknown) => api<PushResult>('POST', '/api/playlists', { playlists: [text('infos'), text('breves', 'bandeau')], target: { screen: 'accueil-1' }, layout });

    const first = await push(withTicker);
    expect(first.status).toBe(200);
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]).toMatchObject({ revision: first.body.screens[0]!.revision, layout: withTicker });
    expect(received[0]!.playlists.map((p) => [p.id, p.zone])).toEqual([['breves', 'bandeau'], ['infos', undefined]]);
    expect(await setOf('accueil-1')).toMatchObject({ revision: first.body.screens[0]!.revision, layout: withTicker });

    // The same playlists and layout: the same revision. Another layout (the ticker moved up): a new one, sent.
    expect((await push(withTicker)).body.screens[0]!.revision).toBe(first.body.screens[0]!.revision);
    const moved = { ...withTicker, zones: withTicker.zones.map((zone) => (zone.id === 'bandeau' ? { ...zone, height: 10 } : zone)) };
    const second = await push(moved);
    expect(second.body.screens[0]!.revision).not.toBe(first.body.screens[0]!.revision);
    await expect.poll(() => received.at(-1)?.revision).toBe(second.body.screens[0]!.revision);
    expect(received.at(-1)!.layout!.zones[2]!.height).toBe(10);
    // The services' names (an extension of the layout) are stored and carried with it, and change the revision.
    const named = { ...moved, serviceNames: { 'etat-civil': 'État civil' } };
    const third = await push(named);
    expect(third.body.screens[0]!.revision).not.toBe(second.body.screens[0]!.revision);
    await expect.poll(() => received.at(-1)?.revision).toBe(third.body.screens[0]!.revision);
    expect(received.at(-1)!.layout!.serviceNames).toEqual({ 'etat-civil': 'État civil' });
    expect((await setOf('accueil-1')).layout!.serviceNames).toEqual({ 'etat-civil': 'État civil' });
    socket.close();
  });

  it('keeps the revision of a set without a layout as before (a digest of its playlists only)', async () => {
    await screen('sans-1', 'mairie-s');
    const pushed = await api<PushResult>('POST', '/api/playlists', { playlists: [text('seul')], target: { screen: 'sans-1' } });
    const { createHash } = await import('node:crypto');
    const body = JSON.stringify((await setOf('sans-1')).playlists[0]);
    expect(pushed.body.screens[0]!.revision).toBe(createHash('sha256').update(body).digest('hex').slice(0, 16));
    expect((await setOf('sans-1')).layout).toBeNull();
  });

  it("gives a screen its own layout over its site's, and layout null takes it back to the site's", async () => {
    await screen('hall-1', 'mairie-b');
    await screen('hall-2', 'mairie-b');
    expect((await api('POST', '/api/playlists', { playlists: [text('commun')], target: { site: 'mairie-b' }, layout: withQueue })).status).toBe(200);
    expect((await api('POST', '/api/playlists', { playlists: [text('propre')], target: { screen: 'hall-2' }, layout: withTicker })).status).toBe(200);
    expect((await setOf('hall-1')).layout).toEqual(withQueue);
    expect((await setOf('hall-2')).layout).toEqual(withTicker);

    expect((await api('POST', '/api/playlists', { playlists: [text('propre')], target: { screen: 'hall-2' }, layout: null })).status).toBe(200);
    expect((await setOf('hall-2')).layout).toEqual(withQueue);
    expect((await api('POST', '/api/playlists', { playlists: [text('commun')], target: { site: 'mairie-b' }, layout: null })).status).toBe(200);
    expect(await setOf('hall-2')).toMatchObject({ layout: null, playlists: [{ id: 'commun' }, { id: 'propre' }] });
  });
});

describe('a push that would make a set no screen can play', () => {
  it('is refused with the path of an invalid layout, and the old set plays on', async () => {
    const created = await screen('guichet-1', 'mairie-c');
    const ok = await api<PushResult>('POST', '/api/playlists', { playlists: [text('infos')], target: { screen: 'guichet-1' }, layout: withQueue });
    const { socket, received } = await player(created);
    await expect.poll(() => received.length).toBe(1);

    const overlapping: LayoutInput = { id: 'chevauche', zones: [{ id: 'main', x: 0, y: 0, width: 70, height: 100 }, { id: 'file', x: 60, y: 0, width: 50, height: 100, kind: 'queue' }] };
    const refused = await api<{ error: string }>('POST', '/api/playlists', { playlists: [text('infos')], target: { screen: 'guichet-1' }, layout: overlapping });
    expect(refused).toEqual({ status: 400, body: { error: 'layout.zones[1].width: x + width is 110: the zone leaves the screen (at most 100); layout.zones[1]: overlaps zone "main"' } });

    const unknownZone = await api<{ error: string }>('POST', '/api/playlists', { playlists: [text('infos'), text('breves', 'bandeau')], target: { screen: 'guichet-1' }, layout: withQueue });
    expect(unknownZone).toEqual({ status: 400, body: { error: 'playlists[1].zone: unknown zone "bandeau" (the layout has main, file)' } });
    const queueZone = await api<{ error: string }>('POST', '/api/playlists', { playlists: [text('guichet-breves', 'file')], target: { screen: 'guichet-1' } });
    expect(queueZone).toEqual({ status: 400, body: { error: 'playlists[0].zone: zone "file" is a queue zone: it plays no playlist (for screen "guichet-1")' } });

    expect(await setOf('guichet-1')).toMatchObject({ revision: ok.body.screens[0]!.revision, layout: withQueue, playlists: [{ id: 'infos' }] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toHaveLength(1);
    socket.close();
  });

  it('is refused when it would leave a playlist assigned before in a zone its screen no longer has, naming it', async () => {
    await screen('salle-1', 'mairie-d');
    expect((await api('POST', '/api/playlists', { playlists: [text('infos'), text('breves', 'bandeau')], target: { site: 'mairie-d' }, layout: withTicker })).status).toBe(200);
    const before = await setOf('salle-1');

    const ownLayout = await api<{ error: string }>('POST', '/api/playlists', { playlists: [text('salle')], target: { screen: 'salle-1' }, layout: withQueue });
    expect(ownLayout).toEqual({ status: 400, body: { error: 'layout: screen "salle-1" also plays playlist "breves" (assigned before), whose zone: unknown zone "bandeau" (the layout has main, file)' } });
    const removed = await api<{ error: string }>('POST', '/api/playlists', { playlists: [text('infos')], target: { site: 'mairie-d' }, layout: null });
    expect(removed.status).toBe(400);
    expect(removed.body.error).toContain('layout: screen "salle-1" also plays playlist "breves" (assigned before), whose zone: unknown zone "bandeau": without a layout the only zone is main');
    expect(removed.body.error).toContain('layout: site "mairie-d" also plays playlist "breves"');

    // Nothing of the refused pushes was kept: no playlist "salle", the site's layout still there.
    expect(await setOf('salle-1')).toEqual(before);
    expect((await api('GET', '/api/playlists/salle/history')).body).toEqual({ versions: [] });
    // Replacing the assignments with the layout gone is fine: "breves" is no longer assigned.
    expect((await api('POST', '/api/playlists', { playlists: [text('infos')], target: { site: 'mairie-d' }, layout: null, replace: true })).status).toBe(200);
    expect(await setOf('salle-1')).toMatchObject({ layout: null, playlists: [{ id: 'infos' }] });
  });

  it('checks every screen a pushed playlist already plays on, not only the target', async () => {
    await screen('ici-1', 'mairie-e');
    await screen('la-bas-1', 'mairie-f');
    expect((await api('POST', '/api/playlists', { playlists: [text('partage', 'bandeau')], target: { screen: 'ici-1' }, layout: withTicker })).status).toBe(200);
    expect((await api('POST', '/api/playlists', { playlists: [text('partage', 'bandeau')], target: { screen: 'la-bas-1' }, layout: withTicker })).status).toBe(200);
    // Moving the playlist to a zone only la-bas-1's new layout has would break ici-1: refused, naming it.
    const other = { id: 'autre', zones: [{ id: 'main', x: 0, y: 0, width: 100, height: 80 }, { id: 'bas', x: 0, y: 80, width: 100, height: 20, kind: 'ticker' }] };
    const refused = await api<{ error: string }>('POST', '/api/playlists', { playlists: [text('partage', 'bas')], target: { screen: 'la-bas-1' }, layout: other });
    expect(refused).toEqual({ status: 400, body: { error: 'playlists[0].zone: unknown zone "bas" (the layout has main, file, bandeau) (for screen "ici-1")' } });
    expect((await setOf('ici-1')).playlists[0]!.zone).toBe('bandeau');
  });

  it('checks a site with no screen yet against its own layout', async () => {
    expect((await api('POST', '/api/playlists', { playlists: [text('vide')], target: { site: 'mairie-vide' }, layout: withTicker })).status).toBe(200);
    const refused = await api<{ error: string }>('POST', '/api/playlists', { playlists: [text('vide')], target: { site: 'mairie-vide' }, layout: null });
    expect(refused.status).toBe(200);
    const bad = await api<{ error: string }>('POST', '/api/playlists', { playlists: [text('ailleurs', 'ailleurs')], target: { site: 'mairie-vide' } });
    expect(bad).toEqual({ status: 400, body: { error: 'playlists[0].zone: unknown zone "ailleurs": without a layout the only zone is main (for site "mairie-vide")' } });
  });

  it('names a problem of the whole set by its own path, not as the layout\'s: more playlists than a set holds', async () => {
    await screen('plein-1', 'mairie-pleine');
    const many = (prefix: string, n: number) => Array.from({ length: n }, (_, k) => text(`${prefix}-${k}`));
    expect((await api('POST', '/api/playlists', { playlists: many('site', 150), target: { site: 'mairie-pleine' } })).status).toBe(200);
    const before = await setOf('plein-1');
    const refused = await api<{ error: string }>('POST', '/api/playlists', { playlists: many('ecran', 51), target: { screen: 'plein-1' } });
    expect(refused).toEqual({ status: 400, body: { error: 'screen "plein-1": playlists: expected at most 200 playlists in a set' } });
    expect(await setOf('plein-1')).toEqual(before);
  });
});

describe('any sequence of pushes', () => {
  it('never leaves a screen with a set whose playlists name a zone its layout lacks; a refused push changes nothing', async () => {
    const screens = [['prop-1', 'prop-a'], ['prop-2', 'prop-a'], ['prop-3', 'prop-b']] as const;
    for (const [id, site] of screens) await screen(id, site);
    const other = { id: 'autre', zones: [{ id: 'main', x: 0, y: 0, width: 100, height: 80 }, { id: 'bas', x: 0, y: 80, width: 100, height: 20, kind: 'ticker' }] };
    const push = fc.record(
      {
        playlists: fc.uniqueArray(fc.record({ id: fc.constantFrom('pa', 'pb', 'pc'), zone: fc.constantFrom(undefined, 'main', 'bandeau', 'file', 'bas') }), { minLength: 1, maxLength: 3, selector: (p) => p.id }),
        target: fc.constantFrom({ screen: 'prop-1' }, { screen: 'prop-3' }, { site: 'prop-a' }, { site: 'prop-b' }, { site: 'prop-vide' }),
        replace: fc.boolean(),
        layout: fc.constantFrom(undefined, null, withTicker, withQueue, other),
      },
      { requiredKeys: ['playlists', 'target', 'replace'] },
    );
    const sets = () => Promise.all(screens.map(([id]) => setOf(id)));
    await fc.assert(
      fc.asyncProperty(fc.array(push, { minLength: 1, maxLength: 5 }), async (pushes) => {
        for (const body of pushes) {
          const before = await sets();
          const answer = await api<{ error?: string }>('POST', '/api/playlists', { ...body, playlists: body.playlists.map((p) => text(p.id, p.zone)) });
          const after = await sets();
          if (answer.status === 400) {
            expect(answer.body.error).toMatch(/^(playlists\[\d\]\.zone|layout): /);
            expect(after).toEqual(before);
          } else expect(answer.status).toBe(200);
          for (const set of after) {
            if (set.revision === null) continue;
            const checked = PlaylistsMessage.safeParse({ revision: set.revision, playlists: set.playlists, ...(set.layout ? { layout: set.layout } : {}) });
            expect(checked.success, JSON.stringify(set)).toBe(true);
          }
        }
      }),
      { seed: PROPERTY_SEED, numRuns: Number(process.env.PROPERTY_RUNS ?? 25) },
    );
  }, 120_000);
});

describe('impressions per zone', () => {
  function impression(screenId: string, k: number, extra: Partial<Impression> = {}): Impression {
    const start = Date.UTC(2026, 10, 2, 8) + k * 8_000;
    return { id: uuidv7(), screenId, playlistId: 'p', itemId: 'i', revision: 'r', start: new Date(start).toISOString(), end: new Date(start + 8_000).toISOString(), durationMs: 8_000, complete: true, ...extra };
  }

  it('stores zoneId (main when absent) and audience (null when absent), in the JSON list and the CSV', async () => {
    const { socket } = await player(await screen('zones-1', 'mairie-z'));
    const batch = [impression('zones-1', 0), impression('zones-1', 1, { zoneId: 'bandeau', audience: 4.5 }), impression('zones-1', 2, { zoneId: 'main', audience: 0 })];
    expect(await socket.emitWithAck('impressions', { impressions: batch })).toEqual({ ok: true, stored: 3, duplicates: 0 });
    const { impressions } = (await api<ImpressionList>('GET', '/api/impressions?screen=zones-1')).body;
    expect(impressions.map((i) => [i.zoneId, i.audience])).toEqual([['main', null], ['bandeau', 4.5], ['main', 0]]);
    const csv = (await api<string>('GET', '/api/impressions?screen=zones-1&format=csv')).body.trimEnd().split('\r\n');
    expect(csv[0]).toBe('id,screenId,playlistId,itemId,revision,start,end,durationMs,complete,receivedAt,zoneId,audience,personSeconds');
    // personSeconds: audience × seconds on screen (8 s), empty without queue data.
    expect(csv.slice(1).map((line) => line.split(',').slice(-3))).toEqual([['main', '', ''], ['bandeau', '4.5', '36'], ['main', '0', '0']]);
    expect(await socket.emitWithAck('impressions', { impressions: [impression('zones-1', 3, { audience: -1 })] })).toEqual({ ok: false, error: 'impressions[0].audience: expected a number of people >= 0' });
    socket.close();
  });

  it('migrates a hub database of the previous schema keeping its impressions (zone main, no audience)', async () => {
    const path = join(dir, 'v3.db');
    const old = new Database(path);
    for (const migration of MIGRATIONS.slice(0, 3)) old.exec(migration);
    old.pragma('user_version = 3');
    old
      .prepare('INSERT INTO impressions (id, screen_id, playlist_id, item_id, revision, start, end, duration_ms, complete, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run('0190b5d2-0000-7000-8000-000000000001', 'ancien', 'p', 'i', 'r', '2026-11-02T08:00:00.000Z', '2026-11-02T08:00:08.000Z', 8000, 1, '2026-11-02T08:00:09.000Z');
    old.close();

    const db = openHubDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(await new SqliteImpressionStore(db, new WalSync(null)).query({})).toEqual([
      { id: '0190b5d2-0000-7000-8000-000000000001', screenId: 'ancien', playlistId: 'p', itemId: 'i', revision: 'r', start: '2026-11-02T08:00:00.000Z', end: '2026-11-02T08:00:08.000Z', durationMs: 8000, complete: true, receivedAt: '2026-11-02T08:00:09.000Z', zoneId: 'main', audience: null },
    ]);
    db.close();
  });
});

describe('the CLI: playlist push --layout', () => {
  async function cli(args: string[]): Promise<string> {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      await run([...args, '--hub', hub.url, '--token', ADMIN]);
    } finally {
      log.mockRestore();
    }
    return lines.join('\n');
  }

  it('pushes a layout file, refuses an invalid one or a zone it lacks before any upload, and --layout none removes it', async () => {
    await screen('cli-1', 'mairie-cli');
    const write = (name: string, value: unknown): string => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(value));
      return path;
    };
    const infos = write('infos.json', text('infos'));
    const breves = write('breves.json', text('breves', 'bandeau'));
    const layout = write('layout.json', withTicker);

    expect(await cli(['playlist', 'push', infos, breves, '--screen', 'cli-1', '--layout', layout])).toContain('layout carrousel-file-bandeau: main (playlist), file (queue), bandeau (ticker)');
    expect(await setOf('cli-1')).toMatchObject({ layout: withTicker, playlists: [{ id: 'breves', zone: 'bandeau' }, { id: 'infos' }] });

    const badLayout = write('bad-layout.json', { id: 'x', zones: [{ id: 'main', x: 0, y: 0, width: 100, height: 100 }, { id: 'main', x: 0, y: 0, width: 10, height: 10, kind: 'dance' }] });
    await expect(cli(['playlist', 'push', infos, '--screen', 'cli-1', '--layout', badLayout])).rejects.toThrow(`${badLayout}: zones[1].kind: expected kind playlist, ticker, queue or clock`);
    const queueOnly = write('queue-layout.json', withQueue);
    await expect(cli(['playlist', 'push', infos, breves, '--screen', 'cli-1', '--layout', queueOnly])).rejects.toThrow(`${breves}: zone: unknown zone "bandeau" (the layout has main, file) (in ${queueOnly})`);
    await expect(cli(['playlist', 'push', infos, '--screen', 'cli-1', '--layout', join(dir, 'absent.json')])).rejects.toThrow(`${join(dir, 'absent.json')}: file not found`);
    expect((await setOf('cli-1')).layout).toEqual(withTicker);

    // The hub's own check: "breves" (assigned before) still names the ticker zone.
    await expect(cli(['playlist', 'push', infos, '--screen', 'cli-1', '--layout', 'none'])).rejects.toThrow('layout: screen "cli-1" also plays playlist "breves" (assigned before)');
    expect(await cli(['playlist', 'push', infos, '--screen', 'cli-1', '--replace', '--layout', 'none'])).toContain('layout removed');
    expect(await setOf('cli-1')).toMatchObject({ layout: null, playlists: [{ id: 'infos' }] });
  });
});
