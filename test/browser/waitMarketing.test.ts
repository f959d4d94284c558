import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jsQR from 'jsqr';
import { DateTime } from 'luxon';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ImpressionList, ReachReport, SiteToken } from '../../src/shared/adminApi.js';
import type { PlaylistInput } from '../../src/shared/playlist.js';
import type { QueueEvent } from '../../src/shared/queue.js';
import { reachAndFrequency, personSeconds } from '../../src/shared/reach.js';
import { advance, newPlayerPage, waitForItem } from '../support/browser.js';
import { useHubAndSite } from '../support/hubSuite.js';
import { addScreen, ADMIN_TOKEN, adminApi, hubCli } from '../support/hubProcess.js';

/**
 * Wait marketing, measured (issue 21), from a replayed morning through a real hub and a real web
 * player: the player plays on its page clock while the site's ticket system posts each event as
 * the clock reaches it; the hub then answers each item's reach and frequency among the people who
 * waited (API, CLI, dashboard), the dashboard weighs airtime by the audience, plans the loop
 * against the real waits and previews QR codes. DASHBOARD_SCREENSHOTS=docs writes the pictures.
 */

const QR_URL = 'https://ants.gouv.fr/';
const SALLE: PlaylistInput = {
  id: 'salle',
  items: [
    { id: 'horaires', type: 'text', duration: 60, title: 'Horaires d’ouverture', body: 'Du lundi au vendredi, 8 h 30 – 17 h' },
    { id: 'en-ligne', type: 'text', duration: 60, title: 'Faites vos démarches en ligne', qr: { url: QR_URL, label: 'Pré-demande de passeport en ligne' } },
  ],
};
const { browser, hub, playerUrl } = useHubAndSite([SALLE], 'bundle-reach');
const SHOTS = process.env['DASHBOARD_SCREENSHOTS'] ? resolve(process.env['DASHBOARD_SCREENSHOTS']) : null;
const MIN = 60_000;

async function picture(page: Page, file: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, file) });
}

