import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/hub/cli.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import type { ScreenList } from '../../src/shared/adminApi.js';
import { atomOfAlerts, prefectureAlert } from '../support/feedSamples.js';
import { startFeedServer, type FeedServer } from '../support/feedServer.js';
import { usePostgres } from '../support/postgresServer.js';

/** The CLI's feed and screen-viewing commands against a hub in this process (on SQLite, then on a real PostgreSQL) and a local feed server. */

const ADMIN = 'feed-cli-admin-token-0123456789abcdef';
let hub: RunningHub;
let feeds: FeedServer;
let dir: string;
const postgres = usePostgres();
const ENGINES = [
  { engine: 'SQLite', db: async () => join(dir, 'hub.db') },
  { engine: 'PostgreSQL', db: () => postgres.freshDatabase() },
] as const;

async function cli(args: string[]): Promise<{ out: string; error: Error | null }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    await run([...args, '--hub', hub.url, '--token', ADMIN]);
    return { out: lines.join('\n'), error: null };
  } catch (error) {
    return { out: lines.join('\n'), error: error as Error };
  } finally {
    log.mockRestore();
  }
}

describe.each(ENGINES)('on $engine', ({ db }) => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'antichambre-feed-cli-'));
    [hub, feeds] = await Promise.all([startHub({ db: await db(), port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} }), startFeedServer()]);
    await cli(['screen', 'add', 'hall-1', '--name', 'Hall', '--site', 'mairie']);
  });
  afterAll(async () => {
    await hub?.close();
    await feeds?.close();
  });

  describe('antichambre-hub feed', () => {
    it('adds a CAP feed and polls it at once, lists, polls and removes it (its alert cleared)', async () => {
      const now = Date.now();
      feeds.set('/pref.atom', atomOfAlerts([{ id: 'v1', updated: now, xml: prefectureAlert({ identifier: 'v1', sent: now, expires: now + 3_600_000 }) }]));
      const added = await cli(['feed', 'add', 'pref92', '--site', 'mairie', '--kind', 'cap', '--url', `${feeds.url}/pref.atom`, '--every', '10', '--min-severity', 'Moderate']);
      expect(added.error).toBeNull();
      expect(added.out).toMatch(new RegExp(`^pref92\\tcap\\tmairie\\t${feeds.url}/pref.atom\\tevery 10 min\\t1 alerte\\(s\\) active\\(s\\) / active alert\\(s\\)\\trelevé/polled \\S+, ok$`));
      const [alert] = await hub.stores.alerts.list();
      expect(alert).toMatchObject({ level: 'info', text: 'Vigilance orange vents violents (Hauts-de-Seine (92))', target: { site: 'mairie' }, clearedAt: null });

      // A broken document: the poll says why, the alert stays.
      feeds.set('/pref.atom', '<feed><entry>');
      const polled = await cli(['feed', 'poll', 'pref92']);
      expect(polled.out).toMatch(/1 alerte\(s\) active\(s\).*ERREUR\/ERROR: .*pref\.atom: not well-formed XML/);
      expect((await cli(['feed', 'list'])).out).toContain('ERREUR/ERROR');

      const removed = await cli(['feed', 'remove', 'pref92']);
      expect(removed.out).toBe('flux supprimé / feed removed: pref92 (ses alertes sont levées / its alerts are cleared)');
      expect((await hub.stores.alerts.get(alert!.id))?.clearedAt).not.toBeNull();
      expect((await cli(['feed', 'list'])).out).toBe('aucun flux / no feeds');
    });

    it('names what is wrong in a feed the hub refuses', async () => {
      const noZone = await cli(['feed', 'add', 'actus', '--site', 'mairie', '--kind', 'news', '--url', `${feeds.url}/actus.rss`]);
      expect(noZone.error?.message).toContain('news.zone: ');
      const badUrl = await cli(['feed', 'add', 'actus', '--site', 'mairie', '--kind', 'cap', '--url', 'file:///etc/passwd']);
      expect(badUrl.error?.message).toContain('url: expected an http(s) URL');
      await cli(['feed', 'add', 'twice', '--site', 'mairie', '--kind', 'cap', '--url', `${feeds.url}/none.atom`]);
      const twice = await cli(['feed', 'add', 'twice', '--site', 'mairie', '--kind', 'cap', '--url', `${feeds.url}/none.atom`]);
      expect(twice.error?.message).toContain('id: feed "twice" already exists');
      expect((await cli(['feed', 'poll', 'absent'])).error?.message).toContain('feed "absent" does not exist');
    });
  });

  describe('antichambre-hub screen viewing', () => {
    it('sets a screen size and distance, which playlist push then checks character height against', async () => {
      expect((await cli(['screen', 'viewing', 'hall-1', '--diagonal', '55', '--distance', '4'])).out).toBe('hall-1: 55 pouces/inches, lu à/read from 4 m');
      const listed = (await (await fetch(new URL('/api/screens', hub.url), { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as ScreenList;
      expect(listed.screens.find((s) => s.id === 'hall-1')?.viewing).toEqual({ diagonalInches: 55, distanceM: 4 });

      const file = join(dir, 'horaires.json');
      writeFileSync(file, JSON.stringify({ id: 'horaires', items: [{ id: 'ouverture', type: 'text', duration: 10, title: 'Ouvert de 8 h 30 à 17 h' }] }));
      const pushed = await cli(['playlist', 'push', file, '--screen', 'hall-1']);
      expect(pushed.error).toBeNull();
      expect(pushed.out).toContain(`avertissement/warning ${file}: items[0].title (écran/screen hall-1): majuscules de 36,6 mm sur un écran de 55 pouces (zone main) : 120,0 mm au moins pour une lecture à 4,0 m (3 % de la distance)`);

      // Pushed into a smaller zone, then pushed again without --layout: the screen's own zones size the text.
      const layout = join(dir, 'quart.layout.json');
      writeFileSync(layout, JSON.stringify({ id: 'quart', zones: [{ id: 'main', x: 0, y: 0, width: 50, height: 50 }] }));
      expect((await cli(['playlist', 'push', file, '--screen', 'hall-1', '--layout', layout])).out).toContain('majuscules de 18,3 mm');
      expect((await cli(['playlist', 'push', file, '--screen', 'hall-1'])).out).toContain('majuscules de 18,3 mm');
      expect((await cli(['playlist', 'push', file, '--screen', 'hall-1', '--layout', 'none'])).out).toContain('majuscules de 36,6 mm');

      expect((await cli(['screen', 'viewing', 'hall-1', '--none'])).out).toBe('hall-1: taille et distance effacées / size and distance unset');
      expect((await cli(['playlist', 'push', file, '--screen', 'hall-1'])).out).not.toContain('warning');
      expect((await cli(['screen', 'viewing', 'nowhere', '--diagonal', '55', '--distance', '4'])).error?.message).toContain('screen "nowhere" does not exist');
    });
  });
});
