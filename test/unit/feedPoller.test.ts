import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedPoller, feedAlertId, type FeedSinks } from '../../src/hub/feeds/feedPoller.js';
import { SqliteFeedStore } from '../../src/hub/stores/sqlite/feeds.js';
import { openSqliteDb as openHubDb, type SqliteDb as HubDb } from '../../src/hub/stores/sqlite/sqliteDb.js';
import { FeedCreate, type FeedCreateInput } from '../../src/shared/feeds.js';
import type { Playlist } from '../../src/shared/playlist.js';
import type { Alert } from '../../src/shared/protocol.js';
import { atomOfAlerts, BILLION_LAUGHS, homelandSecurityAlert, prefectureAlert, rssOfLinks, thunderstormWarning, townNewsRss } from '../support/feedSamples.js';
import { startFeedServer, type FeedServer } from '../support/feedServer.js';

/** The poller against CAP and news documents served by a local HTTP server, its sinks recorded. */

const MIN = 60_000;
const HOUR = 3_600_000;
let server: FeedServer;
const dbs: HubDb[] = [];

beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
  for (const db of dbs) db.close();
});

class Recorder implements FeedSinks {
  shown: { site: string; alert: Alert }[] = [];
  ended: string[] = [];
  published: { site: string; playlist: Playlist }[] = [];
  lines: string[] = [];
  async showAlert(site: string, alert: Alert) {
    this.shown.push({ site, alert });
  }
  async endAlert(id: string) {
    this.ended.push(id);
  }
  async publishPlaylist(site: string, playlist: Playlist) {
    this.published.push({ site, playlist });
  }
  log(line: string) {
    this.lines.push(line);
  }
}

async function setup(feed: FeedCreateInput, clock: { now: number }, fetchTimeoutMs?: number) {
  const db = openHubDb(':memory:');
  dbs.push(db);
  const store = new SqliteFeedStore(db);
  await store.add(FeedCreate.parse(feed), clock.now);
  const sinks = new Recorder();
  const poller = new FeedPoller(store, sinks, { now: () => clock.now, ...(fetchTimeoutMs ? { fetchTimeoutMs } : {}) });
  return { db, store, sinks, poller };
}

