import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertList, AlertRecord } from '../../src/shared/adminApi.js';
import { newPlayerPage, onScreen, readStore, waitForItem } from '../support/browser.js';
import { useHubAndSite } from '../support/hubSuite.js';
import { addScreen, adminApi, hubCli } from '../support/hubProcess.js';
import { openTransactions, traceTransactions } from '../support/idbTrace.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';

const { browser, site, hub, playerUrl } = useHubAndSite();

async function alertOnScreen(page: import('playwright-core').Page): Promise<{ id: string | null; level: string | null; covers: boolean }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-alert-id]')].map((el) => {
      const box = el.getBoundingClientRect();
      return { id: el.getAttribute('data-alert-id'), level: el.getAttribute('data-alert-level'), covers: box.width >= window.innerWidth && box.height >= window.innerHeight };
    }),
  );
}


describe('a site of two screens', () => {
  it('both get a site push; an urgent alert covers both, survives a reload, and clear removes it', async () => {
    const tokens = [await addScreen(hub, 'salle-a', 'prefecture'), await addScreen(hub, 'salle-b', 'prefecture')];
    const players = await Promise.all(
      ['salle-a', 'salle-b'].map(async (id, k) => {
        const player = await newPlayerPage(browser());
        await player.page.goto(playerUrl(id, tokens[k]!));
        await waitForItem(player.page, 'bienvenue');
        return player;
      }),
    );

    const dir = makePlaylistsDir([{ id: 'prefecture', items: [{ id: 'titres', type: 'text', duration: 3, title: 'Titres de séjour : sur rendez-vous' }] }]);
    const push = await hubCli(hub, ['playlist', 'push', join(dir, 'prefecture.json'), '--site', 'prefecture']);
    expect(push.code).toBe(0);
    expect(push.stdout).toMatch(/screen salle-a: revision \w+, pushed now/);
    expect(push.stdout).toMatch(/screen salle-b: revision \w+, pushed now/);
    for (const { page } of players) await waitForItem(page, 'titres', 15_000);

    const sent = await hubCli(hub, ['alert', 'send', '--site', 'prefecture', '--level', 'urgent', '--text', 'Évacuation : suivez les agents', '--for', '30m', '--id', 'evac']);
    expect(sent.code).toBe(0);
    for (const { page } of players) {
      await expect.poll(() => alertOnScreen(page), { timeout: 10_000 }).toEqual([{ id: 'evac', level: 'urgent', covers: true }]);
      expect(await page.textContent('[data-alert-id="evac"]')).toContain('Évacuation : suivez les agents');
    }
    // Under an urgent alert nothing plays: the item on screen was cut short.
    await expect.poll(() => onScreen(players[0]!.page), { timeout: 5_000 }).toBe('idle');
    await expect.poll(async () => (await adminApi<AlertRecord>(hub, 'GET', '/api/alerts')).body, { timeout: 5_000 }).toMatchObject({ alerts: [{ id: 'evac', acks: [{}, {}] }] });

    // A reload keeps it, even with no hub to send it again: the screen stored it.
    await players[0]!.page.goto(site().url);
    await expect.poll(() => alertOnScreen(players[0]!.page), { timeout: 10_000 }).toEqual([{ id: 'evac', level: 'urgent', covers: true }]);
    await players[0]!.page.goto(playerUrl('salle-a', tokens[0]!));
    await expect.poll(() => alertOnScreen(players[0]!.page), { timeout: 10_000 }).toEqual([{ id: 'evac', level: 'urgent', covers: true }]);

    const cleared = await hubCli(hub, ['alert', 'clear', 'evac']);
    expect(cleared.code).toBe(0);
    for (const { page } of players) {
      await expect.poll(() => alertOnScreen(page), { timeout: 10_000 }).toEqual([]);
      await waitForItem(page, 'titres', 10_000);
    }
    // And it does not come back after a reload.
    await players[1]!.page.reload();
    await waitForItem(players[1]!.page, 'titres', 10_000);
    expect(await alertOnScreen(players[1]!.page)).toEqual([]);

    // An info alert is a band: the content plays on under it.
    await hubCli(hub, ['alert', 'send', '--screen', 'salle-a', '--text', 'Fermeture exceptionnelle à 16 h', '--for', '1h', '--id', 'fermeture']);
    await expect.poll(() => alertOnScreen(players[0]!.page), { timeout: 10_000 }).toEqual([{ id: 'fermeture', level: 'info', covers: false }]);
    expect(await onScreen(players[0]!.page)).toMatchObject({ itemId: 'titres' });
    expect(await alertOnScreen(players[1]!.page)).toEqual([]);
    for (const { context } of players) await context.close();
  });

  it('an alert sent again at each reconnection costs no write; one already over by the screen’s clock is acked, neither stored nor shown', async () => {
    const ackOf = async (id: string, screen: string): Promise<string | undefined> =>
      (await adminApi<AlertList>(hub, 'GET', '/api/alerts')).body.alerts.find((a) => a.id === id)?.acks.find((ack) => ack.screen === screen)?.at;
    const token = await addScreen(hub, 'salle-c', 'annexe');
    const player = await newPlayerPage(browser());
    await traceTransactions(player.context);
    await player.page.goto(playerUrl('salle-c', token));
    await waitForItem(player.page, 'bienvenue');
    await hubCli(hub, ['alert', 'send', '--screen', 'salle-c', '--text', 'Guichet 2 fermé', '--for', '1h', '--id', 'guichet']);
    await expect.poll(() => alertOnScreen(player.page), { timeout: 10_000 }).toEqual([{ id: 'guichet', level: 'info', covers: false }]);
    const firstAck = await ackOf('guichet', 'salle-c');
    expect(firstAck).toBeDefined();
    expect((await openTransactions(player.page)).opened['alerts:readwrite']).toBe(1);

    // A restart: the hub sends the alert again after `hello`; the screen acks it and writes nothing.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await player.page.reload();
    await expect.poll(() => ackOf('guichet', 'salle-c'), { timeout: 10_000 }).not.toBe(firstAck);
    expect(await alertOnScreen(player.page)).toEqual([{ id: 'guichet', level: 'info', covers: false }]);
    expect((await openTransactions(player.page)).opened['alerts:readwrite']).toBeUndefined();
    await player.context.close();

    // A screen whose clock runs 2 h ahead of the hub's: a 30-minute alert is over for it.
    const aheadToken = await addScreen(hub, 'salle-d', 'annexe');
    const ahead = await newPlayerPage(browser());
    await ahead.page.clock.install({ time: Date.now() + 2 * 3_600_000 });
    await ahead.page.goto(playerUrl('salle-d', aheadToken));
    await waitForItem(ahead.page, 'bienvenue');
    await hubCli(hub, ['alert', 'send', '--screen', 'salle-d', '--text', 'Déjà fini', '--for', '30m', '--id', 'passee']);
    await expect.poll(() => ackOf('passee', 'salle-d'), { timeout: 10_000 }).toBeDefined();
    expect(await alertOnScreen(ahead.page)).toEqual([]);
    expect(await readStore(ahead.page, 'alerts')).toEqual([]);
    await ahead.context.close();
  });
});
