import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { ImpressionList, ScreenList, ScreenSet, ScreenToken, SiteToken, WaitComparison } from '../../src/shared/adminApi.js';
import { layoutPreset } from '../../src/shared/layoutPresets.js';
import type { QueueEvent } from '../../src/shared/queue.js';
import { newPlayerPage, readStore, waitForItem, type PlayerPage } from '../support/browser.js';
import { PLAYLISTS_DIR } from '../support/bundled.js';
import { useHubAndSite } from '../support/hubSuite.js';
import { ADMIN_TOKEN, adminApi } from '../support/hubProcess.js';

/**
 * The dashboard the hub serves at `/`, driven in Chromium like an admin would, against a real
 * hub process and a real web player. DASHBOARD_SCREENSHOTS=docs writes a 1280×800 picture of
 * each page there (npm run screenshots:dashboard).
 */

const { browser, site, hub } = useHubAndSite();
const SHOTS = process.env['DASHBOARD_SCREENSHOTS'] ? resolve(process.env['DASHBOARD_SCREENSHOTS']) : null;

let player: PlayerPage;
let admin: PlayerPage;

async function picture(page: Page, file: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, file) });
}

async function screenState(id: string): Promise<ScreenList['screens'][number] | undefined> {
  return (await adminApi<ScreenList>(hub, 'GET', '/api/screens')).body.screens.find((screen) => screen.id === id);
}

async function openPage(hash: string): Promise<Page> {
  const { page } = admin;
  await page.goto(`${hub.url}/#/${hash}`);
  await page.waitForSelector('main h1');
  return page;
}

/** The playlists page with its editor as JSON text (the form has its own tests: dashboardForm.test.ts). */
async function openJsonEditor(): Promise<Page> {
  const page = await openPage('playlists');
  await page.check('input[name="playlist-view"][value="json"]');
  return page;
}