describe('CAP feed polling', () => {
  it('shows a new message once, updates and cancels it, across polls and a restart', async () => {
    const clock = { now: Date.now() };
    const t0 = clock.now;
    const v1 = { id: 'e-v1', updated: t0, xml: prefectureAlert({ identifier: 'v1', sent: t0 - MIN, expires: t0 + 6 * HOUR }) };
    server.set('/pref.atom', atomOfAlerts([v1]));
    const { store, sinks, poller } = await setup({ id: 'pref92', kind: 'cap', site: 'mairie', url: `${server.url}/pref.atom` }, clock);

    expect(await poller.poll('pref92')).toMatchObject({ lastError: null, active: 1 });
    const v1Id = feedAlertId('pref92', 'pref-hauts-de-seine@interieur.gouv.fr v1');
    expect(sinks.shown).toEqual([
      { site: 'mairie', alert: { id: v1Id, level: 'info', text: 'Vigilance orange vents violents (Hauts-de-Seine (92))', until: new Date(Math.floor((t0 + 6 * HOUR) / 1000) * 1000).toISOString() } },
    ]);

    // The same document again: nothing new.
    await poller.poll('pref92');
    expect(sinks.shown).toHaveLength(1);

    // An Update raising it to red (Severe, Immediate): the first ends, the new one is urgent.
    const v2 = { id: 'e-v2', updated: t0 + MIN, xml: prefectureAlert({ identifier: 'v2', sent: t0 + MIN, msgType: 'Update', references: [{ identifier: 'v1', sent: t0 - MIN }], severity: 'Severe', urgency: 'Immediate', headline: 'Vigilance rouge vents violents', expires: t0 + 6 * HOUR }) };
    server.set('/pref.atom', atomOfAlerts([v2, v1]));
    clock.now = t0 + 2 * MIN;
    expect(await poller.poll('pref92')).toMatchObject({ lastError: null, active: 1 });
    expect(sinks.ended).toEqual([v1Id]);
    const v2Id = feedAlertId('pref92', 'pref-hauts-de-seine@interieur.gouv.fr v2');
    expect(sinks.shown.at(-1)).toMatchObject({ alert: { id: v2Id, level: 'urgent', text: 'Vigilance rouge vents violents (Hauts-de-Seine (92))' } });

    // After a restart (a new poller on the same database), nothing is shown twice.
    const again = new Recorder();
    const restarted = new FeedPoller(store, again, { now: () => clock.now });
    await restarted.poll('pref92');
    expect(again.shown).toEqual([]);
    expect(again.ended).toEqual([]);

    // A Cancel: the red alert ends; none is active.
    const v3 = { id: 'e-v3', updated: t0 + 3 * MIN, xml: prefectureAlert({ identifier: 'v3', sent: t0 + 3 * MIN, msgType: 'Cancel', references: [{ identifier: 'v2', sent: t0 + MIN }] }) };
    server.set('/pref.atom', atomOfAlerts([v3, v2, v1]));
    expect(await restarted.poll('pref92')).toMatchObject({ lastError: null, active: 0 });
    expect(again.ended).toEqual([v2Id]);
    expect(again.shown).toEqual([]);
    await poller.close();
    await restarted.close();
  });

  it('a poll asked while another is under way runs after it, on the document as it is then', async () => {
    const clock = { now: Date.now() };
    const t0 = clock.now;
    const v1 = { id: 'e-v1', updated: t0, xml: prefectureAlert({ identifier: 'v1', sent: t0 - MIN, expires: t0 + HOUR }) };
    server.set('/overlap.atom', atomOfAlerts([v1]));
    const { sinks, poller } = await setup({ id: 'overlap', kind: 'cap', site: 'mairie', url: `${server.url}/overlap.atom` }, clock);
    const gate = server.gate('/overlap.atom');
    const first = poller.poll('overlap');
    await expect.poll(() => server.hits('/overlap.atom')).toBe(1);
    // The prefecture updates its feed while the first poll waits for its answer.
    const v2 = { id: 'e-v2', updated: t0 + 1, xml: prefectureAlert({ identifier: 'v2', sent: t0, msgType: 'Update', references: [{ identifier: 'v1', sent: t0 - MIN }], severity: 'Severe', urgency: 'Immediate', expires: t0 + HOUR }) };
    server.set('/overlap.atom', atomOfAlerts([v2, v1]));
    const second = poller.poll('overlap');
    gate.release();
    expect(await first).toMatchObject({ active: 1 });
    expect(await second).toMatchObject({ active: 1, lastError: null });
    expect(server.hits('/overlap.atom')).toBe(2);
    expect(sinks.shown.map((s) => s.alert.level)).toEqual(['info', 'urgent']);
    expect(sinks.ended).toEqual([feedAlertId('overlap', 'pref-hauts-de-seine@interieur.gouv.fr v1')]);
    await poller.close();
  });

  it('fetches the CAP documents an RSS feed links to, each once', async () => {
    const clock = { now: Date.now() };
    server.set('/cap/a1.xml', homelandSecurityAlert(clock.now - MIN), 'application/cap+xml');
    server.set('/cap/a2.xml', thunderstormWarning(clock.now - MIN, clock.now + HOUR), 'application/cap+xml');
    server.set('/links.rss', rssOfLinks([
      { guid: 'a1', url: `${server.url}/cap/a1.xml`, title: 'Code ORANGE', pubDate: clock.now },
      { guid: 'a2', url: `${server.url}/cap/a2.xml`, title: 'Thunderstorm', pubDate: clock.now },
    ]));
    const { sinks, poller } = await setup({ id: 'nws', kind: 'cap', site: 'clinique', url: `${server.url}/links.rss`, cap: { language: 'en' } }, clock);
    expect(await poller.poll('nws')).toMatchObject({ lastError: null, active: 2 });
    await poller.poll('nws');
    expect(sinks.shown.map((s) => s.alert.text)).toEqual(['Homeland Security Sets Code ORANGE (U.S. nationwide and interests worldwide) — A High Threat Condition is declared when there is a high risk of terrorist attacks.', expect.stringMatching(/^SEVERE THUNDERSTORM WARNING/)]);
    expect(server.hits('/cap/a1.xml')).toBe(1);
    expect(server.hits('/cap/a2.xml')).toBe(1);
    expect(server.hits('/links.rss')).toBe(2);
    await poller.close();
  });

  it('records an oversized, hostile or stalled document as the feed error, and keeps what was shown', async () => {
    const clock = { now: Date.now() };
    server.set('/hostile.atom', atomOfAlerts([{ id: 'e', updated: clock.now, xml: prefectureAlert({ identifier: 'h1', sent: clock.now, expires: clock.now + HOUR }) }]));
    const { sinks, poller, store } = await setup({ id: 'hostile', kind: 'cap', site: 'mairie', url: `${server.url}/hostile.atom` }, clock, 1_000);
    expect(await poller.poll('hostile')).toMatchObject({ lastError: null, active: 1 });

    server.set('/hostile.atom', `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">${'<entry><id>x</id></entry>'.repeat(90_000)}</feed>`);
    const oversized = await poller.poll('hostile');
    expect(oversized.lastError).toMatch(/hostile\.atom: more than the 2000000 bytes accepted$/);
    expect(oversized.active).toBe(1);

    server.set('/hostile.atom', BILLION_LAUGHS);
    expect((await poller.poll('hostile')).lastError).toMatch(/declares XML entities \(refused: entity expansion\)/);

    server.stall('/stalled.atom');
    await store.remove('hostile');
    await store.add(FeedCreate.parse({ id: 'hostile', kind: 'cap', site: 'mairie', url: `${server.url}/stalled.atom` }), clock.now);
    expect((await poller.poll('hostile')).lastError).toMatch(/stalled\.atom: cut off by the time limit|stalled\.atom: no answer within 1 s/);
    expect(sinks.ended).toEqual([]);
    expect(sinks.lines.filter((line) => line.startsWith('feed hostile:'))).toHaveLength(3);
    await poller.close();
  });

  it('owns its timers: close() disarms them and cuts a fetch under way', async () => {
    const clock = { now: Date.now() };
    server.stall('/slow.atom');
    const { poller } = await setup({ id: 'slow', kind: 'cap', site: 'mairie', url: `${server.url}/slow.atom` }, clock);
    await poller.start(3_600_000);
    expect(poller.scheduledCount()).toBe(1);
    const polling = poller.poll('slow');
    await expect.poll(() => server.hits('/slow.atom')).toBe(1);
    await poller.close();
    expect(poller.scheduledCount()).toBe(0);
    // The poll under way ended with close (not after the 15 s time limit); nothing is re-armed.
    await polling;
    expect(poller.scheduledCount()).toBe(0);
  });
});

