import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Alert, AlertClear, Command, PlaylistsMessage, QueueMessage } from '../../src/shared/protocol.js';
import { newPlayerPage, onScreen, readStore, waitForItem } from '../support/browser.js';
import { mutated, PROPERTY_SEED } from '../support/fuzzPayloads.js';
import { playerUrl, WELCOME_BUNDLE } from '../support/hubSuite.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { useBrowserAndSite, useStandInHub } from '../support/suite.js';

/**
 * Fuzz (fast-check), hub -> player: a stand-in hub (a real socket.io server on loopback) sends a
 * real Chromium player random and malformed `playlists`, `alert`, `alert:clear`, `queue` and
 * `command` payloads. Each invalid one is answered { ok: false, error: "<path>: <reason>" },
 * nothing of it is stored, the connection stays, and the screen keeps playing.
 */

const seed = PROPERTY_SEED;
const runs = Number(process.env.PROPERTY_RUNS ?? 40);
const { browser, site } = useBrowserAndSite({ playlistsDir: () => makePlaylistsDir(WELCOME_BUNDLE, 'bundle-r1') });
const hub = useStandInHub();

const now = () => Date.now();
const validOf: Record<string, () => Record<string, unknown>> = {
  playlists: () => ({ revision: 'fuzz-r', playlists: [{ id: 'fuzz', items: [{ id: 'fuzz-text', type: 'text', duration: 5, title: 'Fuzz' }] }] }),
  alert: () => ({ id: `a${now()}`, level: 'info', text: 'Test', until: new Date(now() + 60_000).toISOString() }),
  'alert:clear': () => ({ id: 'a1' }),
  queue: () => ({ events: [{ type: 'issued', ticket: 'A1', service: 'ec', at: new Date(now()).toISOString() }] }),
  command: () => ({ id: 'c1', type: 'identify' }),
};
const schemaOf = { playlists: PlaylistsMessage, alert: Alert, 'alert:clear': AlertClear, queue: QueueMessage, command: Command } as const;

describe('fuzz: hub -> player events, in a real Chromium', () => {
  it('every invalid payload is refused with its path, nothing of it is stored, and the screen plays on', async () => {
    const { page, errors } = await newPlayerPage(browser());
    await page.goto(playerUrl(site().url, hub().url, 'fuzz-screen', 'fuzz-token'));
    await waitForItem(page, 'bienvenue');
    const screen = await hub().connected();
    const validAlerts = new Set<string>();
    let validQueueEvents = 0;
    let refused = 0;
    for (const event of ['alert', 'alert:clear', 'queue', 'command', 'playlists'] as const) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.anything(), mutated(validOf[event]!)), async (payload) => {
          // Only the payloads the contract refuses are sent: a valid command could reload the page.
          const valid = schemaOf[event].safeParse(payload);
          if (valid.success) {
            if (event === 'alert') validAlerts.add((valid.data as Alert).id);
            if (event === 'queue') validQueueEvents += (valid.data as QueueMessage).events.length;
            if (event === 'command' || event === 'playlists') return;
          }
          const answer = (await screen.timeout(5_000).emitWithAck(event, payload)) as { ok: boolean; error?: string };
          if (valid.success) {
            // Not `return expect(…)`: fast-check takes any returned value but true or nothing for a failure.
            expect(answer.ok).toBe(true);
            return;
          }
          refused++;
          expect(answer.ok, JSON.stringify(payload)).toBe(false);
          expect(answer.error).toMatch(/^[^\n]*: .+/);
          expect(screen.connected).toBe(true);
        }),
        { seed, numRuns: runs },
      );
    }
    expect(refused).toBeGreaterThan(runs * 3);
    // Nothing invalid stored: alerts are only the valid ones, no hub set arrived, the queue holds
    // no more events than the valid messages carried.
    const alerts = await readStore<{ id: string }>(page, 'alerts');
    for (const alert of alerts) expect(validAlerts.has(alert.id)).toBe(true);
    const sets = await readStore<{ key: string; revision: string }>(page, 'sets');
    expect(sets.map((s) => [s.key, s.revision])).toEqual([['current', 'bundle-r1']]);
    expect((await readStore(page, 'queueEvents')).length).toBeLessThanOrEqual(validQueueEvents);
    // Still playing: an item (or an alert over it) on screen, never a blank page; no page error.
    expect(await onScreen(page)).not.toBeNull();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
