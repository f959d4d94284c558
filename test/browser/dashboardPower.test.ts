import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { ScreenList } from '../../src/shared/adminApi.js';
import type { StatusMessage } from '../../src/shared/protocol.js';
import { newPlayerPage } from '../support/browser.js';
import { useHubAndSite } from '../support/hubSuite.js';
import { addScreen, ADMIN_TOKEN, adminApi } from '../support/hubProcess.js';

/** The dashboard (served by a real hub process) shows a sleeping screen's state, its schedule, takes its wattage, and reports hours off and energy saved. */

const { browser, hub } = useHubAndSite();

const status = (at: string, power: NonNullable<StatusMessage['power']>): StatusMessage => ({ at, revision: null, playing: null, cache: { bytes: 0, files: 0, missing: 0 }, outbox: 0, uptimeS: 60, version: 'test', power });

describe('the dashboard and screens asleep', () => {
  it('shows the display state and schedule, saves the wattage, and reports hours off and kWh saved', async () => {
    const token = await addScreen(hub, 'veille-1', 'mairie', 'Accueil');
    expect((await adminApi(hub, 'POST', '/api/playlists', { target: { site: 'mairie' }, playlists: [{ id: 'accueil', items: [{ id: 't', type: 'text', duration: 10, title: 'Bienvenue' }] }] })).status).toBe(200);
    expect((await adminApi(hub, 'PUT', '/api/power/schedule', { target: { site: 'mairie' }, power: { open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '17:30' }] }] } })).status).toBe(200);
    const socket = io(`${hub.url}/screens`, { auth: { screenId: 'veille-1', token, protocol: 1, version: 'test' }, transports: ['websocket'], reconnection: false });
    await socket.emitWithAck('hello', { revision: null, version: 'test', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } });
    // Tuesday 1 December 2026: on 08:30–17:30, then off (the display powered down) until Wednesday 08:30.
    socket.emit('status', status('2026-12-01T16:29:00.000Z', { state: 'on', since: '2026-12-01T07:30:00.000Z', until: '2026-12-01T16:30:00.000Z' }));
    socket.emit('status', status('2026-12-02T07:29:00.000Z', { state: 'off', since: '2026-12-01T16:30:00.000Z', until: '2026-12-02T07:30:00.000Z' }));
    await expect.poll(async () => (await adminApi<ScreenList>(hub, 'GET', '/api/screens')).body.screens.find((s) => s.id === 'veille-1')?.status?.power?.state, { timeout: 5_000 }).toBe('off');

    const { context, page } = await newPlayerPage(browser(), { width: 1280, height: 900 });
    await context.addInitScript((admin) => sessionStorage.setItem('antichambre.adminToken', admin), ADMIN_TOKEN);
    await page.goto(`${hub.url}/#/screens`);
    const cell = page.locator('tr[data-screen-id="veille-1"] td[data-power="off"]');
    await expect.poll(() => cell.textContent().catch(() => null), { timeout: 10_000 }).toBe('éteint (veille)jusqu’à mer. 08:30');

    await page.goto(`${hub.url}/#/screens/veille-1`);
    await expect.poll(() => page.textContent('[data-power-schedule]').catch(() => null), { timeout: 10_000 }).toBe('allumé lun. mar. mer. jeu. ven. 08:30–17:30');
    // The opening hours, edited on the screen page: a mistake is named with its field, a good one sent to this screen only.
    await expect.poll(() => page.inputValue('#power-json'), { timeout: 10_000 }).toContain('"08:30"');
    // Its hours (its site's) are in the editor: no word of an example.
    expect(await page.locator('[data-power-example]').count()).toBe(0);
    await page.fill('#power-json', JSON.stringify({ open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '9h', end: '18:00' }] }] }));
    expect(await page.textContent('#power-json-error')).toBe('open[0].hours[0].start : attendu : une heure locale comme 08:30 (de 00:00 à 24:00)');
    expect(await page.isDisabled('[data-power-send="screen"]')).toBe(true);
    const own = { open: [{ days: [1, 2, 3, 4, 5, 6], hours: [{ start: '09:00', end: '18:00' }] }] };
    await page.fill('#power-json', JSON.stringify(own));
    await page.click('[data-power-send="screen"]');
    await expect.poll(() => page.textContent('#power-editor-title ~ [role=status]').catch(() => null), { timeout: 5_000 }).toBe('Envoyé à 1 écran');
    expect((await adminApi<{ power: unknown }>(hub, 'GET', '/api/screens/veille-1/playlists')).body.power).toEqual(own);
    await expect.poll(() => page.textContent('[data-power-schedule]'), { timeout: 10_000 }).toBe('allumé lun. mar. mer. jeu. ven. sam. 09:00–18:00');
    await page.click('[data-power-send="remove"]');
    await expect.poll(() => page.textContent('[data-power-schedule]'), { timeout: 10_000 }).toBe('allumé lun. mar. mer. jeu. ven. 08:30–17:30'); // the site's again

    await page.fill('#screen-watts', '120');
    await page.click('#screen-watts ~ button[type=submit]');
    await expect.poll(async () => (await adminApi<ScreenList>(hub, 'GET', '/api/screens')).body.screens.find((s) => s.id === 'veille-1')?.watts, { timeout: 5_000 }).toBe(120);

    await page.goto(`${hub.url}/#/reports`);
    await page.fill('#report-since', '2026-12-01');
    await page.fill('#report-until', '2026-12-02');
    const row = page.locator('table[data-report="power"] tr[data-screen="veille-1"]');
    // Off 17:30 → 08:29 (its last status): 14 h 59 min; 120 W.
    await expect.poll(async () => Number(await row.locator('td[data-hours-off]').getAttribute('data-hours-off').catch(() => null)), { timeout: 10_000 }).toBeCloseTo(14 + 59 / 60, 6);
    expect(await row.locator('td[data-kwh]').textContent()).toBe('1,80');
    expect(await page.textContent('table[data-report="power"] caption')).toContain('heures éteintes × puissance déclarée');
    socket.close();
    await context.close();
  });
});