describe('news feed polling', () => {
  it('writes the ticker playlist when its entries change: new ones in, old ones out, HTML stripped, length capped', async () => {
    const clock = { now: Date.now() };
    const t0 = clock.now;
    const items = [
      { guid: 'conseil', title: 'Conseil municipal &lt;strong&gt;jeudi 20 h&lt;/strong&gt;', pubDate: t0 - 2 * HOUR },
      { guid: 'sapins', title: 'Collecte des sapins de Noël le 8 janvier sur les points de collecte habituels de la ville', pubDate: t0 - 3 * HOUR },
      { guid: 'sans-date', title: 'Inscriptions scolaires ouvertes', pubDate: null },
    ];
    server.set('/actus.rss', townNewsRss(items));
    const { sinks, poller } = await setup({ id: 'actus', kind: 'news', site: 'mairie', url: `${server.url}/actus.rss`, news: { zone: 'bandeau', maxItems: 3, maxChars: 60, maxAgeHours: 24 } }, clock);
    expect(await poller.poll('actus')).toMatchObject({ lastError: null, active: 3 });
    expect(sinks.published).toHaveLength(1);
    const first = sinks.published[0]!;
    expect(first.site).toBe('mairie');
    expect(first.playlist).toMatchObject({ id: 'feed-actus', zone: 'bandeau' });
    expect(first.playlist.items.map((i) => (i.type === 'text' ? i.title : ''))).toEqual([
      'Inscriptions scolaires ouvertes',
      'Conseil municipal jeudi 20 h',
      'Collecte des sapins de Noël le 8 janvier sur les points de…', // 60 characters at most
    ]);

    // Polled again unchanged: the playlist is not written again.
    await poller.poll('actus');
    expect(sinks.published).toHaveLength(1);

    // A new entry: in first; at most 3, so the oldest leaves.
    server.set('/actus.rss', townNewsRss([{ guid: 'marche', title: 'Marché de Noël samedi', pubDate: t0 - HOUR }, ...items]));
    clock.now = t0 + MIN;
    await poller.poll('actus');
    expect(sinks.published).toHaveLength(2);
    expect(sinks.published[1]!.playlist.items.map((i) => i.id)).toHaveLength(3);
    expect(sinks.published[1]!.playlist.items.map((i) => (i.type === 'text' ? i.title : ''))).toEqual(['Inscriptions scolaires ouvertes', 'Marché de Noël samedi', 'Conseil municipal jeudi 20 h']);

    // A day later, everything dated has aged out; the dateless entry counts from when it was first seen.
    clock.now = t0 + 25 * HOUR;
    expect(await poller.poll('actus')).toMatchObject({ active: 0 });
    expect(sinks.published.at(-1)!.playlist.items).toEqual([]);
    await poller.close();
  });
});

