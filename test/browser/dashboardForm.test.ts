import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScreenSet } from '../../src/shared/adminApi.js';
import { adminApi } from '../support/hubProcess.js';
import { useDashboard } from '../support/dashboardSuite.js';

/**
 * The playlist editor as a form (issue 8: edit a playlist, errors shown at the field), as a
 * communication officer would use it with no JSON: "weekends, 14 to 24 December", a new message, a
 * service's wait; each refusal of the schema beside its field; the push, read back from the hub.
 */

/** DASHBOARD_SCREENSHOTS=docs writes the form as docs/dashboard-form.png (npm run screenshots:dashboard). */
const SHOTS = process.env['DASHBOARD_SCREENSHOTS'] ? resolve(process.env['DASHBOARD_SCREENSHOTS']) : null;

const dashboard = useDashboard();
const hub = dashboard.hub;
let page: Page;

beforeAll(async () => {
  page = dashboard.page();
  expect((await adminApi(hub, 'POST', '/api/screens', { id: 'hall-1', name: 'Hall d’accueil', site: 'mairie', timezone: 'Europe/Paris' })).status).toBe(201);
});

/** The editor's text, as the JSON view and the push read it. */
async function draft(): Promise<{ id: string; schedule?: unknown; items: Record<string, unknown>[] }> {
  return JSON.parse(await page.inputValue('#playlist-json')) as { id: string; schedule?: unknown; items: Record<string, unknown>[] };
}

