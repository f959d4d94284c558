import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import type { UserList } from '../../src/shared/accounts.js';
import { freePort, startOidcProvider, type TestProvider } from '../support/oidcProvider.js';
import { closeContexts, sharedBrowser } from '../support/suite.js';

/**
 * The dashboard's accounts (issue 18) in Chromium against a real hub serving the built
 * dashboard: sign-in with a password, the session cookie out of the page's reach, CSRF refusals
 * (no token; another site's page), sign-out, a receptionist who sees only what her role allows,
 * the audit page's filter and CSV, and single sign-on through a real OpenID Connect provider.
 */

const ADMIN = 'dashboard-accounts-admin-token-0123456789';
const ADMIN_EMAIL = 'dsi@mairie.fr';
const ADMIN_PASSWORD = 'le mot de passe du DSI de la mairie';
const DASHBOARD_DIR = resolve(import.meta.dirname, '../../dist/dashboard');
/** DASHBOARD_SCREENSHOTS=docs: a 1280×800 picture of each page there (npm run screenshots:dashboard). */
const SHOTS = process.env['DASHBOARD_SCREENSHOTS'] ? resolve(process.env['DASHBOARD_SCREENSHOTS']) : null;

async function picture(page: Page, file: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, file) });
}
let hub: RunningHub;
let provider: TestProvider;
let browser: Browser;
/** A page of another site (another host name for the same machine): what a malicious page would be. */
let elsewhere: Server;
let elsewhereUrl: string;

async function adminApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, hub.url), {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as T;
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  return context.newPage();
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(hub.url);
  await page.waitForSelector('#signin-email');
  await page.fill('#signin-email', email);
  await page.fill('#signin-password', password);
  await page.click('#account-form button[type=submit]');
}

beforeAll(async () => {
  const port = await freePort();
  const callback = `http://127.0.0.1:${port}/api/session/oidc/callback`;
  provider = await startOidcProvider([callback], { sub: 'agent-7', email: 'claire.martin@mairie.fr', email_verified: true, name: 'Claire Martin', antichambre_roles: ['viewer@annexe'] });
  hub = await startHub({
    db: join(mkdtempSync(join(tmpdir(), 'antichambre-dashboard-accounts-')), 'hub.db'),
    port,
    host: '127.0.0.1',
    adminToken: ADMIN,
    adminEmail: ADMIN_EMAIL,
    adminPassword: ADMIN_PASSWORD,
    dashboardDir: DASHBOARD_DIR,
    log: () => {},
    oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUrl: callback, rolesClaim: 'antichambre_roles', label: 'Compte agent de la collectivité' },
  });
  await adminApi('POST', '/api/screens', { id: 'accueil-annexe', name: 'Accueil annexe', site: 'annexe', timezone: 'Europe/Paris' });
  await adminApi('POST', '/api/screens', { id: 'hall-mairie', name: 'Hall mairie', site: 'mairie', timezone: 'Europe/Paris' });
  elsewhere = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.end('<!doctype html><title>ailleurs</title>');
  });
  await new Promise<void>((done) => elsewhere.listen(0, '127.0.0.1', done));
  const address = elsewhere.address();
  elsewhereUrl = `http://localhost:${typeof address === 'object' && address ? address.port : 0}/`;
  browser = await sharedBrowser();
});
afterAll(async () => {
  await closeContexts(browser);
  await hub?.close();
  await provider?.close();
  await new Promise<void>((done) => (elsewhere ? elsewhere.close(() => done()) : done()));
});