describe('wait marketing, measured', () => {
  it('a replayed morning: each item\'s reach and frequency among the people who waited, from the hub (API, CLI, dashboard), with audience-weighted airtime, loop planning and QR previews', async () => {
    const token = await addScreen(hub, 'salle-1', 'mairie-reach');
    // The hub's set is the bundle's playlist: the dashboard plans the loop of what the screen plays.
    // Full screen, as without a layout; the layout names the service as the room reads it (the reach report shows that name).
    const layout = { id: 'salle', zones: [{ id: 'main', x: 0, y: 0, width: 100, height: 100 }], serviceNames: { 'etat-civil': 'État civil' } };
    expect((await adminApi(hub, 'POST', '/api/playlists', { playlists: [SALLE], target: { screen: 'salle-1' }, layout })).status).toBe(200);
    const { token: ticketSystem } = (await adminApi<SiteToken>(hub, 'POST', '/api/sites/mairie-reach/token')).body;

    // Yesterday at 10:00 in Paris: the whole replay lies in the past of the hub's clock.
    const day = DateTime.now().setZone('Europe/Paris').minus({ days: 1 });
    const t0 = day.set({ hour: 10, minute: 0, second: 0, millisecond: 0 }).toMillis();
    const { context, page, errors } = await newPlayerPage(browser());
    await page.clock.install({ time: t0 - 2 * MIN });
    await page.goto(playerUrl('salle-1', token));
    await waitForItem(page, 'horaires', 20_000);
    await expect.poll(async () => (await adminApi<{ screens: { id: string; ackedRevision: string | null; revision: string | null }[] }>(hub, 'GET', '/api/screens')).body.screens.find((s) => s.id === 'salle-1'), { timeout: 15_000 }).toMatchObject({ ackedRevision: expect.any(String) });
    await page.clock.pauseAt(t0);

    // Three people: A waits 9 min, B 30 s (sees nothing whole), C 5 min. One loop of the two items lasts 2 min.
    const at = (minutes: number): string => new Date(t0 + minutes * MIN).toISOString();
    const events: QueueEvent[] = [
      { type: 'counter', counter: 'g1', open: true, services: ['etat-civil'], at: at(0) },
      { type: 'issued', ticket: 'A1', service: 'etat-civil', at: at(0.5) },
      { type: 'issued', ticket: 'B1', service: 'etat-civil', at: at(2) },
      { type: 'called', ticket: 'B1', counter: 'g1', at: at(2.5) },
      { type: 'issued', ticket: 'C1', service: 'etat-civil', at: at(3) },
      { type: 'called', ticket: 'C1', counter: 'g1', at: at(8) },
      { type: 'called', ticket: 'A1', counter: 'g1', at: at(9.5) },
    ];
    let now = t0;
    for (const event of events) {
      await advance(page, Date.parse(event.at) - now, 5_000, 10);
      now = Date.parse(event.at);
      const posted = await fetch(`${hub.url}/api/sites/mairie-reach/queue`, { method: 'POST', headers: { authorization: `Bearer ${ticketSystem}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [event] }) });
      expect(posted.status).toBe(200);
    }
    await advance(page, 3 * MIN, 5_000, 10);
    await page.clock.resume();

    // Every showing of the replay reaches the hub.
    const stored = async (): Promise<ImpressionList['impressions']> => (await adminApi<ImpressionList>(hub, 'GET', '/api/impressions?screen=salle-1')).body.impressions.filter((i) => Date.parse(i.start) >= t0 - 2 * MIN);
    await expect.poll(async () => (await stored()).filter((i) => Date.parse(i.end) <= t0 + 10 * MIN && i.complete).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(9);
    const impressions = await stored();

    const since = new Date(t0 - 60 * MIN).toISOString();
    const until = new Date(t0 + 60 * MIN).toISOString();
    const answer = await adminApi<ReachReport>(hub, 'GET', `/api/sites/mairie-reach/reach?since=${since}&until=${until}`);
    expect(answer.status).toBe(200);
    const report = answer.body;
    expect(report).toMatchObject({ site: 'mairie-reach', timezone: 'Europe/Paris', screens: ['salle-1'], groups: [{ day: day.toISODate(), service: 'etat-civil', people: 3, medianWaitMin: 5 }] });
    // A and C saw each item whole (A at least 4 times in 9 min, C at least twice in 5), B nothing in 30 s.
    for (const itemId of ['horaires', 'en-ligne']) {
      const row = report.rows.find((r) => r.itemId === itemId)!;
      expect(row).toMatchObject({ playlistId: 'salle', people: 3, reached: 2 });
      expect(row.reach).toBeCloseTo(2 / 3, 10);
      expect(row.frequency).toBeGreaterThanOrEqual(2);
      expect(row.frequency).toBeLessThanOrEqual(8 / 3);
    }
    // Exactly the pure computation over the hub's own impressions and the three realized waits.
    const waits = [
      { service: 'etat-civil', issuedAt: t0 + 0.5 * MIN, calledAt: t0 + 9.5 * MIN },
      { service: 'etat-civil', issuedAt: t0 + 2 * MIN, calledAt: t0 + 2.5 * MIN },
      { service: 'etat-civil', issuedAt: t0 + 3 * MIN, calledAt: t0 + 8 * MIN },
    ];
    const expected = reachAndFrequency(waits, impressions.map((i) => ({ ...i, start: Date.parse(i.start), end: Date.parse(i.end) })), 'Europe/Paris');
    expect(report.rows).toEqual(expected.rows);

    // The CLI, for the day in the site's zone.
    const cli = await hubCli(hub, ['reach', '--site', 'mairie-reach', '--since', day.toISODate()!, '--until', day.toISODate()!]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`${day.toISODate()}  etat-civil  3 people waited, median 5.0 min`);
    expect(cli.stdout).toMatch(/salle\/en-ligne\s+reach\s+67 % \(2\/3\)\s+frequency \d\.\d \(\d\.\d among those reached\)/);
    const cliCsv = await hubCli(hub, ['reach', '--site', 'mairie-reach', '--since', day.toISODate()!, '--csv']);
    expect(cliCsv.stdout.split('\r\n')[0]).toBe('day,service,playlistId,itemId,people,reached,reach,showings,frequency,frequencyAmongReached');

    // The people waiting while each item played: audience-weighted airtime (person-seconds).
    const weighted = impressions.reduce((sum, i) => sum + personSeconds(i), 0);
    expect(weighted).toBeGreaterThan(0);
    const csv = await fetch(`${hub.url}/api/impressions?screen=salle-1&format=csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.text());
    const [head, ...lines] = csv.trim().split('\r\n');
    expect(head!.split(',').at(-1)).toBe('personSeconds');
    const fromCsv = lines.map((line) => Number(line.split(',').at(-1) || 0)).reduce((a, b) => a + b, 0);
    expect(fromCsv).toBeCloseTo(impressions.reduce((sum, i) => sum + personSeconds(i), 0), 1);

    // The dashboard: the reach report of that day.
    const admin = await newPlayerPage(browser(), { width: 1280, height: 800 });
    await admin.page.goto(hub.url);
    await admin.page.waitForSelector('#admin-token');
    await admin.page.fill('#admin-token', ADMIN_TOKEN);
    await admin.page.click('#admin-token-form button[type=submit]');
    await admin.page.waitForSelector('text=Appairer un nouvel écran');
    await admin.page.goto(`${hub.url}/#/reports`);
    await admin.page.selectOption('#reach-site', 'mairie-reach');
    const reachRow = admin.page.locator('table[data-report="reach"] tr[data-item="salle/en-ligne"]');
    await reachRow.waitFor({ timeout: 15_000 });
    expect(Number(await reachRow.getAttribute('data-reach'))).toBeCloseTo(2 / 3, 10);
    expect((await reachRow.locator('td').first().textContent())?.replace(/\s/g, ' ')).toBe('67 % (2/3)');
    expect(await admin.page.getAttribute('[data-reach-people]', 'data-reach-people')).toBe('3');
    // The service as the screens name it, its id beside (the ticket system's), not the id alone.
    await expect.poll(() => admin.page.textContent('#reach-service option[value="etat-civil"]')).toBe('État civil (etat-civil)');
    const weightedRow = admin.page.locator('table[data-report="person-seconds-playlist"] tr[data-key="salle"] td[data-total]');
    expect(Number(await weightedRow.getAttribute('data-total'))).toBeGreaterThan(0);
    // The same rows as CSV, for the communication officer's spreadsheet.
    const download = admin.page.waitForEvent('download');
    await admin.page.click('text=Exporter la portée en CSV');
    const reachCsv = readFileSync((await (await download).path())!, 'utf8').trim().split('\r\n');
    expect(reachCsv[0]).toBe('day,service,playlistId,itemId,people,reached,reach,showings,frequency,frequencyAmongReached');
    expect(reachCsv.slice(1).map((line) => line.split(',').slice(2, 6).join(','))).toEqual(expect.arrayContaining(['salle,en-ligne,3,2', 'salle,horaires,3,2']));
    await admin.page.evaluate(() => document.getElementById('reach-title')!.scrollIntoView());
    await picture(admin.page, 'dashboard-reach.png');
    // In English too.
    await admin.page.selectOption('select[aria-label="Langue"]', 'en');
    await admin.page.waitForSelector('h2:text-is("Reach of each message among the people waiting")');
    expect(await admin.page.textContent('[data-reach-people]')).toBe('3 people waited that day (median wait 5 min).');
    await admin.page.selectOption('select[aria-label="Language"]', 'fr');

    // Loop planning: a draft of eight 2-minute items (a 16-minute loop) against these waits (median 5 min): most people will not see them.
    await admin.page.goto(`${hub.url}/#/playlists`);
    await admin.page.check('input[name="playlist-view"][value="json"]');
    const long = {
      id: 'salle',
      items: [
        ...['horaires', 'cni', 'passeport', 'etat-civil', 'elections', 'urbanisme', 'fetes'].map((id) => ({ id, type: 'text', duration: 120, title: id })),
        { id: 'en-ligne', type: 'text', duration: 120, title: 'Faites vos démarches en ligne', schedule: { from: '2026-01-01T00:00', until: '2030-01-01T00:00' }, qr: { url: QR_URL, label: 'Pré-demande de passeport en ligne' } },
      ],
    };
    await admin.page.fill('#playlist-json', JSON.stringify(long, null, 2));
    await admin.page.waitForSelector('[data-draft="valid"]');
    // The editor previews the item's QR code: it decodes to the URL.
    const preview = admin.page.locator('[data-qr-item="salle/en-ligne"] svg');
    await preview.waitFor();
    const shot = PNG.sync.read(await preview.screenshot());
    expect(jsQR(new Uint8ClampedArray(shot.data.buffer, shot.data.byteOffset, shot.data.length), shot.width, shot.height)?.data).toBe(QR_URL);
    await admin.page.locator('#qr-preview-title').scrollIntoViewIfNeeded();
    await picture(admin.page, 'dashboard-qr-preview.png');

    await admin.page.selectOption('#timeline-screen', 'salle-1');
    await admin.page.selectOption('#timeline-source', 'draft');
    const summary = admin.page.locator('[data-loop-planning] .loop-summary').first();
    await expect.poll(() => summary.getAttribute('data-loop-minutes'), { timeout: 15_000 }).toBe('16');
    // Waits 0.5, 5 and 9 min: a 2-minute item back every 16 min is seen whole by (0 + 3/16 + 7/16) / 3 = 21 %.
    expect(Number(await summary.getAttribute('data-unseen-count'))).toBe(8);
    expect((await summary.textContent())?.replace(/\s/g, ' ')).toBe('Cette boucle dure 16 min ; la moitié des personnes attend moins de 5 min (8 sur 10 moins de 7,4 min) : 8 éléments en atteignent moins de la moitié.');
    expect(await admin.page.textContent('[data-loop-sample]')).toBe('D’après 3 attentes réelles à ces heures, tous jours confondus.');
    expect(Number(await admin.page.getAttribute('[data-loop-planning] tr[data-item="salle/cni"]', 'data-reach'))).toBeCloseTo((3 / 16 + 7 / 16) / 3, 3);
    expect(await admin.page.textContent('[data-suggested-order] [data-playlist="salle"]')).toBe('salle : en-ligne, horaires, cni, passeport, etat-civil, elections, urbanisme, fetes');
    await admin.page.evaluate(() => document.getElementById('loop-title')!.scrollIntoView());
    await picture(admin.page, 'dashboard-loop.png');

    expect(errors).toEqual([]);
    expect(admin.errors).toEqual([]);
    await admin.context.close();
    await context.close();
  }, 180_000);
});
