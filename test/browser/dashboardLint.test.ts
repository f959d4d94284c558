import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, adminApi } from '../support/hubProcess.js';
import { useDashboard } from '../support/dashboardSuite.js';

/**
 * The playlist editor lints as you type (issue 20): each item listed with its findings beside it,
 * at their field's path; an error (contrast below 3:1) keeps the push button disabled.
 */

/** DASHBOARD_SCREENSHOTS=docs writes the editor's lint as docs/dashboard-lint.png (npm run screenshots:dashboard). */
const SHOTS = process.env['DASHBOARD_SCREENSHOTS'] ? resolve(process.env['DASHBOARD_SCREENSHOTS']) : null;

const dashboard = useDashboard();
const hub = dashboard.hub;
let page: Page;

beforeAll(() => {
  page = dashboard.page();
});

const playlist = {
  id: 'accueil',
  items: [
    { id: 'rappel', type: 'text', duration: 3, title: 'Pensez à vos pièces justificatives', body: 'Carte d’identité, justificatif de domicile de moins de trois mois, photo conforme.' },
    { id: 'horaires', type: 'text', duration: 20, title: 'Horaires', colors: { text: '#ffd23f', background: '#ffffff' } },
    { id: 'bienvenue', type: 'text', duration: 8, title: 'Bienvenue' },
  ],
};

function findingsOf(item: string): Promise<{ rule: string | null; path: string | null; severity: string | null; text: string }[]> {
  return page.$$eval(`[data-lint-item="${item}"] [data-lint-rule]`, (nodes) =>
    nodes.map((n) => ({ rule: n.getAttribute('data-lint-rule'), path: n.getAttribute('data-lint-path'), severity: n.getAttribute('data-lint-severity'), text: n.textContent ?? '' })),
  );
}

describe('the playlist editor lints every item', () => {
  it('shows each finding beside its item, with its path; an error disables the push until fixed', async () => {
    await page.goto(`${hub.url}/#/playlists`);
    await page.check('input[name="playlist-view"][value="json"]');
    await page.fill('#playlist-json', JSON.stringify(playlist, null, 2));
    await page.waitForSelector('[data-lint-item="accueil/rappel"] [data-lint-rule]');

    expect(await findingsOf('accueil/rappel')).toEqual([
      { rule: 'reading-time', path: 'items[0].duration', severity: 'warning', text: 'Avertissement items[0].duration : 18 mots demandent 9 s à un lecteur lent (126 mots/min, IReST) : la durée est de 3 s' },
    ]);
    expect(await findingsOf('accueil/horaires')).toEqual([
      { rule: 'contrast', path: 'items[1].colors.text', severity: 'error', text: expect.stringContaining('Erreur items[1].colors.text : contraste 1,44:1') },
    ]);
    expect(await findingsOf('accueil/bienvenue')).toEqual([]);
    expect(await page.textContent('[data-lint-item="accueil/bienvenue"]')).toContain('rien à signaler');
    // The finding sits in the item's own row, beside its name.
    expect(await page.textContent('[data-lint-item="accueil/horaires"] .lint-item-name')).toContain('accueil/horaires');
    expect(await page.isDisabled('#push-title ~ .buttons button:first-child')).toBe(true);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await (await page.$('[data-lint]'))!.screenshot({ path: join(SHOTS, 'dashboard-lint.png') });
    }

    // Darker text: the error goes, the push is possible (the warning stays).
    await page.fill('#playlist-json', JSON.stringify({ ...playlist, items: playlist.items.map((i) => (i.id === 'horaires' ? { ...i, colors: { text: '#0b1f3a', background: '#ffffff' } } : i)) }, null, 2));
    await expect.poll(() => findingsOf('accueil/horaires')).toEqual([]);
    expect(await page.isDisabled('#push-title ~ .buttons button:first-child')).toBe(false);
    expect((await findingsOf('accueil/rappel')).map((f) => f.rule)).toEqual(['reading-time']);

    // In English too.
    await page.selectOption('header select', 'en');
    await expect.poll(() => findingsOf('accueil/rappel').then((f) => f[0]?.text)).toBe('Warning items[0].duration : 18 words take a slow reader 9 s (126 words/min, IReST): the duration is 3 s');
  });

  it('checks character height for the target screen size and distance set on its page, and captions of a video the hub found audio in', async () => {
    expect((await adminApi(hub, 'POST', '/api/screens', { id: 'hall-1', name: 'Hall', site: 'mairie', timezone: 'Europe/Paris' })).status).toBe(201);
    await page.goto(`${hub.url}/#/screens/hall-1`);
    await page.waitForSelector('#viewing-diagonal');
    await page.selectOption('header select', 'fr');
    await page.fill('#viewing-diagonal', '55');
    await page.fill('#viewing-distance', '4,5');
    await page.click('[data-viewing-form] button[type=submit]');
    await expect.poll(() => page.textContent('[data-viewing-form] [data-viewing-note]')).toBe('Enregistré');

    // A talking video on the hub (the fixture has an AAC track).
    const talk = readFileSync(resolve(import.meta.dirname, '../fixtures/media/talk.mp4'));
    const sha = createHash('sha256').update(talk).digest('hex');
    const upload = await fetch(new URL(`/api/media/${sha}`, hub.url), { method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'video/mp4' }, body: talk });
    expect(upload.status).toBe(201);

    await page.goto(`${hub.url}/#/playlists`);
    await page.check('input[name="playlist-view"][value="json"]');
    const video = { id: 'passeport', type: 'video', src: `${hub.url}/media/${sha}`, sha256: sha };
    await page.fill('#playlist-json', JSON.stringify({ id: 'accueil', items: [{ id: 'bienvenue', type: 'text', duration: 8, title: 'Bienvenue' }, video] }, null, 2));
    await expect.poll(() => findingsOf('accueil/passeport').then((f) => f.map((x) => `${x.rule} ${x.path}`))).toEqual(['captions items[1].captions']);
    const height = await findingsOf('accueil/bienvenue');
    expect(height.map((f) => [f.rule, f.path, f.severity])).toEqual([['character-height', 'items[0].title', 'warning']]);
    expect(height[0]!.text).toContain('(Écran hall-1) : majuscules de 36,6 mm sur un écran de 55 pouces (zone main) : 135,0 mm au moins pour une lecture à 4,5 m');
  });
});
