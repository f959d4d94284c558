import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../src/shared/adminApi.js';
import { newPlayerPage, onScreen, waitForItem } from '../support/browser.js';
import { useHubAndSite } from '../support/hubSuite.js';
import { addScreen, adminApi, hubCli } from '../support/hubProcess.js';
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
});