describe('the dashboard', () => {
  it('pairs a new player: the player shows a code, the admin claims it, the player connects as that screen', async () => {
    player = await newPlayerPage(browser(), { width: 1280, height: 800 });
    await player.page.goto(`${site().url}?hub=${encodeURIComponent(hub.url)}`);
    const code = await expect
      .poll(() => player.page.getAttribute('[data-pairing-code]', 'data-pairing-code'), { timeout: 10_000 })
      .toMatch(/^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/)
      .then(() => player.page.getAttribute('[data-pairing-code]', 'data-pairing-code'));
    expect(await player.page.textContent('.pairing')).toMatch(/Code d’appairage.*Pairing code/);
    await picture(player.page, 'dashboard-player-pairing.png');

    admin = await newPlayerPage(browser(), { width: 1280, height: 800 });
    const { page } = admin;
    await page.goto(hub.url);
    // React renders after `load`: wait for the sign-in form before using the keyboard.
    await page.waitForSelector('#admin-token');
    // The keyboard first reaches the skip link, then the page; focus is always visible.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    // French by default; the token is checked before it is kept.
    await page.fill('#admin-token', 'not-the-token');
    await page.click('#admin-token-form button[type=submit]');
    await expect.poll(() => page.textContent('#admin-token-error')).toBe('Jeton refusé par le hub.');
    await picture(page, 'dashboard-sign-in.png');
    await page.fill('#admin-token', ADMIN_TOKEN);
    await page.click('#admin-token-form button[type=submit]');
    await page.waitForSelector('text=Appairer un nouvel écran');
    expect(await page.evaluate(() => sessionStorage.getItem('antichambre.adminToken'))).toBe(ADMIN_TOKEN);

    // A code with a character codes never have, an id with an accent, no name: each field says, in French, what it takes.
    await page.fill('#pairing-code', 'ABC123');
    await page.fill('#pairing-screen-id', 'accueil-été');
    await page.click('#pairing-title ~ form button[type=submit]');
    await expect.poll(() => page.textContent('#pairing-code-error')).toBe('Attendu : les 6 caractères affichés sur l’écran (chiffres 2 à 9 et lettres, jamais 0, 1, I, L, O ni U).');
    expect(await page.textContent('#pairing-screen-id-error')).toBe('Attendu : 1 à 64 caractères parmi les lettres sans accent, les chiffres et . _ - (ex. accueil-1).');
    expect(await page.textContent('#pairing-name-error')).toBe('Attendu : le nom de l’écran, tel que l’équipe le désigne (ex. Accueil RDC).');
    // A code typed in lower case with a space, as people do.
    await page.fill('#pairing-code', `${code!.slice(0, 3).toLowerCase()} ${code!.slice(3)}`);
    await page.fill('#pairing-screen-id', 'hall-1');
    await page.fill('#pairing-name', 'Accueil RDC');
    await page.fill('#pairing-site', 'mairie');
    await page.click('#pairing-title ~ form button[type=submit]');
    await expect.poll(() => page.textContent('#pairing-title ~ [role=status]')).toContain('Écran appairé');

    // The player restarts as hall-1 and the hub sees it online; the table follows without a reload.
    await expect.poll(async () => (await screenState('hall-1'))?.online, { timeout: 15_000 }).toBe(true);
    await page.waitForSelector('tr[data-screen-id="hall-1"][data-online="yes"]', { timeout: 10_000 });
    expect(await player.page.$('.pairing')).toBeNull();
    const settings = await readStore<{ key: string; value: { hub: string; screenId: string; token: string } }>(player.page, 'settings');
    // Its name as the admin gave it when claiming the code: the idle screen shows it (§1: clock and the screen's name).
    expect(settings.find((s) => s.key === 'pairedScreen')?.value).toMatchObject({ hub: hub.url, screenId: 'hall-1', name: 'Accueil RDC' });
    // A restart keeps the pairing: no code, same screen.
    await player.page.reload();
    await waitForItem(player.page, 'bienvenue');
    expect(await player.page.$('.pairing')).toBeNull();
    await expect.poll(async () => (await screenState('hall-1'))?.online, { timeout: 15_000 }).toBe(true);
  });

  it('pushes a playlist with an uploaded image to the screen, and the table shows the revision acked', async () => {
    // A second screen of the site, never connected.
    expect((await adminApi(hub, 'POST', '/api/screens', { id: 'salle-etat-civil', name: 'Salle état civil', site: 'mairie', timezone: 'Europe/Paris' })).status).toBe(201);
    const page = await openJsonEditor();
    const playlist = { id: 'accueil', name: 'Accueil', items: [{ id: 'annonce', type: 'text', duration: 2, title: 'Nouveaux horaires dès lundi' }] };
    await page.fill('#playlist-json', JSON.stringify(playlist, null, 2));
    await page.waitForSelector('[data-draft="valid"]');
    await page.setInputFiles('#media-file', join(PLAYLISTS_DIR, 'media/mairie-horaires.png'));
    await expect.poll(() => page.textContent('#media-file-note')).toContain('Média enregistré');
    // The test's hub is on this computer's loopback: the note says other computers' screens could not load the media there.
    expect(await page.textContent('#media-file-note')).toContain('Ce tableau de bord est ouvert à l’adresse locale 127.0.0.1:');
    await page.click('text=Ajouter comme élément à la liste Accueil');
    await expect.poll(() => page.inputValue('#playlist-json')).toContain('/media/');
    await page.check('input[name="push-target-kind"] >> nth=1');
    await page.selectOption('#push-target', 'hall-1');
    // Nothing pushed to it yet: it plays the player's bundle, which this push replaces (said before the click).
    expect(await page.textContent('[data-push-replaces-bundle]')).toContain('ces écrans jouent les listes intégrées au lecteur');
    await page.click('button:text-is("Diffuser")');
    await expect.poll(() => page.textContent('[data-push-result]')).toMatch(/^Diffusé à Accueil RDC \(hall-1, révision [0-9a-f]{8}\)\./);
    await picture(page, 'dashboard-playlists.png');
    // The day of a draft, as the scheduling engine plays it: mornings, afternoons, idle at night.
    const day = [
      { id: 'matin', priority: 1, schedule: { hours: [{ start: '08:30', end: '12:00' }] }, items: [{ id: 'm', type: 'text', duration: 10, title: 'Matin' }] },
      { id: 'apres-midi', priority: 1, schedule: { hours: [{ start: '13:30', end: '17:00' }] }, items: [{ id: 'a', type: 'text', duration: 10, title: 'Après-midi' }] },
      { id: 'accueil', schedule: { hours: [{ start: '08:00', end: '18:00' }] }, items: [{ id: 'b', type: 'text', duration: 10, title: 'Bienvenue' }] },
    ];
    await page.fill('#playlist-json', JSON.stringify(day, null, 2));
    await page.selectOption('#timeline-source', 'draft');
    await expect.poll(async () => (await page.$$eval('[data-table="timeline"] tbody th', (cells) => cells.map((cell) => cell.textContent)))).toEqual(['rien de programmé (écran d’attente : heure et nom)', 'accueil', 'matin', 'accueil', 'apres-midi', 'accueil', 'rien de programmé (écran d’attente : heure et nom)']);
    // From midnight to midnight: the last block ends at 24:00, not at a second 00:00.
    const rows = await page.$$eval('[data-table="timeline"] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)));
    expect(rows[0]![0]).toBe('00:00');
    expect(rows.at(-1)![1]).toBe('24:00');
    await page.locator('#timeline-source').blur();
    await page.evaluate(() => document.getElementById('timeline-title')!.scrollIntoView());
    await picture(page, 'dashboard-timeline.png');

    await waitForItem(player.page, 'annonce', 15_000);
    await waitForItem(player.page, 'mairie-horaires', 20_000);
    const revision = (await screenState('hall-1'))!.revision!;
    await openPage('screens');
    await page.waitForSelector('tr[data-screen-id="hall-1"] td[data-revision-state="acked"]', { timeout: 10_000 });
    expect(await page.textContent('tr[data-screen-id="hall-1"] td[data-revision-state]')).toContain(revision.slice(0, 8));
    await picture(page, 'dashboard-screens.png');
    await openPage('screens/hall-1');
    await page.click('[data-command="identify"]');
    await expect.poll(() => page.textContent('[role=status]')).toContain('Commande exécutée : Identifier');
    await player.page.waitForSelector('[data-identify]');
    await picture(page, 'dashboard-screen.png');
    // A restart blanks the room's screen: asked first, and nothing leaves when cancelled (the player's page is not reloaded).
    await player.page.evaluate(() => ((window as { notReloaded?: boolean }).notReloaded = true));
    await page.click('[data-command="restart"]');
    expect(await page.textContent('[data-confirm="restart"]')).toContain('Redémarrer Accueil RDC ? L’écran est noir');
    expect(await page.isDisabled('[data-command="identify"]')).toBe(true);
    // The focus is on "Annuler": Enter pressed twice on "Redémarrer" sends nothing; the focus then goes back to the command.
    await page.keyboard.press('Enter');
    expect(await page.$('[data-confirm]')).toBeNull();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-command'))).toBe('restart');
    // Escape cancels too.
    await page.click('[data-command="restart"]');
    await page.waitForSelector('[data-confirm="restart"]');
    await page.keyboard.press('Escape');
    expect(await page.$('[data-confirm]')).toBeNull();
    // Clearing the cache, confirmed: sent, and the player acks it.
    await page.click('[data-command="clear-cache"]');
    expect(await page.textContent('[data-confirm="clear-cache"]')).toContain('Les preuves de diffusion sont gardées');
    await page.click('[data-confirm] button:text-is("Vider le cache")');
    await expect.poll(() => page.textContent('[role=status]')).toContain('Commande exécutée : Vider le cache');
    expect(await player.page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  it('shows the errors of an invalid playlist file at the field, with their path, and does not let it be pushed', async () => {
    const page = await openJsonEditor();
    const bad = { id: 'mauvaise', items: [{ id: 'x', type: 'image', duration: 5, src: 'https://example.org/x.png', sha256: 'abc' }, { id: 'y', type: 'text', title: 'sans durée' }] };
    await page.setInputFiles('#playlist-file', { name: 'mauvaise.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await page.waitForSelector('#playlist-json-error [data-draft="invalid"]');
    expect(await page.textContent('#playlist-json-error [data-error-path="items[0].sha256"]')).toContain('attendu : 64 caractères hexadécimaux');
    expect(await page.$('#playlist-json-error [data-error-path="items[1].duration"]')).not.toBeNull();
    expect(await page.getAttribute('#playlist-json', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#playlist-json', 'aria-describedby')).toBe('playlist-json-error');
    expect(await page.isDisabled('button:text-is("Diffuser")')).toBe(true);
    await page.locator('#playlist-json').scrollIntoViewIfNeeded();
    await picture(page, 'dashboard-playlist-error.png');
    // Fixing the field clears the error as it is typed.
    await page.fill('#playlist-json', JSON.stringify({ id: 'bonne', items: [{ id: 'y', type: 'text', title: 'T', duration: 3 }] }));
    await page.waitForSelector('[data-draft="valid"]');
  });

  it('adds an uploaded WebVTT file as the captions of the last video (in its language), not as an image; without a video, says to add one first', async () => {
    const page = await openJsonEditor();
    const dir = mkdtempSync(join(tmpdir(), 'antichambre-vtt-'));
    const vtt = join(dir, 'clip-vaccins.en.vtt');
    writeFileSync(vtt, 'WEBVTT\n\n00:00.000 --> 00:04.000\nGet vaccinated\n');
    const text = { id: 'sante', items: [{ id: 'affiche', type: 'text', duration: 5, title: 'Vaccination' }] };
    await page.fill('#playlist-json', JSON.stringify(text, null, 2));
    await page.waitForSelector('[data-draft="valid"]');
    await page.setInputFiles('#media-file', vtt);
    await expect.poll(() => page.textContent('#media-file-note')).toContain('Média enregistré');
    await page.click('text=Ajouter comme sous-titres de la dernière vidéo de la liste sante');
    await expect.poll(() => page.textContent('#media-file-note')).toContain('Ajoutez d’abord la vidéo');
    expect(JSON.parse(await page.inputValue('#playlist-json'))).toEqual(text);

    const video = { id: 'clip', type: 'video', src: 'https://videos.mairie.example/clip-vaccins.mp4', sha256: 'a'.repeat(64) };
    await page.fill('#playlist-json', JSON.stringify({ ...text, items: [video, ...text.items] }, null, 2));
    await page.waitForSelector('[data-draft="valid"]');
    await page.click('text=Ajouter comme sous-titres de la dernière vidéo de la liste sante');
    await expect.poll(async () => (JSON.parse(await page.inputValue('#playlist-json')) as typeof text).items.length).toBe(2);
    const [withCaptions, after] = (JSON.parse(await page.inputValue('#playlist-json')) as { items: { id: string; captions?: { lang: string; src: string; sha256: string }[] }[] }).items;
    expect(withCaptions!.id).toBe('clip');
    expect(withCaptions!.captions).toEqual([{ lang: 'en', src: expect.stringContaining('/media/'), sha256: createHash('sha256').update(readFileSync(vtt)).digest('hex'), bytes: readFileSync(vtt).length }]);
    expect(after!.id).toBe('affiche');
  });

  it('pushes a layout picked from the presets, previewed to scale, with a lane per zone; an invalid zone shows its error at its field', async () => {
    const page = await openJsonEditor();
    const set = [
      { id: 'accueil-zones', items: [{ id: 'horaires', type: 'text', duration: 8, title: 'Horaires d’ouverture' }] },
      { id: 'breves', zone: 'bandeau', items: [{ id: 'marche', type: 'text', duration: 6, title: 'Marché de Noël samedi sur la place' }] },
    ];
    await page.fill('#playlist-json', JSON.stringify(set, null, 2));
    await page.waitForSelector('[data-draft="valid"]');
    await page.fill('#layout-services', 'etat-civil, titres');
    await page.selectOption('#layout-choice', 'carrousel-file-bandeau');
    await page.waitForSelector('[data-layout="valid"]');

    // The preview is drawn to scale: each zone's box, relative to the 16:9 frame, is its percentages.
    const frame = await page.$eval('svg[data-layout-preview="landscape"] [data-screen-frame]', (frame) => frame.getBoundingClientRect().toJSON() as DOMRect);
    expect(frame.width / frame.height).toBeCloseTo(16 / 9, 2);
    const boxes = await page.$$eval('[data-preview-zone]', (groups) =>
      groups.map((g) => ({ id: g.getAttribute('data-preview-zone'), invalid: g.getAttribute('data-invalid'), box: g.querySelector('rect')!.getBoundingClientRect().toJSON() as DOMRect })),
    );
    const expected = layoutPreset('carrousel-file-bandeau').make(['etat-civil', 'titres']);
    expect(boxes.map((b) => b.id)).toEqual(expected.zones.map((zone) => zone.id));
    for (const [k, zone] of expected.zones.entries()) {
      const { box } = boxes[k]!;
      // Within 1 % of the frame (the white outline between zones is 6 units of 1600).
      expect(Math.abs(((box.x - frame.x) / frame.width) * 100 - zone.x)).toBeLessThan(1);
      expect(Math.abs(((box.y - frame.y) / frame.height) * 100 - zone.y)).toBeLessThan(1);
      expect(Math.abs((box.width / frame.width) * 100 - zone.width)).toBeLessThan(1);
      expect(Math.abs((box.height / frame.height) * 100 - zone.height)).toBeLessThan(1);
    }

    // The services as the screen names them, one a line.
    await page.fill('#layout-service-names', 'etat-civil = État civil\ntitres = Pièces d’identité');
    await page.fill('#layout-counter-names', '3 = Box 3');
    await page.waitForSelector('[data-layout="valid"]');

    // The day of the draft, zone by zone: the carousel and the ticker each their own playlists, the queue live all day.
    await page.selectOption('#timeline-source', 'draft');
    await expect.poll(() => page.$$eval('[data-zone-lane="bandeau"] [data-table="timeline"] tbody th', (cells) => [...new Set(cells.map((cell) => cell.textContent))])).toEqual(['breves']);
    expect(await page.$$eval('[data-zone-lane="main"] [data-table="timeline"] tbody th', (cells) => [...new Set(cells.map((cell) => cell.textContent))])).toEqual(['accueil-zones']);
    expect(await page.textContent('[data-zone-lane="file"]')).toContain('données en direct');

    await page.check('input[name="push-target-kind"] >> nth=1');
    await page.selectOption('#push-target', 'salle-etat-civil');
    // A push adds to what the target plays unless asked to replace it (as the CLI's `--replace`): one click no longer wipes a screen's set.
    expect(await page.getByLabel(/Remplacer les listes déjà assignées/).isChecked()).toBe(false);
    await page.click('button:text-is("Diffuser")');
    await expect.poll(() => page.textContent('[data-push-result]')).toMatch(/^Diffusé à Salle état civil \(salle-etat-civil, révision [0-9a-f]{8}\)\./);
    const pushed = (await adminApi<ScreenSet>(hub, 'GET', '/api/screens/salle-etat-civil/playlists')).body;
    expect(pushed.layout).toEqual({ ...expected, serviceNames: { 'etat-civil': 'État civil', titres: 'Pièces d’identité' }, counterNames: { '3': 'Box 3' } });
    expect(pushed.playlists.map((p) => [p.id, p.zone ?? 'main'])).toEqual([['accueil-zones', 'main'], ['breves', 'bandeau']]);
    await page.evaluate(() => document.getElementById('layout-title')!.scrollIntoView());
    await picture(page, 'dashboard-layout.png');
    // The screen's page shows the layout it was given.
    await openPage('screens/salle-etat-civil');
    await page.waitForSelector('[data-screen-layout="carrousel-file-bandeau"]');
    expect(await page.textContent('[data-screen-layout]')).toBe('carrousel-file-bandeau : main (Carrousel), file (File d’attente), bandeau (Bandeau défilant)');
    expect(await page.$$eval('.screen-layout [data-preview-zone]', (zones) => zones.map((zone) => zone.getAttribute('data-preview-zone')))).toEqual(['main', 'file', 'bandeau']);
    // No opening hours: the editor's JSON is said to be an example, not the screen's setting.
    expect(await page.textContent('[data-power-example]')).toBe('Cet écran n’a pas d’horaires (il reste allumé) : ci-dessous, un exemple à adapter avant de l’envoyer.');
    // Taking up the screen's set brings its layout into the editor, as numbers.
    await openJsonEditor();
    await page.check('input[name="push-target-kind"] >> nth=1');
    await page.selectOption('#push-target', 'salle-etat-civil');
    await page.click('text=Reprendre la liste en place de l’écran');
    await expect.poll(() => page.inputValue('#zone-2-id')).toBe('bandeau');
    expect(await page.inputValue('#layout-choice')).toBe('custom');
    expect(await page.inputValue('#zone-1-services')).toBe('etat-civil, titres');
    expect(await page.inputValue('#layout-service-names')).toBe('etat-civil = État civil\ntitres = Pièces d’identité');
    expect(await page.inputValue('#layout-counter-names')).toBe('3 = Box 3');
    expect(JSON.parse(await page.inputValue('#playlist-json'))).toEqual(pushed.playlists);
    // A line without its name: the error under the field, no push; the names stay when another preset is picked.
    await page.fill('#layout-service-names', 'etat-civil = État civil\ntitres');
    await expect.poll(() => page.textContent('[data-error-for="layout-service-names"]')).toBe('titres : attendu : le nom que le public lit pour le service (non vide)');
    expect(await page.isDisabled('button:text-is("Diffuser")')).toBe(true);
    await page.fill('#layout-service-names', 'etat-civil = État civil');
    await page.waitForSelector('[data-layout="valid"]');

    // Portrait: the frame turns, the zones stack.
    await page.selectOption('#layout-choice', 'portrait-file-bandeau');
    expect(await page.inputValue('#layout-service-names')).toBe('etat-civil = État civil');
    const portrait = await page.$eval('svg[data-layout-preview="portrait"] [data-screen-frame]', (frame) => frame.getBoundingClientRect().toJSON() as DOMRect);
    expect(portrait.height / portrait.width).toBeCloseTo(16 / 9, 2);

    // Numbers typed wrong: the error at the field, the zone hatched in the preview, no push.
    await page.selectOption('#layout-choice', 'carrousel-file-bandeau');
    await page.fill('#zone-1-width', '40');
    await expect.poll(() => page.textContent('[data-error-for="zone-1-width"]')).toBe('x + width vaut 110 : la zone sort de l’écran (au plus 100)');
    expect(await page.getAttribute('#zone-1-width', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('[data-preview-zone="file"]', 'data-invalid')).toBe('yes');
    expect(await page.inputValue('#layout-choice')).toBe('custom');
    expect(await page.isDisabled('button:text-is("Diffuser")')).toBe(true);
    await page.evaluate(() => document.getElementById('layout-title')!.scrollIntoView());
    await picture(page, 'dashboard-layout-error.png');
    await page.fill('#zone-1-width', '30');
    await page.fill('#zone-0-height', '95');
    await expect.poll(() => page.textContent('[data-error-for="zone-2"]')).toBe('chevauche la zone « main »');
    await page.fill('#zone-0-height', '88');
    await page.waitForSelector('[data-layout="valid"]');
    // A zone renamed that a playlist still names: the playlist's zone is the error, with its path.
    await page.fill('#zone-2-id', 'infos');
    await expect.poll(() => page.textContent('#layout-errors [data-error-path="playlists[1].zone"]')).toContain('zone « bandeau » inconnue (la disposition a main, file, infos)');
    expect(await page.isDisabled('button:text-is("Diffuser")')).toBe(true);
  });

  it('sends an urgent alert to the site: the player shows it, the table lists its ack, clearing removes it', async () => {
    const page = await openPage('alerts');
    // The site is listed in the target picker before the alert is sent (the screens are fetched after the page shows).
    await page.waitForSelector('#alert-target option[value="mairie"]', { state: 'attached' });
    await page.check('input[name="alert-level"][value="urgent"]');
    await page.fill('#alert-text', 'Évacuation : suivez les agents');
    // A slip of the keyboard (a hundred billion days) is refused at the field as a duration, not sent, nothing thrown.
    await page.fill('#alert-duration', '99999999999');
    await page.selectOption('[data-duration-unit]', 'days');
    expect(await page.$('#alert-duration-help')).toBeNull();
    await page.click('button:text-is("Envoyer")');
    await expect.poll(() => page.textContent('[data-error-for="alert-duration"]')).toBe('Une durée supérieure à 0, d’un an au plus (comme 30 minutes, 2 heures ou 1,5 jour).');
    expect(admin.errors).toEqual([]);
    // Two hours, said as the end it gives in this computer's time before it is sent.
    await page.fill('#alert-duration', '2');
    await page.selectOption('[data-duration-unit]', 'hours');
    const sentAt = Date.now();
    // The page's minute, or the next one should a minute begin while it renders.
    const ends = [0, 10_000].map((late) => `Jusqu’au ${new Date(sentAt + late + 2 * 3_600_000).toLocaleString('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' })} (l’heure de ce poste).`);
    await expect.poll(() => page.textContent('#alert-duration-help')).toBeOneOf(ends);
    await page.click('button:text-is("Envoyer")');
    await expect.poll(() => page.textContent('#send-alert-title ~ [role=status]')).toMatch(/^Alerte envoyée : site mairie \(\d+ écrans?\)$/);
    const sent = (await adminApi<{ alerts: { text: string; until: string }[] }>(hub, 'GET', '/api/alerts')).body.alerts.find((alert) => alert.text === 'Évacuation : suivez les agents')!;
    expect(Math.abs(Date.parse(sent.until) - (sentAt + 2 * 3_600_000))).toBeLessThan(60_000);
    await player.page.waitForSelector('[data-alert-level="urgent"]', { timeout: 10_000 });
    expect(await player.page.textContent('[data-alert-id]')).toContain('Évacuation : suivez les agents');
    const row = 'tr[data-alert-row][data-state="active"]';
    await page.waitForSelector(`${row} td[data-acks="hall-1"]`, { timeout: 10_000 });
    // Out of the site's screens, while it is on.
    expect(await page.textContent(`${row} td[data-acks]`)).toMatch(/^1 \/ \d+hall-1/);
    await picture(page, 'dashboard-alerts.png');
    // The hub answers the clear with an error (the network's edge, once): said on the page, the alert still on.
    await page.route('**/api/alerts/*', (route) => (route.request().method() === 'DELETE' ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'hub busy: try again' }) }) : route.fallback()), { times: 1 });
    await page.click(`${row} button`);
    await expect.poll(() => page.textContent('[data-action-failure]')).toContain('hub busy: try again');
    expect(await player.page.$('[data-alert-id]')).not.toBeNull();
    await page.click(`${row} button`);
    await page.waitForSelector('tr[data-alert-row][data-state="cleared"]');
    expect(await page.$('[data-action-failure]')).toBeNull();
    // Once cleared, the acks alone: a screen paired since never had it to show.
    expect(await page.textContent('tr[data-alert-row][data-state="cleared"] td[data-acks]')).toBe('1hall-1');
    await expect.poll(() => player.page.$('[data-alert-id]'), { timeout: 10_000 }).toBeNull();
  });

  it('reports the impressions the player sent: plays per item per day, airtime, CSV; and waits, estimated against realized', async () => {
    await expect
      .poll(async () => (await adminApi<ImpressionList>(hub, 'GET', '/api/impressions?screen=hall-1')).body.impressions.filter((i) => i.itemId === 'annonce').length, { timeout: 20_000 })
      .toBeGreaterThan(0);
    const stored = (await adminApi<ImpressionList>(hub, 'GET', '/api/impressions')).body.impressions;
    const page = await openPage('reports');
    await page.waitForSelector('table[data-report="plays"] tr[data-item="accueil/annonce"]');
    // The table's total for the item is the hub's count of its impressions (at the moment the page asked).
    const cells = await page.$$eval('table[data-report="plays"] tr[data-item="accueil/annonce"] td', (tds) => tds.map((td) => Number(td.textContent)));
    expect(cells).toHaveLength(7); // the last 7 days, days without a play too
    const shown = cells.reduce((sum, n) => sum + n, 0);
    expect(shown).toBeGreaterThanOrEqual(stored.filter((i) => i.itemId === 'annonce').length);
    expect(await page.$('table[data-report="airtime"] tr[data-playlist="accueil"]')).not.toBeNull();
    expect(await page.$('table[data-report="airtime"] tr[data-playlist="bundle"]')).not.toBeNull();
    // No queue data at this site yet: the audience is said unknown, not a table of zeros (waitMarketing.test.ts has the tables).
    expect(stored.every((impression) => impression.audience === null)).toBe(true);
    expect(await page.textContent('[data-audience-unknown]')).toContain('le nombre de personnes qui les ont vues n’est pas connu');
    expect(await page.$('table[data-report="person-seconds-item"]')).toBeNull();
    // The player plays full screen: all its airtime is in main.
    expect(await page.textContent('table[data-report="zone-airtime"] tr[data-zone="main"] td:last-child')).toMatch(/^100\s?%$/);
    const download = page.waitForEvent('download');
    await page.click('text=Exporter en CSV');
    const csv = readFileSync((await (await download).path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('id,screenId,playlistId,itemId,revision,start,end,durationMs,complete,receivedAt,zoneId,audience,personSeconds');
    expect(csv).toContain(',hall-1,accueil,annonce,');
    // English on demand.
    await page.selectOption('select[aria-label="Langue"]', 'en');
    await page.waitForSelector('h1:text-is("Reports")');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.selectOption('select[aria-label="Language"]', 'fr');
    await picture(page, 'dashboard-reports.png');

    // Yesterday morning at the site's ticket system, one event a message: the player estimates each ticket as it is issued.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const at = (minutes: number): string => new Date(Date.parse(`${yesterday}T08:00:00.000Z`) + minutes * 60_000).toISOString();
    const events: QueueEvent[] = [{ type: 'counter', counter: 'g1', open: true, services: ['etat-civil'], at: at(-5) }];
    for (let k = 0; k < 10; k++) {
      events.push({ type: 'issued', ticket: `A${k}`, service: 'etat-civil', at: at(k * 6) });
      events.push({ type: 'called', ticket: `A${k}`, counter: 'g1', at: at(k * 6 + 4 + (k % 4) * 3) });
    }
    events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const { token } = (await adminApi<SiteToken>(hub, 'POST', '/api/sites/mairie/token')).body;
    for (const event of events) {
      const posted = await fetch(`${hub.url}/api/sites/mairie/queue`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [event] }) });
      expect(posted.status).toBe(200);
    }
    const window = `since=${yesterday}T00:00:00.000Z&until=${yesterday}T23:00:00.000Z`;
    await expect
      .poll(async () => (await adminApi<WaitComparison>(hub, 'GET', `/api/sites/mairie/waits?${window}`)).body.points.filter((p) => p.estimatedMin !== null).length, { timeout: 20_000 })
      .toBe(10);
    await page.fill('#waits-day', yesterday);
    await page.waitForSelector('#waits-title ~ .chart canvas');
    // The service as the site's screens name it (the layout pushed above to salle-etat-civil), its id beside.
    await page.waitForSelector('table[data-report="accuracy"] tbody th[data-service="etat-civil"]:text-is("État civil (etat-civil)")');
    expect(await page.textContent('table[data-report="accuracy"] tbody tr td')).toBe('10');
    await page.locator('#waits-day').blur();
    await page.evaluate(() => document.getElementById('waits-title')!.scrollIntoView());
    await picture(page, 'dashboard-waits.png');
  });

  it('shows a screen whose cache is stuck: its oldest wanted file missing for 12 min', async () => {
    const created = (await adminApi<ScreenToken>(hub, 'POST', '/api/screens', { id: 'salle-attente-2', name: 'Salle d’attente 2', site: 'clinique', timezone: 'Europe/Paris' })).body;
    const socket = io(`${hub.url}/screens`, { auth: { screenId: created.screen.id, token: created.token, protocol: 1, version: 'test' }, transports: ['websocket'], reconnection: false });
    try {
      await socket.emitWithAck('hello', { revision: null, version: 'test', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } });
      socket.emit('status', { at: new Date().toISOString(), revision: null, playing: null, cache: { bytes: 3_000_000, files: 2, missing: 1, oldestMissingS: 725 }, outbox: 0, uptimeS: 900, version: 'test' });
      await expect.poll(async () => (await screenState('salle-attente-2'))?.status?.cache.oldestMissingS, { timeout: 5_000 }).toBe(725);
      const page = await openPage('screens');
      const stuck = page.locator('tr[data-screen-id="salle-attente-2"] [data-cache-stuck]');
      await stuck.waitFor({ timeout: 10_000 });
      expect((await stuck.textContent())?.replace(/\s/g, ' ')).toBe('cache bloqué : un fichier manque depuis 12 min'); // (Intl puts a no-break space in 12 min)
      // A screen whose files are all there says nothing of the kind.
      expect(await page.locator('tr[data-screen-id="hall-1"] [data-cache-stuck]').count()).toBe(0);
      // At a glance, above the table: the hub's database answers; the stuck cache listed, with a link to its screen.
      await page.waitForSelector('[data-fleet-hub="ok"]');
      expect(await page.textContent('[data-fleet-hub]')).toBe('Hub : base de données joignable.');
      const problem = page.locator('[data-problem-screen="salle-attente-2"]');
      expect(await problem.getAttribute('data-problems')).toBe('cache');
      expect((await problem.textContent())?.replace(/\s/g, ' ')).toBe('Salle d’attente 2 (clinique) : 1 fichier manquant depuis 12 min');
      expect(await page.locator('[data-problem-screen="hall-1"]').count()).toBe(0);
      expect(await page.getAttribute('[data-problem-screen="salle-attente-2"] a', 'href')).toBe('#/screens/salle-attente-2');
      await openPage('screens/salle-attente-2');
      await page.locator('[data-cache] [data-cache-stuck]').waitFor({ timeout: 10_000 });
      expect((await page.textContent('[data-cache] [data-cache-stuck]'))?.replace(/\s/g, ' ')).toBe('cache bloqué : un fichier manque depuis 12 min');
    } finally {
      socket.close();
    }
  });

  it('an address naming no screen (removed, or mistyped, even a broken escape) says so, not "loading" forever nor a blank page', async () => {
    const page = await openPage('screens/ecran-supprime');
    await expect.poll(() => page.textContent('[data-screen-missing]')).toContain('Aucun écran « ecran-supprime » sur ce hub');
    await page.goto(`${hub.url}/#/screens/%E9`);
    await page.waitForSelector('main h1');
    await expect.poll(() => page.getAttribute('[data-screen-missing]', 'data-screen-missing')).toBe('%E9');
    // The menu is still there: the way back to the list.
    await page.click('nav a[href="#/screens"]');
    await page.waitForSelector('tr[data-screen-id="hall-1"]');
  });

  it('a paired screen whose token the hub no longer takes shows a new code', async () => {
    expect((await adminApi(hub, 'POST', '/api/screens/hall-1/token')).status).toBe(200);
    await player.page.reload();
    await expect.poll(() => player.page.getAttribute('[data-pairing-code]', 'data-pairing-code'), { timeout: 15_000 }).toMatch(/^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    expect((await readStore<{ key: string }>(player.page, 'settings')).some((s) => s.key === 'pairedScreen')).toBe(false);
    expect(player.errors).toEqual([]);
    expect(admin.errors).toEqual([]);
    await player.context.close();
    await admin.context.close();
  });
});