describe('dashboard: accounts', () => {
  it('signs in with a password; the cookie is out of the page\'s reach; a change without the CSRF token or from another site is refused; signs out', async () => {
    const page = await newPage();
    await signIn(page, ADMIN_EMAIL, 'pas le bon mot de passe');
    await expect.poll(() => page.textContent('#signin-error')).toBe('Adresse ou mot de passe incorrect (ou compte désactivé).');
    await page.waitForSelector('[data-oidc]');
    await picture(page, 'dashboard-sign-in-account.png');
    await page.fill('#signin-password', ADMIN_PASSWORD);
    await page.click('#account-form button[type=submit]');
    await page.waitForSelector('[data-nav=users]');
    expect(await page.textContent('[data-signed-in-as]')).toBe('Administrateur');
    const [cookie] = await page.context().cookies(hub.url);
    expect(cookie).toMatchObject({ name: 'antichambre_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('antichambre_session');

    // The page's own script, without the CSRF token: refused; with it: done.
    const answers = await page.evaluate(async () => {
      const post = (headers: Record<string, string>) => fetch('/api/tokens', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'depuis la page' }) });
      const without = await post({});
      const csrf = ((await (await fetch('/api/session')).json()) as { csrfToken: string }).csrfToken;
      const withToken = await post({ 'x-csrf-token': csrf });
      return { without: without.status, error: ((await without.json()) as { error: string }).error, with: withToken.status };
    });
    expect(answers).toMatchObject({ without: 403, with: 201 });
    expect(answers.error).toMatch(/^csrf/);

    // Another site's page posting to the hub with the browser's credentials: the cookie does not go (SameSite=Strict), nothing is done.
    const other = await page.context().newPage();
    await other.goto(elsewhereUrl);
    await other.evaluate(async (hubUrl) => {
      await fetch(`${hubUrl}/api/users`, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ email: 'pirate@ailleurs.fr', name: 'Pirate', grants: [{ role: 'admin', site: null }] }) }).catch(() => null);
    }, hub.url);
    const users = await adminApi<UserList>('GET', '/api/users');
    expect(users.users.map((u) => u.email)).not.toContain('pirate@ailleurs.fr');
    await other.close();

    await page.click('button:text-is("Se déconnecter")');
    await page.waitForSelector('#signin-email');
    expect(await page.evaluate(async () => (await fetch('/api/session')).status)).toBe(401);
    await page.reload();
    await page.waitForSelector('#signin-email');
    await page.context().close();
  });

  it('lets an admin add a receptionist, who then sees only her site\'s alerts and no editing, users or audit', async () => {
    const page = await newPage();
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.waitForSelector('[data-nav=users]');
    await page.click('[data-nav=users]');
    await page.fill('#user-email', 'accueil.annexe@mairie.fr');
    await page.fill('#user-name', 'Accueil annexe');
    await page.fill('#user-roles', 'chef@annexe');
    await page.click('button:text-is("Ajouter l’utilisateur")');
    await expect.poll(() => page.textContent('[data-error-for=user-roles]')).toContain('chef@annexe');
    // A site no screen is on (a typo): said as it is typed, not refused (a site may come before its screens).
    await page.fill('#user-roles', 'operator@anexe');
    await expect.poll(() => page.textContent('[data-unknown-sites]')).toBe('Aucun écran n’est sur anexe pour l’instant (les écrans sont sur : annexe, mairie) : vérifiez l’orthographe du site, sinon ce rôle ne donnera accès à rien.');
    await page.fill('#user-roles', 'operator@annexe');
    expect(await page.$('[data-unknown-sites]')).toBeNull();
    await page.click('button:text-is("Ajouter l’utilisateur")');
    await expect.poll(() => page.textContent('[data-user-shown]')).toMatch(/^accueil\.annexe@mairie\.fr : mot de passe \(affiché une seule fois\) : \S{20,} Copier/);
    const password = (await page.textContent('[data-password]'))!;
    expect(password).toMatch(/^\S{20,}$/);
    // Copied with one click: the clipboard holds it (a page on this computer may write to it), else it is selected for Ctrl+C.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hub.url });
    await page.click('[data-user-shown] button:text-is("Copier")');
    await expect.poll(() => page.textContent('[data-copied]')).toBe('Copié.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(password);
    // The row's buttons sit in their cell: the table keeps one column per header.
    expect(await page.$$eval('tr[data-user-row="accueil.annexe@mairie.fr"] > *', (cells) => cells.map((cell) => getComputedStyle(cell).display))).toEqual(['table-cell', 'table-cell', 'table-cell', 'table-cell', 'table-cell']);
    await page.waitForSelector('tr[data-user-row="accueil.annexe@mairie.fr"]');
    await picture(page, 'dashboard-users.png');
    await page.click('button:text-is("Se déconnecter")');

    await signIn(page, 'accueil.annexe@mairie.fr', password);
    await page.waitForSelector('[data-nav=alerts]');
    const nav = await page.$$eval('[data-nav]', (links) => links.map((link) => link.getAttribute('data-nav')));
    expect(nav).toEqual(['screens', 'alerts', 'reports', 'feeds', 'account']);
    await page.waitForSelector('tr[data-screen-id="accueil-annexe"]');
    expect(await page.$('tr[data-screen-id="hall-mairie"]')).toBeNull();
    expect(await page.$('#pairing-code')).toBeNull();
    // Her screen's page shows its reading distance, without the form only an administrator may save.
    await page.click('tr[data-screen-id="accueil-annexe"] a');
    await expect.poll(() => page.textContent('[data-viewing-read]')).toBe('Non renseignées');
    expect(await page.$('#viewing-diagonal')).toBeNull();
    await page.goto(`${hub.url}/#/users`);
    await expect.poll(() => page.textContent('main')).toContain('Votre rôle ne donne pas accès à cette page.');
    await page.goto(`${hub.url}/#/alerts`);
    await page.waitForSelector('#send-alert-title');
    expect(await page.isVisible('#send-alert-title')).toBe(true);
    // She changes the password the administrator gave her, and signs in with hers from then on.
    await page.click('[data-nav=account]');
    await page.fill('#current-password', password);
    await page.fill('#new-password', 'le mot de passe de l’accueil');
    await page.click('button:text-is("Changer de mot de passe")');
    await expect.poll(() => page.textContent('[data-password-note]')).toBe('Mot de passe changé ; vos autres sessions sont fermées.');
    await page.click('button:text-is("Se déconnecter")');
    await signIn(page, 'accueil.annexe@mairie.fr', 'le mot de passe de l’accueil');
    await page.waitForSelector('[data-nav=alerts]');
    await page.context().close();
  });

  it('goes back to the sign-in page, saying why, when the hub ends the session (idle, signed out elsewhere, disabled)', async () => {
    const page = await newPage();
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.waitForSelector('tr[data-screen-id="hall-mairie"]');
    const admin = (await hub.access.stores.accounts.byEmail(ADMIN_EMAIL))!;
    expect(await hub.access.stores.sessions.endAllOf(admin.id)).toBeGreaterThan(0);
    // The screens page polls every 3 s: its next call is refused, and the page says so.
    await page.waitForSelector('[data-session-ended]', { timeout: 15_000 });
    expect(await page.textContent('[data-session-ended]')).toContain('Votre session a pris fin');
    expect(await page.isVisible('#signin-email')).toBe(true);
    expect(await page.$('[data-nav]')).toBeNull();
    await page.context().close();
  });

  it('shows the audit log with a filter, and exports it as CSV', async () => {
    const page = await newPage();
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.waitForSelector('[data-nav=audit]');
    await page.click('[data-nav=audit]');
    await page.waitForSelector('tr[data-audit-action]');
    await page.selectOption('#audit-action', 'session.signin-failed');
    await expect.poll(async () => [...new Set(await page.$$eval('tr[data-audit-action]', (rows) => rows.map((row) => row.getAttribute('data-audit-action'))))]).toEqual(['session.signin-failed']);
    expect(await page.textContent('tbody')).toContain('email:dsi@mairie.fr');
    // Its detail in the page's language (the hub writes `wrong password`; the CSV keeps it so).
    expect(await page.textContent('tr[data-audit-action="session.signin-failed"] td:nth-child(5)')).toContain('mot de passe incorrect');
    // The action in words (French first), its id beside it for the logs and the CSV; the filter's choices in words too.
    expect(await page.textContent('tr[data-audit-action="session.signin-failed"] td:nth-child(3)')).toBe('Connexion refuséesession.signin-failed');
    expect(await page.textContent('#audit-action option[value="session.signin-failed"]')).toBe('Connexion refusée');
    await page.selectOption('#audit-action', '');
    await page.waitForSelector('tr[data-audit-action="user.add"]');
    await picture(page, 'dashboard-audit.png');
    // The hub's words in before and after, in the page's language (the hub writes `disabled operator@annexe`).
    await page.click('[data-nav=users]');
    await page.click('[data-toggle-user="accueil.annexe@mairie.fr"]');
    await page.waitForSelector('tr[data-user-row="accueil.annexe@mairie.fr"][data-disabled="yes"]');
    await page.click('[data-nav=audit]');
    await page.selectOption('#audit-action', 'user.change');
    await expect.poll(() => page.textContent('tr[data-audit-action="user.change"] td:nth-child(5) code')).toBe('operator@annexe → désactivé operator@annexe');
    await page.selectOption('#audit-action', 'session.signin-failed');
    await expect.poll(async () => [...new Set(await page.$$eval('tr[data-audit-action]', (rows) => rows.map((row) => row.getAttribute('data-audit-action'))))]).toEqual(['session.signin-failed']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-audit-csv]')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,actorEmail,address,action,target,site,before,after,detail');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((line) => line.includes(',session.signin-failed,'))).toBe(true);
    await page.context().close();
  });

  it('signs in through the town\'s identity provider, with the role its claim gives', async () => {
    const page = await newPage();
    await page.goto(hub.url);
    await page.waitForSelector('[data-oidc]');
    expect(await page.textContent('[data-oidc]')).toBe('Compte agent de la collectivité');
    await page.click('[data-oidc]');
    await page.waitForSelector('[data-signed-in-as]');
    expect(await page.textContent('[data-signed-in-as]')).toBe('Claire Martin');
    expect(new URL(page.url()).origin).toBe(hub.url);
    const nav = await page.$$eval('[data-nav]', (links) => links.map((link) => link.getAttribute('data-nav')));
    expect(nav).toEqual(['screens', 'alerts', 'reports', 'feeds', 'account']);
    await page.waitForSelector('tr[data-screen-id="accueil-annexe"]');
    expect(await page.$('tr[data-screen-id="hall-mairie"]')).toBeNull();
    await page.click('[data-nav=account]');
    await expect.poll(() => page.textContent('[data-my-roles]')).toBe('viewer@annexe');
    await picture(page, 'dashboard-account.png');
    await page.click('[data-sign-out-everywhere]');
    await page.waitForSelector('[data-oidc]');
    expect(await page.evaluate(async () => (await fetch('/api/session')).status)).toBe(401);
    await page.context().close();
  });
});