describe('the playlist form', () => {
  it('edits a playlist without its JSON: days, dates, hours, a message previewed, a wait; each error at its field; moves, removals undone, copies; pushes what it shows; keeps the draft per user', async () => {
    await page.goto(`${hub.url}/#/playlists`);
    // The form is what a first visit shows, with the sample playlist in it.
    await page.waitForSelector('[data-playlist-form]');
    expect(await page.isChecked('input[name="playlist-view"][value="form"]')).toBe(true);
    expect(await page.isVisible('#playlist-json')).toBe(false);
    expect(await page.inputValue('#pf-items-0-title')).toBe('Bienvenue à la mairie');

    // The message's title typed: the text and the slide's preview follow.
    await page.fill('#pf-items-0-title', 'Marché de Noël');
    await page.fill('#pf-items-0-body', 'Place de la mairie, de 10 h à 19 h.');
    expect((await draft()).items[0]).toMatchObject({ title: 'Marché de Noël', body: 'Place de la mairie, de 10 h à 19 h.' });
    expect(await page.textContent('[data-slide-preview="bienvenue"]')).toBe('Marché de NoëlPlace de la mairie, de 10 h à 19 h.');
    // The preview is drawn in the player's proportions: the title 8 % of the short side at 16:9.
    const box = await page.$eval('[data-slide-preview="bienvenue"]', (slide) => {
      const title = slide.querySelector('.slide-preview-title')!;
      return { width: slide.getBoundingClientRect().width, height: slide.getBoundingClientRect().height, title: parseFloat(getComputedStyle(title).fontSize) };
    });
    expect(box.width / box.height).toBeCloseTo(16 / 9, 1);
    expect(box.title / box.height).toBeCloseTo(0.08, 2);

    // Weekends from 14 to 24 December, evenings: ticked, picked and typed, no JSON written.
    await page.check('[data-form-schedule="schedule"] input[data-weekday="6"]');
    await page.check('[data-form-schedule="schedule"] input[data-weekday="7"]');
    // A first day and a last day, included: no time needed (a date alone is not dropped).
    await page.fill('#pf-schedule-from', '2026-12-14');
    await page.fill('#pf-schedule-until', '2026-12-24');
    await page.click('#pf-schedule-add-hours');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('pf-schedule-hours-0-start');
    await page.fill('#pf-schedule-hours-0-start', '18:00');
    // 22 h as typed at a French desk: read as 22:00 when the field is left.
    await page.fill('#pf-schedule-hours-0-end', '22h');
    await page.locator('#pf-schedule-hours-0-end').blur();
    expect((await draft()).schedule).toEqual({ days: [6, 7], from: '2026-12-14T00:00', until: '2026-12-25T00:00', hours: [{ start: '18:00', end: '22:00' }] });
    // A time typed key by key beside the last day: the day stays, the time is written once it reads as one.
    await page.click('#pf-schedule-until-time');
    await page.keyboard.type('18h');
    expect(await page.inputValue('#pf-schedule-until')).toBe('2026-12-24');
    await page.locator('#pf-schedule-until-time').blur();
    await expect.poll(async () => (await draft()).schedule).toMatchObject({ until: '2026-12-24T18:00' });
    expect(await page.inputValue('#pf-schedule-until-time')).toBe('18:00');
    // Emptied: the whole last day again.
    await page.fill('#pf-schedule-until-time', '');
    await expect.poll(async () => (await draft()).schedule).toMatchObject({ until: '2026-12-25T00:00' });
    // Said in a sentence: days, hours and dates together.
    expect(await page.textContent('[data-form-schedule="schedule"] [data-schedule-sentence]')).toBe('Passe chaque samedi et dimanche, de 18:00 à 22:00, du lun. 14 décembre 2026 au jeu. 24 décembre 2026 inclus.');
    await page.waitForSelector('[data-draft="valid"]');

    // An end before the start of the dates: the schema's refusal, in French, beside the field it names; the push says why it waits.
    await page.fill('#pf-schedule-until', '2026-11-30');
    await expect.poll(() => page.textContent('[data-error-at="schedule.until"]')).toBe('doit venir après la date de début (« from » : 2026-12-14T00:00)');
    expect(await page.getAttribute('#pf-schedule-until', 'aria-invalid')).toBe('true');
    expect(await page.isDisabled('button:text-is("Diffuser")')).toBe(true);
    expect(await page.textContent('[data-push-blocked]')).toBe('Corrigez 1 erreur avant de diffuser (listées sous l’éditeur ; un clic mène au champ).');
    // The error's entry under the editor leads to its field.
    await page.click('#playlist-json-error [data-error-path="schedule.until"] button');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('pf-schedule-until');
    await page.fill('#pf-schedule-until', '2026-12-24');
    await page.waitForSelector('[data-draft="valid"]');
    expect(await page.getAttribute('#pf-schedule-until', 'aria-invalid')).toBeNull();
    expect(await page.textContent('[data-push-blocked]')).toBe('');

    // A service's wait, added: the focus in its first field, its service asked for there until typed.
    await page.click('button:text-is("Ajouter l’attente d’un service")');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('pf-items-1-service');
    await page.waitForSelector('[data-draft="invalid"]');
    expect(await page.textContent('[data-error-at="items[1].service"]')).not.toBe('');
    expect(await page.getAttribute('#pf-items-1-service', 'aria-invalid')).toBe('true');
    await page.fill('#pf-items-1-service', 'etat-civil');
    await page.waitForSelector('[data-draft="valid"]');
    // A second message, its title emptied: refused at the field; then moved first, the focus kept on its button.
    await page.click('button:text-is("Ajouter un message (texte)")');
    await page.fill('#pf-items-2-title', '');
    await expect.poll(() => page.textContent('[data-error-at="items[2].title"]')).toBe('attendu : un titre non vide');
    await page.fill('#pf-items-2-title', 'Pensez à vos justificatifs');
    await page.fill('#pf-items-2-duration', '12,5');
    expect(await page.inputValue('#pf-items-2-duration')).toBe('12,5');
    await page.focus('[aria-label="Monter l’élément Pensez à vos justificatifs"]');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await draft()).items.map((item) => item['id'])).toEqual(['message-1', 'bienvenue', 'attente-1']);
    // First now, its "up" disabled: the focus went to its "down", not to the page.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Descendre l’élément Pensez à vos justificatifs');
    expect((await draft()).items[0]).toEqual({ id: 'message-1', type: 'text', duration: 12.5, title: 'Pensez à vos justificatifs' });
    // Only while the wait is 15 minutes or more: a condition of the item.
    await page.click('[data-form-item="attente-1"] summary');
    await page.fill('#pf-items-2-when-waitMinutes-min', '15');
    // Emptied, the condition is gone from the text, but its section stays open under the typing.
    await page.fill('#pf-items-2-when-waitMinutes-min', '');
    expect((await draft()).items[2]).not.toHaveProperty('when');
    expect(await page.$eval('[data-form-item="attente-1"] details', (section) => (section as HTMLDetailsElement).open)).toBe(true);
    await page.fill('#pf-items-2-when-waitMinutes-min', '15');
    expect((await draft()).items[2]).toEqual({ id: 'attente-1', type: 'wait', duration: 12, service: 'etat-civil', when: { waitMinutes: { min: 15 } } });
    await page.waitForSelector('[data-draft="valid"]');

    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.mouse.move(0, 0);
      await page.evaluate(() => document.querySelector('[data-form-schedule="schedule"]')!.scrollIntoView());
      await page.screenshot({ path: join(SHOTS, 'dashboard-form.png') });
    }

    // Removed by a key pressed twice: the first removes it, the second (on "Annuler", where the focus went) takes it back.
    const before = await draft();
    await page.focus('[aria-label="Supprimer l’élément Marché de Noël"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('[data-undo] [role=status]')).toBe('Élément « Marché de Noël » supprimé.');
    expect((await draft()).items.map((item) => item['id'])).toEqual(['message-1', 'attente-1']);
    await page.keyboard.press('Enter');
    await expect.poll(draft).toEqual(before);
    expect(await page.$('[data-undo]')).toBeNull();
    // Put back, it has the focus on its first field.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('pf-items-1-title');
    // Two removals, then typing elsewhere: each comes back where it was, the last first, and what was typed stays.
    await page.click('[aria-label="Supprimer l’élément Pensez à vos justificatifs"]');
    await page.click('[aria-label="Supprimer l’élément Marché de Noël"]');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Annuler');
    await page.fill('#pf-items-0-duration', '20');
    await page.click('[data-undo] button');
    await page.click('[data-undo] button');
    await expect.poll(async () => (await draft()).items.map((item) => item['id'])).toEqual(['message-1', 'bienvenue', 'attente-1']);
    expect((await draft()).items[2]!['duration']).toBe(20);
    await page.fill('#pf-items-2-duration', '12');
    await expect.poll(draft).toEqual(before);
    // Duplicated: the copy after it, with an id of its own, the focus in it.
    await page.click('[aria-label="Dupliquer l’élément Marché de Noël"]');
    await expect.poll(async () => (await draft()).items.map((item) => item['id'])).toEqual(['message-1', 'bienvenue', 'bienvenue-1', 'attente-1']);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('pf-items-2-title');
    await page.click('[aria-label="Supprimer l’élément Marché de Noël"] >> nth=1');
    await expect.poll(draft).toEqual(before);
    // Pushed: the hub holds the playlist the form shows.
    await page.check('input[name="push-target-kind"] >> nth=1');
    await page.selectOption('#push-target', 'hall-1');
    await page.click('button:text-is("Diffuser")');
    await expect.poll(() => page.textContent('[data-push-result]')).toMatch(/^Diffusé à Hall d’accueil \(hall-1, révision [0-9a-f]{8}\)\. Chaque écran confirme sa réception dans « Écrans »\.$/);
    const pushed = (await adminApi<ScreenSet>(hub, 'GET', '/api/screens/hall-1/playlists')).body;
    const edited = await draft();
    expect(pushed.playlists).toEqual([{ ...edited, priority: 0 }]);

    // The page lists what the screens play now, with where: a click takes it into the editor (the draft before it can be had back).
    await page.waitForSelector('[data-table="placed"] tr[data-placed="accueil"]');
    expect(await page.textContent('[data-table="placed"] tr[data-placed="accueil"] td:nth-of-type(2)')).toBe('Hall d’accueil');
    await page.fill('#pf-items-0-title', 'Brouillon en cours');
    await page.click('[aria-label="Modifier la liste Accueil"]');
    await expect.poll(async () => (await draft()).items[0]!['title']).toBe('Pensez à vos justificatifs');
    expect(await page.textContent('[data-undo] [role=status]')).toBe('Brouillon remplacé par la liste « Accueil ».');
    await page.click('[data-undo] button');
    await expect.poll(async () => (await draft()).items[0]!['title']).toBe('Brouillon en cours');
    await page.fill('#pf-items-0-title', 'Pensez à vos justificatifs');
    await expect.poll(draft).toEqual(edited);

    // The draft is kept in the browser: another page and back, or a reload, and it is still there.
    await page.goto(`${hub.url}/#/screens`);
    await page.waitForSelector('main h1');
    await page.goto(`${hub.url}/#/playlists`);
    await page.waitForSelector('[data-form-item="attente-1"]');
    expect(await draft()).toEqual(edited);
    await page.reload();
    await page.waitForSelector('[data-form-item="attente-1"]');
    expect(await draft()).toEqual(edited);
    // Kept per user: signed out and in again, it is there; another person at this browser starts from the sample.
    await page.click('button:text-is("Se déconnecter")');
    await page.goto(`${hub.url}/#/playlists`);
    await page.reload();
    await page.waitForSelector('[data-form-item="attente-1"]');
    expect(await draft()).toEqual(edited);
    const { password } = (await adminApi<{ password: string }>(hub, 'POST', '/api/users', { email: 'camille@mairie.fr', name: 'Camille', grants: [{ role: 'editor', site: 'mairie' }] })).body;
    const other = await page.context().browser()!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    const camille = await other.newPage();
    await camille.goto(hub.url);
    await camille.fill('#signin-email', 'camille@mairie.fr');
    await camille.fill('#signin-password', password);
    await camille.click('#account-form button[type=submit]');
    await camille.waitForSelector('[data-nav=playlists]');
    await camille.goto(`${hub.url}/#/playlists`);
    await camille.waitForSelector('#pf-items-0-title');
    expect(await camille.inputValue('#pf-items-0-title')).toBe('Bienvenue à la mairie');
    await other.close();
  });

  it('keeps the view chosen; a text that is not a playlist is said in the form, not lost; a second playlist makes an array', async () => {
    await page.goto(`${hub.url}/#/playlists`);
    await page.check('input[name="playlist-view"][value="json"]');
    await page.reload();
    await page.waitForSelector('#playlist-json');
    expect(await page.isChecked('input[name="playlist-view"][value="json"]')).toBe(true);
    await page.fill('#playlist-json', '{"id": "accueil", "items": [');
    await page.check('input[name="playlist-view"][value="form"]');
    await page.waitForSelector('[data-form-unreadable]');
    expect(await page.textContent('#playlist-json-error [data-error-path="(root)"]')).toContain('(root) : texte JSON illisible (');
    await page.check('input[name="playlist-view"][value="json"]');
    expect(await page.inputValue('#playlist-json')).toBe('{"id": "accueil", "items": [');

    // An empty set is valid, but there is nothing to push: said beside the button, which waits.
    await page.fill('#playlist-json', '[]');
    await page.waitForSelector('[data-draft="valid"]');
    expect(await page.textContent('[data-draft="valid"]')).toBe('✓ Valide (aucune liste)');
    expect(await page.textContent('[data-push-blocked]')).toBe('Ajoutez au moins une liste avant de diffuser.');
    expect(await page.isDisabled('button:text-is("Diffuser")')).toBe(true);
    await page.fill('#playlist-json', JSON.stringify({ id: 'accueil', items: [{ id: 'a', type: 'text', duration: 8, title: 'A' }] }));
    await page.check('input[name="playlist-view"][value="form"]');
    await page.click('button:text-is("Ajouter une liste de lecture")');
    // The new playlist's name has the focus, selected: typing replaces it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('pf-1-name');
    // Now an array: the fields' paths start with the playlist's index.
    await page.waitForSelector('#pf-1-name');
    expect(await page.inputValue('#pf-1-name')).toBe('Nouvelle liste');
    expect(await page.textContent('[data-form-playlist="liste-1"] legend')).toBe('Liste 2 : Nouvelle liste');
    await page.check('[data-form-schedule="[1].schedule"] input[data-weekday="1"]');
    const set = JSON.parse(await page.inputValue('#playlist-json')) as unknown[];
    expect(set).toEqual([
      { id: 'accueil', items: [{ id: 'a', type: 'text', duration: 8, title: 'A' }] },
      { id: 'liste-1', name: 'Nouvelle liste', items: [], schedule: { days: [1] } },
    ]);
    await page.waitForSelector('[data-draft="valid"]');
    await page.click('button:text-is("Supprimer la liste Nouvelle liste")');
    expect(JSON.parse(await page.inputValue('#playlist-json'))).toEqual({ id: 'accueil', items: [{ id: 'a', type: 'text', duration: 8, title: 'A' }] });
    await page.waitForSelector('#pf-items-0-title');
    // Readability, at the field it is about: a duration too short to read the text, a colour below 3:1 beside its item (no field for it).
    await page.check('input[name="playlist-view"][value="json"]');
    const rappel = { id: 'rappel', type: 'text', duration: 3, title: 'Pensez à vos pièces justificatives', body: 'Carte d’identité, justificatif de domicile de moins de trois mois, photo conforme.', colors: { text: '#ffd23f', background: '#ffffff' } };
    await page.fill('#playlist-json', JSON.stringify({ id: 'accueil', items: [rappel] }));
    await page.check('input[name="playlist-view"][value="form"]');
    await expect.poll(() => page.textContent('[data-lint-at="items[0].duration"]')).toBe('Avertissement : 18 mots demandent 9 s à un lecteur lent (126 mots/min, IReST) : la durée est de 3 s');
    expect(await page.textContent('[data-lint-at="items[0].colors.text"]')).toMatch(/^Erreur : contraste 1,44:1/);
    // The colours have no field: the item says they are in the text, kept as they are.
    expect(await page.textContent('[data-form-item="rappel"] [data-also-in-text]')).toBe('Aussi dans le texte JSON, gardé tel quel (à modifier avec « le texte JSON ») : colors.');
    // What the form has no field for (an image's digest, a share of voice) is refused beside its item or its playlist, with its path.
    await page.check('input[name="playlist-view"][value="json"]');
    await page.fill('#playlist-json', JSON.stringify({ id: 'accueil', share: 2, items: [{ id: 'affiche', type: 'image', duration: 8, src: 'https://cdn.mairie.example/affiche.png', sha256: 'abc' }] }));
    await page.check('input[name="playlist-view"][value="form"]');
    await expect.poll(() => page.textContent('[data-other-issues="items[0]"]')).toBe('items[0].sha256 : attendu : 64 caractères hexadécimaux');
    expect(await page.textContent('[data-other-issues="(root)"]')).toMatch(/^share : /);
    expect(await page.$('[data-error-at="items[0].src"]:not(:empty)')).toBeNull();
    // The services the screens' layouts name are offered in a service's field, and a new wait item starts with the first.
    const layout = { id: 'salle', zones: [{ id: 'main', x: 0, y: 0, width: 70, height: 100 }, { id: 'file', x: 70, y: 0, width: 30, height: 100, kind: 'queue' }], serviceNames: { 'etat-civil': 'État civil' } };
    expect((await adminApi(hub, 'POST', '/api/screens', { id: 'salle-2', name: 'Salle 2', site: 'mairie', timezone: 'Europe/Paris' })).status).toBe(201);
    expect((await adminApi(hub, 'POST', '/api/playlists', { playlists: [{ id: 'p', items: [{ id: 'a', type: 'text', duration: 8, title: 'A' }] }], target: { screen: 'salle-2' }, layout })).status).toBe(200);
    await page.reload();
    await page.waitForSelector('[data-form-item="affiche"]');
    await expect.poll(() => page.$$eval('#pf-known-services option', (options) => options.map((o) => [o.getAttribute('value'), o.getAttribute('label')]))).toEqual([['etat-civil', 'État civil']]);
    await page.click('button:text-is("Ajouter l’attente d’un service")');
    await expect.poll(() => page.inputValue('#pf-items-1-service')).toBe('etat-civil');
    expect(await page.getAttribute('#pf-items-1-service', 'list')).toBe('pf-known-services');
    // A message is previewed in the zone it will play in, on the screen the push targets: Salle 2's carousel, 70 % of its width.
    await page.check('input[name="playlist-view"][value="json"]');
    await page.fill('#playlist-json', JSON.stringify({ id: 'accueil', items: [{ id: 'note', type: 'text', duration: 8, title: 'Horaires' }] }));
    await page.check('input[name="playlist-view"][value="form"]');
    expect(await page.textContent('[data-slide-preview="note"] + figcaption')).toBe('Aperçu à l’échelle, dans la zone « main » (1920 × 1080 px d’un écran de 1920 × 1080).');
    await page.check('input[name="push-target-kind"] >> nth=1');
    await page.selectOption('#push-target', 'salle-2');
    await expect.poll(() => page.textContent('[data-slide-preview="note"] + figcaption')).toBe('Aperçu à l’échelle, dans la zone « main » (1344 × 1080 px d’un écran de 1920 × 1080).');
    // The player's sizes for that zone, to scale: the title 8 % of the zone's short side (1080 px), drawn at a fifth.
    const drawn = await page.$eval('[data-slide-preview="note"]', (slide) => ({ width: slide.getBoundingClientRect().width, height: slide.getBoundingClientRect().height, title: parseFloat(getComputedStyle(slide.querySelector('.slide-preview-title')!).fontSize) }));
    expect(drawn).toEqual({ width: expect.closeTo(268.8, 1), height: expect.closeTo(216, 1), title: expect.closeTo(17.28, 2) });
    // Starting again from the sample.
    await page.click('button:text-is("Repartir de l’exemple")');
    expect(await page.inputValue('#pf-items-0-title')).toBe('Bienvenue à la mairie');
    expect(await page.isDisabled('button:text-is("Repartir de l’exemple")')).toBe(true);
  });
});