describe('feeds shared by the nodes of a cluster', () => {
  it('two nodes on one database: their timers firing together poll the feed once; a feed added through one is armed by the other', async () => {
    // Two hub nodes' stores on one database (a SQLite file opened twice; PostgreSQL's claim is in the shared store suite).
    const file = join(mkdtempSync(join(tmpdir(), 'antichambre-feed-nodes-')), 'hub.db');
    const [dbA, dbB] = [openHubDb(file), openHubDb(file)];
    dbs.push(dbA, dbB);
    const [storeA, storeB] = [new SqliteFeedStore(dbA), new SqliteFeedStore(dbB)];
    const now = Date.now();
    server.set('/shared.atom', atomOfAlerts([{ id: 's1', updated: now, xml: prefectureAlert({ identifier: 's1', sent: now, expires: now + HOUR }) }]));
    await storeA.add(FeedCreate.parse({ id: 'shared', kind: 'cap', site: 'mairie', url: `${server.url}/shared.atom` }), now);
    const [sinksA, sinksB] = [new Recorder(), new Recorder()];
    const nodeA = new FeedPoller(storeA, sinksA, { rescanMs: 20 });
    const nodeB = new FeedPoller(storeB, sinksB, { rescanMs: 20 });
    try {
      await Promise.all([nodeA.start(0), nodeB.start(0)]);
      // Both timers fire in one turn of the event loop, both claims are made before the fetch answers: one fetch, one alert.
      await expect.poll(async () => (await storeA.get('shared'))?.state.lastOkAt ?? null).not.toBeNull();
      expect(server.hits('/shared.atom')).toBe(1);
      expect(sinksA.shown.length + sinksB.shown.length).toBe(1);

      await storeA.add(FeedCreate.parse({ id: 'later', kind: 'cap', site: 'mairie', url: `${server.url}/shared.atom`, everyMinutes: 60 }), Date.now());
      await expect.poll(() => nodeB.scheduledCount()).toBe(2);
    } finally {
      await Promise.all([nodeA.close(), nodeB.close()]);
    }
    expect(nodeB.scheduledCount()).toBe(0);
  });
});
