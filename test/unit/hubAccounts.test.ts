import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/hub/loginThrottle.js';
import { openSqliteDb as openHubDb, SQLITE_MIGRATIONS as MIGRATIONS } from '../../src/hub/stores/sqlite/sqliteDb.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { SqliteSessionStore } from '../../src/hub/stores/sqlite/sessions.js';
import type { AuditList, SessionState, UserCreated, UserInfo } from '../../src/shared/accounts.js';
import { hubCli } from '../support/hubProcess.js';

/**
 * Accounts (issue 18) against a real hub on loopback: the first administrator, passwords as
 * argon2id only, dashboard sessions (cookie, CSRF, sign-out, everywhere, idle end), sign-in
 * throttling, disabled users, the audit log (append-only, CSV), the CLI's user and audit
 * commands, and a hub from before accounts whose admin token keeps driving the CLI.
 */

const ADMIN = 'accounts-admin-token-0123456789abcdefghij';
const ADMIN_EMAIL = 'dsi@mairie.fr';
const ADMIN_PASSWORD = 'Mot de passe du DSI, assez long';
let hub: RunningHub;
let dir: string;

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: string };
  headers: Headers;
}

async function http<T = Record<string, unknown>>(method: string, path: string, options: { token?: string; cookie?: string; csrf?: string; origin?: string; body?: unknown; on?: RunningHub } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.cookie) headers['cookie'] = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  if (options.origin) headers['origin'] = options.origin;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path, (options.on ?? hub).url), { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T & { error?: string }, headers: response.headers };
}

/** Signs in; answers the cookie to send back and the session's CSRF token. */
async function signIn(email: string, password: string, on?: RunningHub): Promise<{ cookie: string; csrf: string; setCookie: string; state: SessionState }> {
  const answer = await http<SessionState>('POST', '/api/session', { body: { email, password }, ...(on ? { on } : {}) });
  expect(answer.status, answer.body.error).toBe(200);
  const setCookie = answer.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, csrf: answer.body.csrfToken!, setCookie, state: answer.body };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'antichambre-accounts-'));
  hub = await startHub({ db: join(dir, 'hub.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD, log: () => {} });
});
afterAll(async () => {
  await hub?.close();
});

describe('accounts: first start and passwords', () => {
  it('makes the first administrator from the environment, and the admin token is theirs', async () => {
    expect(hub.firstAdministrator).toEqual({ email: ADMIN_EMAIL, password: null });
    const { state } = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(state.user.grants).toEqual([{ role: 'admin', site: null }]);
    const me = await http<SessionState>('GET', '/api/session', { token: ADMIN });
    expect(me.body.user.email).toBe(ADMIN_EMAIL);
    expect(me.body.csrfToken).toBeNull();
  });

  it('makes admin@localhost with a password answered once when nothing is given', async () => {
    const other = await startHub({ db: join(dir, 'fresh.db'), port: 0, host: '127.0.0.1', log: () => {} });
    try {
      expect(other.firstAdministrator?.email).toBe('admin@localhost');
      const password = other.firstAdministrator!.password!;
      expect(password.length).toBeGreaterThanOrEqual(24);
      await signIn('admin@localhost', password, other);
      expect((await http('GET', '/api/screens', { token: 'anything-else', on: other })).status).toBe(401);
    } finally {
      await other.close();
    }
    const again = await startHub({ db: join(dir, 'fresh.db'), port: 0, host: '127.0.0.1', log: () => {} });
    expect(again.firstAdministrator).toBeNull();
    await again.close();
  });

  it('stores passwords as argon2id only: no plaintext nor fast hash anywhere in the database files', async () => {
    const password = 'cheval correct agrafe batterie';
    const created = await http<UserCreated>('POST', '/api/users', { token: ADMIN, body: { email: 'Accueil@Mairie.fr', name: 'Accueil', password, grants: [{ role: 'operator', site: 'mairie' }] } });
    expect(created.status).toBe(201);
    expect(created.body.user.email).toBe('accueil@mairie.fr');
    expect(created.body.password).toBeUndefined();
    expect(JSON.stringify(created.body)).not.toContain('argon2');
    await signIn('accueil@mairie.fr', password);
    const db = new Database(join(dir, 'hub.db'), { readonly: true });
    const hashes = db.prepare<[], { password_hash: string | null }>('SELECT password_hash FROM users').all();
    db.close();
    expect(hashes.length).toBeGreaterThanOrEqual(2);
    for (const { password_hash } of hashes) expect(password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const files = ['hub.db', 'hub.db-wal'].map((name) => join(dir, name)).filter((path) => existsSync(path));
    const bytes = Buffer.concat(files.map((path) => readFileSync(path)));
    for (const secret of [password, ADMIN_PASSWORD]) {
      expect(bytes.includes(Buffer.from(secret)), 'plaintext').toBe(false);
      for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512']) {
        const digest = createHash(algorithm).update(secret).digest();
        expect(bytes.includes(Buffer.from(digest.toString('hex'))), `${algorithm} hex`).toBe(false);
        expect(bytes.includes(Buffer.from(digest.toString('base64'))), `${algorithm} base64`).toBe(false);
        expect(bytes.includes(digest), `${algorithm} raw`).toBe(false);
      }
    }
  });
});

describe('accounts: dashboard sessions', () => {
  it('sets an HttpOnly SameSite=Strict cookie, answers who is signed in and refuses a change without the CSRF token', async () => {
    const { cookie, csrf, setCookie, state } = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(setCookie).toMatch(/^antichambre_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(state.actions).toContain('users.manage');
    expect((await http('GET', '/api/screens', { cookie })).status).toBe(200);
    const without = await http('POST', '/api/tokens', { cookie, body: { name: 'sans csrf' } });
    expect(without.status).toBe(403);
    expect(without.body.error).toMatch(/^csrf/);
    expect((await http('POST', '/api/tokens', { cookie, csrf: `${csrf.slice(0, -1)}x`, body: { name: 'mauvais csrf' } })).status).toBe(403);
    expect((await http('POST', '/api/tokens', { cookie, csrf, origin: 'http://ailleurs.example', body: { name: 'autre origine' } })).status).toBe(403);
    expect((await http('POST', '/api/tokens', { cookie, csrf, origin: hub.url, body: { name: 'bon' } })).status).toBe(201);
    const tokens = (await http<{ tokens: { name: string }[] }>('GET', '/api/tokens', { token: ADMIN })).body.tokens.map((t) => t.name);
    expect(tokens).toContain('bon');
    expect(tokens).not.toContain('sans csrf');
    expect(tokens).not.toContain('mauvais csrf');
    expect(tokens).not.toContain('autre origine');
  });

  it('ends the session at sign-out, and every session of the user at sign-out everywhere', async () => {
    const one = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect((await http('DELETE', '/api/session', { cookie: one.cookie })).status).toBe(403);
    const out = await http('DELETE', '/api/session', { cookie: one.cookie, csrf: one.csrf });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/antichambre_session=;/);
    expect((await http('GET', '/api/session', { cookie: one.cookie })).status).toBe(401);
    const a = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const b = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const everywhere = await http<{ signedOut: number }>('POST', '/api/session/everywhere', { cookie: a.cookie, csrf: a.csrf, body: {} });
    expect(everywhere.body.signedOut).toBeGreaterThanOrEqual(2);
    expect((await http('GET', '/api/session', { cookie: a.cookie })).status).toBe(401);
    expect((await http('GET', '/api/session', { cookie: b.cookie })).status).toBe(401);
    // The API token is not a session: it goes on.
    expect((await http('GET', '/api/session', { token: ADMIN })).status).toBe(200);
  });

  it('ends a session idle for the idle time, and any session after its maximum age', async () => {
    const db = openHubDb(':memory:');
    db.prepare("INSERT INTO users (id, email, name, source, created_at) VALUES ('u-1', 'a@b.fr', 'A', 'local', '2026-01-01T00:00:00.000Z')").run();
    const sessions = new SqliteSessionStore(db, { idleMs: 30 * 60_000, maxAgeMs: 12 * 3_600_000 });
    const start = Date.parse('2026-12-02T08:00:00.000Z');
    const token = await sessions.create('u-1', '10.0.0.1', start);
    expect(await sessions.touch(token, start + 29 * 60_000)).toMatchObject({ userId: 'u-1' });
    expect(await sessions.touch(token, start + 58 * 60_000)).toMatchObject({ userId: 'u-1' });
    expect(await sessions.touch(token, start + 58 * 60_000 + 30 * 60_000)).toBeNull();
    expect(await sessions.touch(token, start + 58 * 60_000)).toBeNull();
    const busy = await sessions.create('u-1', null, start);
    for (let minute = 20; minute < 12 * 60; minute += 20) expect(await sessions.touch(busy, start + minute * 60_000), `minute ${minute}`).not.toBeNull();
    expect(await sessions.touch(busy, start + 12 * 3_600_000)).toBeNull();
    const stored = db.prepare<[], { id_hash: string }>('SELECT id_hash FROM sessions').all();
    expect(stored.every((row) => row.id_hash !== token && row.id_hash !== busy)).toBe(true);
    db.close();
  });

  it('throttles sign-in per account (even the right password is refused for a while) and per address', async () => {
    await http('POST', '/api/users', { token: ADMIN, body: { email: 'cible@mairie.fr', name: 'Cible', password: 'le bon mot de passe', grants: [] } });
    for (let i = 0; i < 5; i++) expect((await http('POST', '/api/session', { body: { email: 'cible@mairie.fr', password: `essai ${i}` } })).status).toBe(401);
    const refused = await http('POST', '/api/session', { body: { email: 'cible@mairie.fr', password: 'le bon mot de passe' } });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/retry in \d+ s/);
    // The same answer for an unknown email as for a wrong password.
    const unknown = await http('POST', '/api/session', { body: { email: 'personne@mairie.fr', password: 'quelque chose' } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe((await http('POST', '/api/session', { body: { email: ADMIN_EMAIL, password: 'faux' } })).body.error);

    const throttle = new LoginThrottle({ perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 });
    const t0 = 1_000_000;
    for (let i = 0; i < 20; i++) await throttle.failed(`compte-${i}@mairie.fr`, '10.0.0.9', t0 + i);
    expect(await throttle.waitSeconds('autre@mairie.fr', '10.0.0.9', t0 + 30)).toBeGreaterThan(0);
    expect(await throttle.waitSeconds('autre@mairie.fr', '10.0.0.10', t0 + 30)).toBe(0);
    expect(await throttle.waitSeconds('compte-1@mairie.fr', '10.0.0.10', t0 + 30)).toBe(0);
    expect(await throttle.waitSeconds('autre@mairie.fr', '10.0.0.9', t0 + 15 * 60_000)).toBe(0);
  });

  it('lets a user change their own password with the current one; their other sessions end', async () => {
    await http('POST', '/api/users', { token: ADMIN, body: { email: 'change@mairie.fr', name: 'Change', password: 'ancien mot de passe', grants: [] } });
    const here = await signIn('change@mairie.fr', 'ancien mot de passe');
    const there = await signIn('change@mairie.fr', 'ancien mot de passe');
    const wrong = await http('POST', '/api/session/password', { cookie: here.cookie, csrf: here.csrf, body: { current: 'pas celui-ci', password: 'nouveau mot de passe' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatch(/^current/);
    expect((await http('POST', '/api/session/password', { cookie: here.cookie, body: { current: 'ancien mot de passe', password: 'nouveau mot de passe' } })).status).toBe(403);
    expect((await http('POST', '/api/session/password', { cookie: here.cookie, csrf: here.csrf, body: { current: 'ancien mot de passe', password: 'court' } })).status).toBe(400);
    const changed = await http<{ signedOut: number }>('POST', '/api/session/password', { cookie: here.cookie, csrf: here.csrf, body: { current: 'ancien mot de passe', password: 'nouveau mot de passe' } });
    expect(changed.body.signedOut).toBe(1);
    expect((await http('GET', '/api/session', { cookie: here.cookie })).status).toBe(200);
    expect((await http('GET', '/api/session', { cookie: there.cookie })).status).toBe(401);
    expect((await http('POST', '/api/session', { body: { email: 'change@mairie.fr', password: 'ancien mot de passe' } })).status).toBe(401);
    await signIn('change@mairie.fr', 'nouveau mot de passe');
  });

  it("an administrator's reset ends the user's sessions; resetting their own keeps the session they did it from", async () => {
    const password = 'mot de passe de la seconde DSI';
    const admin = (await http<UserCreated>('POST', '/api/users', { token: ADMIN, body: { email: 'dsi-2@mairie.fr', name: 'DSI 2', password, grants: [{ role: 'admin', site: null }] } })).body.user;
    const agent = (await http<UserCreated>('POST', '/api/users', { token: ADMIN, body: { email: 'accueil-reset@mairie.fr', name: 'Accueil', password, grants: [] } })).body.user;
    const agentSession = await signIn('accueil-reset@mairie.fr', password);
    const here = await signIn('dsi-2@mairie.fr', password);
    const there = await signIn('dsi-2@mairie.fr', password);

    const theirs = await http<{ password: string }>('POST', `/api/users/${agent.id}/password`, { cookie: here.cookie, csrf: here.csrf, body: {} });
    expect(theirs.status).toBe(200);
    expect((await http('GET', '/api/session', { cookie: agentSession.cookie })).status).toBe(401);

    const own = await http<{ password: string }>('POST', `/api/users/${admin.id}/password`, { cookie: here.cookie, csrf: here.csrf, body: {} });
    expect(own.status).toBe(200);
    expect((await http('GET', '/api/session', { cookie: here.cookie })).status).toBe(200);
    expect((await http('GET', '/api/session', { cookie: there.cookie })).status).toBe(401);
    expect((await http('POST', '/api/session', { body: { email: 'dsi-2@mairie.fr', password } })).status).toBe(401);
    await signIn('dsi-2@mairie.fr', own.body.password);
    // Disabled again: the tests after this one count the administrators of every site.
    expect((await http('PATCH', `/api/users/${admin.id}`, { token: ADMIN, body: { disabled: true } })).status).toBe(200);
  });

  it('disables a user: their sessions end, their tokens and their password are refused', async () => {
    const password = 'mot de passe du stagiaire';
    const user = (await http<UserCreated>('POST', '/api/users', { token: ADMIN, body: { email: 'stagiaire@mairie.fr', name: 'Stagiaire', password, grants: [{ role: 'viewer', site: null }] } })).body.user;
    const session = await signIn('stagiaire@mairie.fr', password);
    const token = (await http<{ token: string }>('POST', '/api/tokens', { cookie: session.cookie, csrf: session.csrf, body: { name: 'script' } })).body.token;
    expect((await http('GET', '/api/screens', { token })).status).toBe(200);
    const disabled = await http<UserInfo>('PATCH', `/api/users/${user.id}`, { token: ADMIN, body: { disabled: true } });
    expect(disabled.body.disabled).toBe(true);
    expect((await http('GET', '/api/screens', { cookie: session.cookie })).status).toBe(401);
    expect((await http('GET', '/api/screens', { token })).status).toBe(401);
    expect((await http('POST', '/api/session', { body: { email: 'stagiaire@mairie.fr', password } })).status).toBe(401);
  });

  it('keeps an administrator of every site: the last one cannot be demoted or disabled', async () => {
    const admin = (await http<SessionState>('GET', '/api/session', { token: ADMIN })).body.user;
    const demoted = await http('PATCH', `/api/users/${admin.id}`, { token: ADMIN, body: { grants: [{ role: 'editor', site: null }] } });
    expect(demoted.status).toBe(409);
    expect((await http('PATCH', `/api/users/${admin.id}`, { token: ADMIN, body: { disabled: true } })).status).toBe(409);
    expect((await http('GET', '/api/users', { token: ADMIN })).status).toBe(200);
  });
});

describe('accounts: the audit log', () => {
  it('records sign-ins, failed ones, user changes and pushes with who, what, the target and before/after', async () => {
    await http('POST', '/api/screens', { token: ADMIN, body: { id: 'ecran-audit', name: 'Audit', site: 'mairie', timezone: 'Europe/Paris' } });
    const push = (title: string) => http('POST', '/api/playlists', { token: ADMIN, body: { playlists: [{ id: 'accueil', items: [{ id: 't', type: 'text', duration: 5, title }] }], target: { screen: 'ecran-audit' }, replace: true } });
    const first = await push('Bonjour');
    const second = await push('Bonsoir');
    const revision = (answer: Answer) => (answer.body as unknown as { screens: { revision: string }[] }).screens[0]!.revision;
    const { entries } = (await http<AuditList>('GET', '/api/audit', { token: ADMIN })).body;
    const pushes = entries.filter((e) => e.action === 'playlist.push' && e.target === 'screen:ecran-audit');
    expect(pushes[0]).toMatchObject({ actorEmail: ADMIN_EMAIL, site: 'mairie', before: `ecran-audit=${revision(first)}`, after: `ecran-audit=${revision(second)}` });
    expect(pushes[1]).toMatchObject({ before: 'ecran-audit=-', after: `ecran-audit=${revision(first)}` });
    expect(entries.find((e) => e.action === 'session.signin-failed' && e.target === 'email:personne@mairie.fr')).toMatchObject({ actor: null, address: '127.0.0.1', detail: 'unknown email' });
    expect(entries.find((e) => e.action === 'session.signin' && e.actorEmail === ADMIN_EMAIL)).toMatchObject({ detail: 'password' });
    expect(entries.find((e) => e.action === 'user.change' && e.detail === 'disabled')).toMatchObject({ before: 'viewer@*', after: 'disabled viewer@*' });
    expect(entries.find((e) => e.action === 'user.add' && e.detail === 'accueil@mairie.fr')).toMatchObject({ after: 'operator@mairie' });
    const filtered = (await http<AuditList>('GET', '/api/audit?action=playlist.push&site=mairie', { token: ADMIN })).body.entries;
    expect(filtered.length).toBe(2);
  });

  it("records a feed's subscription, poll and removal, and a screen's reading distance, with the site", async () => {
    await http('POST', '/api/screens', { token: ADMIN, body: { id: 'ecran-flux', name: 'Flux', site: 'annexe', timezone: 'Europe/Paris' } });
    // A feed nobody serves: its poll fails at once, and is audited all the same (someone asked for it).
    const url = 'http://127.0.0.1:9/flux.xml';
    expect((await http('POST', '/api/feeds', { token: ADMIN, body: { id: 'vigilance', kind: 'cap', site: 'annexe', url } })).status).toBe(201);
    expect((await http('POST', '/api/feeds/vigilance/poll', { token: ADMIN, body: {} })).status).toBe(200);
    expect((await http('DELETE', '/api/feeds/vigilance', { token: ADMIN })).status).toBe(200);
    expect((await http('PUT', '/api/screens/ecran-flux/viewing', { token: ADMIN, body: { viewing: { diagonalInches: 55, distanceM: 4 } } })).status).toBe(200);
    const entries = (await http<AuditList>('GET', '/api/audit?site=annexe', { token: ADMIN })).body.entries;
    const of = (action: string) => entries.filter((e) => e.action === action);
    expect(of('feed.add')).toMatchObject([{ actorEmail: ADMIN_EMAIL, target: 'feed:vigilance', site: 'annexe', after: `cap ${url}` }]);
    expect(of('feed.poll')).toMatchObject([{ target: 'feed:vigilance', site: 'annexe' }]);
    expect(of('feed.remove')).toMatchObject([{ target: 'feed:vigilance', site: 'annexe', before: `cap ${url}` }]);
    expect(of('screen.viewing')).toMatchObject([{ target: 'screen:ecran-flux', site: 'annexe', after: JSON.stringify({ diagonalInches: 55, distanceM: 4 }) }]);
  });

  it('exports CSV, formulas defused, and cannot be rewritten, not even in SQL', async () => {
    await http('POST', '/api/alerts', { token: ADMIN, body: { id: 'formule', level: 'info', text: '=HYPERLINK("http://x")', until: '2099-01-01T00:00:00.000Z', target: { site: 'mairie' } } });
    const response = await fetch(new URL('/api/audit?format=csv&action=alert.send', hub.url), { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = await response.text();
    expect(csv.split('\r\n')[0]).toBe('id,at,actor,actorEmail,address,action,target,site,before,after,detail');
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    const db = new Database(join(dir, 'hub.db'));
    expect(() => db.prepare("UPDATE audit_log SET actor_email = 'personne'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    db.close();
  });
});

describe('accounts: the CLI', () => {
  it('adds, lists, changes roles of, disables and resets users, and reads the audit log', async () => {
    const added = await hubCli(hub, ['user', 'add', 'agent@mairie.fr', '--name', 'Agent', '--role', 'editor@annexe', '--role', 'viewer@*'], ADMIN);
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(/agent@mairie\.fr\tAgent\teditor@annexe viewer@\*\tenabled/);
    const password = /password \(shown only now\): (\S+)/.exec(added.stdout)?.[1];
    expect(password).toBeDefined();
    await signIn('agent@mairie.fr', password!);
    expect((await hubCli(hub, ['user', 'role', 'agent@mairie.fr', '--role', 'operator@annexe'], ADMIN)).stdout).toMatch(/operator@annexe\tenabled/);
    expect((await hubCli(hub, ['user', 'list'], ADMIN)).stdout).toMatch(/agent@mairie\.fr\tAgent\toperator@annexe\tenabled/);
    const reset = await hubCli(hub, ['user', 'reset-password', 'agent@mairie.fr'], ADMIN);
    const newPassword = /password \(shown only now\): (\S+)/.exec(reset.stdout)?.[1];
    expect((await http('POST', '/api/session', { body: { email: 'agent@mairie.fr', password } })).status).toBe(401);
    await signIn('agent@mairie.fr', newPassword!);
    expect((await hubCli(hub, ['user', 'disable', 'agent@mairie.fr'], ADMIN)).stdout).toMatch(/disabled/);
    const badRole = await hubCli(hub, ['user', 'role', 'agent@mairie.fr', '--role', 'chef@annexe'], ADMIN);
    expect(badRole.code).toBe(64);
    expect(badRole.stderr).toMatch(/--role .*chef@annexe/);
    const audit = await hubCli(hub, ['audit', '--since', '1h', '--user', ADMIN_EMAIL, '--action', 'user.change'], ADMIN);
    expect(audit.stdout).toMatch(/dsi@mairie\.fr {2}user\.change {2}user:u-\S+ {2}editor@annexe viewer@\* -> operator@annexe/);
    // A site role's token cannot manage users from the CLI either, and what it may do it does.
    const viewer = (await http<UserCreated>('POST', '/api/users', { token: ADMIN, body: { email: 'lecteur@mairie.fr', name: 'Lecteur', grants: [{ role: 'viewer', site: 'mairie' }] } })).body.user;
    const viewerToken = (await hub.access.stores.tokens.create(viewer.id, 'cli', Date.now())).token;
    const refused = await hubCli(hub, ['user', 'add', 'pirate@mairie.fr', '--name', 'P', '--role', 'admin@*'], viewerToken);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 403: forbidden: lecteur@mairie\.fr may not users\.manage/);
    await http('POST', '/api/screens', { token: ADMIN, body: { id: 'ecran-cli', name: 'CLI', site: 'mairie', timezone: 'Europe/Paris' } });
    await http('POST', '/api/screens', { token: ADMIN, body: { id: 'ecran-ailleurs', name: 'Ailleurs', site: 'annexe', timezone: 'Europe/Paris' } });
    const seen = await hubCli(hub, ['screen', 'list'], viewerToken);
    expect(seen.stdout).toContain('ecran-cli\tCLI\tmairie');
    expect(seen.stdout).not.toContain('ecran-ailleurs');
  });
});

describe('accounts: upgrade from a hub before accounts', () => {
  it('migrates, and the old admin token still drives the CLI as an administrator\'s API token, until revoked', async () => {
    const upgradeDir = mkdtempSync(join(tmpdir(), 'antichambre-upgrade-'));
    const path = join(upgradeDir, 'hub.db');
    const OLD = 'the-admin-token-of-a-hub-before-accounts-0123';
    const old = new Database(path);
    // Every migration before accounts' (the schema of the hubs already installed).
    const accounts = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE users'));
    expect(accounts).toBeGreaterThan(3);
    for (const [version, sql] of MIGRATIONS.slice(0, accounts).entries()) {
      old.exec(sql);
      old.pragma(`user_version = ${version + 1}`);
    }
    old.prepare("INSERT INTO settings (key, value) VALUES ('admin_token_hash', ?)").run(createHash('sha256').update(OLD).digest('hex'));
    old.prepare("INSERT INTO screens (id, name, site, timezone, token_hash, created_at) VALUES ('ecran-ancien', 'Ancien', 'mairie', 'Europe/Paris', 'x', '2026-01-01T00:00:00.000Z')").run();
    old.close();
    const upgraded = await startHub({ db: path, port: 0, host: '127.0.0.1', log: () => {} });
    try {
      expect(upgraded.firstAdministrator).toBeNull();
      const list = await hubCli(upgraded, ['screen', 'list'], OLD);
      expect(list.stderr).toBe('');
      expect(list.stdout).toContain('ecran-ancien\tAncien\tmairie');
      const users = await hubCli(upgraded, ['user', 'list'], OLD);
      expect(users.stdout).toMatch(/^admin@localhost\tAdministrateur\tadmin@\*\tenabled/);
      const tokens = await hubCli(upgraded, ['token', 'list'], OLD);
      const id = /^(t-admin-token)\tadmin token \(before accounts\)/m.exec(tokens.stdout)?.[1];
      expect(id).toBe('t-admin-token');
      // An administrator sets the password of the account the token belongs to, then revokes the token.
      const reset = await hubCli(upgraded, ['user', 'reset-password', 'admin@localhost'], OLD);
      expect(reset.stdout).toMatch(/password \(shown only now\): \S{20,}/);
      expect((await hubCli(upgraded, ['token', 'revoke', 't-admin-token'], OLD)).stdout).toMatch(/revoked/);
      const after = await hubCli(upgraded, ['screen', 'list'], OLD);
      expect(after.code).toBe(1);
      expect(after.stderr).toMatch(/HTTP 401/);
    } finally {
      await upgraded.close();
    }
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT COUNT(*) AS n FROM settings WHERE key = 'admin_token_hash'").get()).toEqual({ n: 0 });
    db.close();
  });
});
