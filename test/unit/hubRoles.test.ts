import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Access } from '../../src/hub/access.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { guardRoutes } from '../../src/hub/routeAccess.js';
import { ROLES, type Role } from '../../src/shared/access.js';
import type { AlertList, ScreenList } from '../../src/shared/adminApi.js';

/**
 * The role matrix (issue 18): every route of the hub, taken from the hub's own route table, is
 * called by each role on one site and on every site, aimed at that site and at another, and must
 * answer 403 exactly where this file's table (written from the issue, not from the code) says the
 * role may not. A route the table does not know fails the test: a new route needs its rule here.
 */

const ADMIN = 'roles-admin-token-0123456789abcdefghij';
const HOME = 'nord';
const OTHER = 'sud';
let hub: RunningHub;

type Kind = 'public' | 'signedIn' | { least: Role; on: 'site' | 'any' | 'global' };
interface Sample {
  path: string;
  body?: unknown;
  raw?: { body: Buffer; type: string };
}
interface Spec {
  kind: Kind;
  /** The request aimed at `site` (for routes not bound to a site, the site is ignored); made just before each call. */
  sample?: (site: string) => Sample | Promise<Sample>;
}

const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const later = '2099-01-01T00:00:00.000Z';
let uniq = 0;
const next = (): number => ++uniq;

const SPEC: Record<string, Spec> = {
  'GET /api/screens': { kind: { least: 'viewer', on: 'any' }, sample: () => ({ path: '/api/screens' }) },
  'POST /api/screens': { kind: { least: 'admin', on: 'site' }, sample: (site) => ({ path: '/api/screens', body: { id: `nouvel-${next()}`, name: 'Nouvel écran', site, timezone: 'Europe/Paris' } }) },
  'GET /api/screens/:id/playlists': { kind: { least: 'viewer', on: 'site' }, sample: (site) => ({ path: `/api/screens/ecran-${site}/playlists` }) },
  'POST /api/pairing/:code/claim': { kind: { least: 'admin', on: 'site' }, sample: (site) => ({ path: '/api/pairing/ABCDEF/claim', body: { screenId: `paire-${next()}`, name: 'P', site } }) },
  'POST /api/screens/:id/token': { kind: { least: 'admin', on: 'site' }, sample: (site) => ({ path: `/api/screens/ecran-${site}/token`, body: {} }) },
  'GET /api/playlists/:id/history': { kind: { least: 'viewer', on: 'any' }, sample: () => ({ path: '/api/playlists/accueil/history' }) },
  'POST /api/playlists': {
    kind: { least: 'editor', on: 'site' },
    sample: (site) => ({ path: '/api/playlists', body: { playlists: [{ id: `accueil-${site}`, items: [{ id: 'bonjour', type: 'text', duration: 5, title: 'Bonjour' }] }], target: { site } } }),
  },
  'POST /api/media/missing': { kind: { least: 'editor', on: 'any' }, sample: () => ({ path: '/api/media/missing', body: { sha256: ['0'.repeat(64)] } }) },
  'PUT /api/media/:sha256': { kind: { least: 'editor', on: 'any' }, sample: () => ({ path: `/api/media/${createHash('sha256').update(PNG_BYTES).digest('hex')}`, raw: { body: PNG_BYTES, type: 'image/png' } }) },
  'POST /api/media': { kind: { least: 'editor', on: 'any' }, sample: () => ({ path: '/api/media', raw: { body: PNG_BYTES, type: 'image/png' } }) },
  'GET /api/sites/:id/waits': { kind: { least: 'viewer', on: 'site' }, sample: (site) => ({ path: `/api/sites/${site}/waits` }) },
  'POST /api/sites/:id/token': { kind: { least: 'admin', on: 'site' }, sample: (site) => ({ path: `/api/sites/${site}/token`, body: {} }) },
  'PUT /api/power/schedule': { kind: { least: 'admin', on: 'site' }, sample: (site) => ({ path: '/api/power/schedule', body: { target: { site }, power: null } }) },
  'PUT /api/screens/:id/watts': { kind: { least: 'admin', on: 'site' }, sample: (site) => ({ path: `/api/screens/ecran-${site}/watts`, body: { watts: 60 } }) },
  'GET /api/power/report': { kind: { least: 'viewer', on: 'site' }, sample: (site) => ({ path: `/api/power/report?since=2026-12-01T00:00:00.000Z&until=2026-12-02T00:00:00.000Z&site=${site}` }) },
  'GET /api/feeds': { kind: { least: 'viewer', on: 'any' }, sample: () => ({ path: '/api/feeds' }) },
  'POST /api/feeds': { kind: { least: 'editor', on: 'site' }, sample: (site) => ({ path: '/api/feeds', body: { id: `flux-${next()}`, kind: 'cap', site, url: FEED_URL } }) },
  'POST /api/feeds/:id/poll': { kind: { least: 'editor', on: 'site' }, sample: async (site) => ({ path: `/api/feeds/${await feedOf(site)}/poll`, body: {} }) },
  'DELETE /api/feeds/:id': { kind: { least: 'editor', on: 'site' }, sample: async (site) => ({ path: `/api/feeds/${await feedOf(site)}` }) },
  'POST /api/media/facts': { kind: { least: 'viewer', on: 'any' }, sample: () => ({ path: '/api/media/facts', body: { sha256: ['0'.repeat(64)] } }) },
  'PUT /api/screens/:id/viewing': { kind: { least: 'admin', on: 'site' }, sample: (site) => ({ path: `/api/screens/ecran-${site}/viewing`, body: { viewing: null } }) },
  'GET /metrics': { kind: 'public' },
  // A load balancer's checks (issue 19): no token, nothing said but ok or what is unreachable.
  'GET /healthz': { kind: 'public' },
  'GET /readyz': { kind: 'public' },
  'GET /api/sites/:id/reach': { kind: { least: 'viewer', on: 'site' }, sample: (site) => ({ path: `/api/sites/${site}/reach` }) },
  'GET /api/sites/:id/accuracy': { kind: { least: 'viewer', on: 'site' }, sample: (site) => ({ path: `/api/sites/${site}/accuracy` }) },
  'GET /api/screens/:id/wait': { kind: { least: 'viewer', on: 'site' }, sample: (site) => ({ path: `/api/screens/ecran-${site}/wait` }) },
  'GET /api/alerts': { kind: { least: 'viewer', on: 'any' }, sample: () => ({ path: '/api/alerts' }) },
  'POST /api/alerts': { kind: { least: 'operator', on: 'site' }, sample: (site) => ({ path: '/api/alerts', body: { level: 'info', text: 'Fermeture à 16 h', until: later, target: { site } } }) },
  'DELETE /api/alerts/:id': { kind: { least: 'operator', on: 'site' }, sample: (site) => ({ path: `/api/alerts/alerte-${site}` }) },
  'POST /api/commands': { kind: { least: 'operator', on: 'site' }, sample: (site) => ({ path: '/api/commands', body: { screen: `ecran-${site}`, type: 'identify' } }) },
  'GET /api/screens/:id/screenshot': { kind: { least: 'viewer', on: 'site' }, sample: (site) => ({ path: `/api/screens/ecran-${site}/screenshot` }) },
  'GET /api/impressions': { kind: { least: 'viewer', on: 'any' }, sample: () => ({ path: '/api/impressions' }) },
  'GET /api/users': { kind: { least: 'admin', on: 'global' }, sample: () => ({ path: '/api/users' }) },
  'POST /api/users': { kind: { least: 'admin', on: 'global' }, sample: () => ({ path: '/api/users', body: { email: `nouveau-${next()}@mairie.fr`, name: 'Nouveau', grants: [] } }) },
  'PATCH /api/users/:id': { kind: { least: 'admin', on: 'global' }, sample: () => ({ path: `/api/users/${targetUser}`, body: { name: 'Cible' } }) },
  'POST /api/users/:id/password': { kind: { least: 'admin', on: 'global' }, sample: () => ({ path: `/api/users/${targetUser}/password`, body: {} }) },
  'POST /api/users/:id/signout': { kind: { least: 'admin', on: 'global' }, sample: () => ({ path: `/api/users/${targetUser}/signout`, body: {} }) },
  'GET /api/audit': { kind: { least: 'admin', on: 'global' }, sample: () => ({ path: '/api/audit' }) },
  'GET /api/tokens': { kind: 'signedIn', sample: () => ({ path: '/api/tokens' }) },
  'POST /api/tokens': { kind: 'signedIn', sample: () => ({ path: '/api/tokens', body: { name: 'script' } }) },
  'DELETE /api/tokens/:id': { kind: 'signedIn', sample: () => ({ path: '/api/tokens/t-inconnu' }) },
  'GET /api/session': { kind: 'signedIn', sample: () => ({ path: '/api/session' }) },
  'DELETE /api/session': { kind: 'signedIn', sample: () => ({ path: '/api/session' }) },
  'POST /api/session/everywhere': { kind: 'signedIn', sample: () => ({ path: '/api/session/everywhere', body: {} }) },
  'POST /api/session/password': { kind: 'signedIn', sample: () => ({ path: '/api/session/password', body: { current: 'pas le bon', password: 'un nouveau mot de passe' } }) },
  'GET /api/session/options': { kind: 'public' },
  'POST /api/session': { kind: 'public' },
  'GET /api/session/oidc': { kind: 'public' },
  'GET /api/session/oidc/callback': { kind: 'public' },
  'POST /api/sites/:id/queue': { kind: 'public' },
  'POST /api/pairing': { kind: 'public' },
  'GET /api/pairing/:code': { kind: 'public' },
  // A web player's CORS preflight of the two.
  'OPTIONS /api/pairing': { kind: 'public' },
  'OPTIONS /api/pairing/:code': { kind: 'public' },
  'OPTIONS /media/:sha256': { kind: 'public' },
  'GET /media/:sha256': { kind: 'public' },
};

let targetUser = '';
/** A feed nobody serves (connection refused at once): its polls fail fast. */
const FEED_URL = 'http://127.0.0.1:9/rss.xml';
/** A new feed of the site, made by the administrator, for a route that acts on one. */
async function feedOf(site: string): Promise<string> {
  const id = `flux-${site}-${next()}`;
  expect((await call('POST', { path: '/api/feeds', body: { id, kind: 'cap', site, url: FEED_URL } }, ADMIN)).status).toBe(201);
  return id;
}
/** Each screen's token (made in beforeAll). */
const screenTokens = new Map<string, string>();

function connect(screenId: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${hub.url}/screens`, { auth: { screenId, token: screenTokens.get(screenId), protocol: 1, version: 'roles' }, transports: ['websocket'], reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}
/** One API token per role and grant: `editor@nord`, `editor@*`, … */
const tokens = new Map<string, string>();

async function call(method: string, sample: Sample, token: string | null): Promise<{ status: number; body: { error?: string } & Record<string, unknown> }> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: BodyInit | undefined;
  if (sample.raw) {
    headers['content-type'] = sample.raw.type;
    body = new Uint8Array(sample.raw.body);
  } else if (sample.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(sample.body);
  }
  const response = await fetch(new URL(sample.path, hub.url), { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed };
}

beforeAll(async () => {
  hub = await startHub({ db: join(mkdtempSync(join(tmpdir(), 'antichambre-roles-')), 'hub.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
  for (const site of [HOME, OTHER]) {
    const created = await call('POST', { path: '/api/screens', body: { id: `ecran-${site}`, name: site, site, timezone: 'Europe/Paris' } }, ADMIN);
    expect(created.status).toBe(201);
    screenTokens.set(`ecran-${site}`, created.body['token'] as string);
    expect((await call('POST', { path: '/api/alerts', body: { id: `alerte-${site}`, level: 'info', text: site, until: later, target: { site } } }, ADMIN)).status).toBe(201);
  }
  const now = Date.now();
  for (const role of ROLES) {
    for (const site of [HOME, null]) {
      const user = await hub.access.stores.accounts.add({ email: `${role}-${site ?? 'tous'}@mairie.fr`, name: role, passwordHash: null, grants: [{ role, site }], source: 'local' }, now);
      tokens.set(`${role}@${site ?? '*'}`, (await hub.access.stores.tokens.create(user.id, 'test', now)).token);
    }
  }
  targetUser = (await hub.access.stores.accounts.add({ email: 'cible@mairie.fr', name: 'Cible', passwordHash: null, grants: [], source: 'local' }, now)).id;
});
afterAll(async () => {
  await hub?.close();
});

describe('roles: every route refuses each role it must', () => {
  it('knows every route of the hub, and every route it knows is in the hub', () => {
    // Not the API: the dashboard's files and the API's documentation pages (public, nothing secret).
    const routes = hub.routes.filter((route) => route.url !== '/*' && route.url !== '/' && route.url !== '/api/docs' && !route.url.startsWith('/api/docs/'));
    const keys = routes.map((route) => `${route.method} ${route.url}`);
    const unknown = keys.filter((key) => !(key in SPEC));
    expect(unknown, 'routes without a rule in this test: add each to SPEC with the least role the issue gives it').toEqual([]);
    expect(Object.keys(SPEC).filter((key) => !keys.includes(key))).toEqual([]);
    // And what each route declares is what the table says.
    for (const route of routes) {
      const kind = SPEC[`${route.method} ${route.url}`]!.kind;
      if (kind === 'public' || kind === 'signedIn') expect(route.access, `${route.method} ${route.url}`).toBe(kind);
      else expect(route.access, `${route.method} ${route.url}`).toMatchObject({ action: expect.any(String) });
    }
  });

  it('answers 401 to every guarded route without credentials', async () => {
    for (const [key, spec] of Object.entries(SPEC)) {
      if (spec.kind === 'public' || !spec.sample) continue;
      const [method] = key.split(' ');
      const answer = await call(method!, await spec.sample(HOME), null);
      expect(answer.status, `${key} without a token`).toBe(401);
    }
  });

  it('answers 403 exactly where the role may not, for each role on one site and on every site, at its site and another', async () => {
    const refusedWhere: string[] = [];
    const allowedWhere: string[] = [];
    for (const [key, spec] of Object.entries(SPEC)) {
      if (spec.kind === 'public' || !spec.sample) continue;
      const [method] = key.split(' ');
      for (const role of ROLES) {
        for (const grantSite of [HOME, null]) {
          for (const target of [HOME, OTHER]) {
            const kind = spec.kind;
            const rank = (r: Role): number => ROLES.length - ROLES.indexOf(r);
            const allowed =
              kind === 'signedIn' ||
              (rank(role) >= rank(kind.least) && (kind.on === 'global' ? grantSite === null : kind.on === 'any' ? true : grantSite === null || grantSite === target));
            const answer = await call(method!, await spec.sample(target), tokens.get(`${role}@${grantSite ?? '*'}`)!);
            const where = `${key} by ${role}@${grantSite ?? '*'} on ${target}: ${answer.status} ${answer.body.error ?? ''}`;
            if (allowed) {
              expect([401, 403], where).not.toContain(answer.status);
              allowedWhere.push(where);
            } else {
              expect(answer.status, where).toBe(403);
              expect(answer.body.error, where).toMatch(/^forbidden/);
              refusedWhere.push(where);
            }
          }
        }
      }
    }
    // Both sides of the matrix were exercised (a table that allowed everything would pass the loop above).
    expect(refusedWhere.length).toBeGreaterThan(100);
    expect(allowedWhere.length).toBeGreaterThan(100);
  });

  it('stops a hub at start when a route under /api has no rule', async () => {
    const app = Fastify();
    guardRoutes(app, new Access(hub.access.stores, 60_000));
    app.get('/media/x', async () => 'public by default');
    expect(() => app.get('/api/nouvelle-route', async () => 'no rule')).toThrow(/no access rule/);
    await app.close();
  });
});

describe('roles: what a site role sees and does', () => {
  it('lets the receptionist alert her own site, refuses the other site, and shows her only her site', async () => {
    const operator = tokens.get(`operator@${HOME}`)!;
    // The matrix above rotated the screens' tokens: fresh ones.
    for (const site of [HOME, OTHER]) screenTokens.set(`ecran-${site}`, (await call('POST', { path: `/api/screens/ecran-${site}/token`, body: {} }, ADMIN)).body['token'] as string);
    const sockets = { home: await connect(`ecran-${HOME}`), other: await connect(`ecran-${OTHER}`) };
    const received = { home: [] as string[], other: [] as string[] };
    for (const [which, socket] of Object.entries(sockets) as ['home' | 'other', Socket][]) {
      socket.on('alert', (alert: { text: string }, ack?: (answer: unknown) => void) => {
        received[which].push(alert.text);
        ack?.({ ok: true });
      });
    }
    const theirs = await call('POST', { path: '/api/alerts', body: { id: 'intrusion', level: 'urgent', text: 'Intrusion', until: later, target: { site: OTHER } } }, operator);
    expect(theirs.status).toBe(403);
    const mine = await call('POST', { path: '/api/alerts', body: { id: 'accueil-ferme', level: 'urgent', text: 'Accueil fermé', until: later, target: { site: HOME } } }, operator);
    expect(mine.status).toBe(201);
    // Her alert reaches her site's screen; the other site's screen gets nothing (the refused one was sent first).
    await expect.poll(() => received.home).toContain('Accueil fermé');
    expect(received.other).not.toContain('Intrusion');
    expect(received.other).not.toContain('Accueil fermé');
    sockets.home.close();
    sockets.other.close();
    // Nor can she take over another site's alert by sending its id aimed at her site.
    await call('POST', { path: '/api/alerts', body: { id: 'alerte-du-sud', level: 'info', text: 'Sud', until: later, target: { site: OTHER } } }, ADMIN);
    const hijack = await call('POST', { path: '/api/alerts', body: { id: 'alerte-du-sud', level: 'info', text: 'Nord', until: later, target: { site: HOME } } }, operator);
    expect(hijack.status).toBe(403);
    const all = (await call('GET', { path: '/api/alerts' }, ADMIN)).body as unknown as AlertList;
    expect(all.alerts.find((a) => a.id === 'accueil-ferme')?.target).toEqual({ site: HOME });
    expect(all.alerts.find((a) => a.id === 'intrusion')).toBeUndefined();
    expect(all.alerts.find((a) => a.id === 'alerte-du-sud')?.text).toBe('Sud');
    const seen = (await call('GET', { path: '/api/alerts' }, operator)).body as unknown as AlertList;
    expect(seen.alerts.length).toBeGreaterThan(0);
    expect(seen.alerts.every((a) => 'site' in a.target ? a.target.site === HOME : a.target.screen === `ecran-${HOME}`)).toBe(true);
    const screens = (await call('GET', { path: '/api/screens' }, tokens.get(`viewer@${HOME}`)!)).body as unknown as ScreenList;
    expect(screens.screens.map((s) => s.id)).toContain(`ecran-${HOME}`);
    expect(screens.screens.every((s) => s.site === HOME)).toBe(true);
    const everyScreen = (await call('GET', { path: '/api/screens' }, tokens.get('viewer@*')!)).body as unknown as ScreenList;
    expect(everyScreen.screens.map((s) => s.id)).toEqual(expect.arrayContaining([`ecran-${HOME}`, `ecran-${OTHER}`]));
  });

  it("refuses a site's editor a change to a playlist another site also plays (a playlist is one wherever it plays), and lets her push it unchanged or under her own id", async () => {
    const editor = tokens.get(`editor@${HOME}`)!;
    const revision = async (site: string) => ((await call('GET', { path: `/api/screens/ecran-${site}/playlists` }, ADMIN)).body as { revision: string | null }).revision;
    const playlist = (title: string) => ({ id: 'campagne-vaccins', items: [{ id: 'affiche', type: 'text', duration: 5, title }] });
    // The administrator pushes one playlist to both sites.
    for (const site of [HOME, OTHER]) expect((await call('POST', { path: '/api/playlists', body: { playlists: [playlist('Vaccinez-vous')], target: { site } } }, ADMIN)).status).toBe(200);
    const before = { home: await revision(HOME), other: await revision(OTHER) };

    const changed = await call('POST', { path: '/api/playlists', body: { playlists: [playlist('Texte du nord')], target: { site: HOME } } }, editor);
    expect(changed.status).toBe(403);
    expect(changed.body.error).toContain(`playlist "campagne-vaccins" also plays on site "${OTHER}"`);
    expect(await revision(OTHER)).toBe(before.other);
    expect(await revision(HOME)).toBe(before.home);
    expect((await call('GET', { path: '/api/playlists/campagne-vaccins/history' }, ADMIN)).body['versions']).toHaveLength(1);

    // The same content pushed again (to her site) changes nobody else's set: allowed; so is her own copy.
    expect((await call('POST', { path: '/api/playlists', body: { playlists: [playlist('Vaccinez-vous')], target: { site: HOME } } }, editor)).status).toBe(200);
    const own = await call('POST', { path: '/api/playlists', body: { playlists: [{ ...playlist('Texte du nord'), id: `campagne-vaccins-${HOME}` }], target: { site: HOME } } }, editor);
    expect(own.status).toBe(200);
    expect(await revision(OTHER)).toBe(before.other);
    expect(await revision(HOME)).not.toBe(before.home);
    // An editor of every site may change it everywhere.
    expect((await call('POST', { path: '/api/playlists', body: { playlists: [playlist('Texte commun')], target: { site: HOME } } }, tokens.get('editor@*')!)).status).toBe(200);
    expect(await revision(OTHER)).not.toBe(before.other);
  });

  it('refuses a push to a viewer, even of every site, and changes nothing', async () => {
    const before = ((await call('GET', { path: `/api/screens/ecran-${HOME}/playlists` }, ADMIN)).body as { revision: string | null }).revision;
    const push = await call('POST', await SPEC['POST /api/playlists']!.sample!(HOME), tokens.get('viewer@*')!);
    expect(push.status).toBe(403);
    expect(((await call('GET', { path: `/api/screens/ecran-${HOME}/playlists` }, ADMIN)).body as { revision: string | null }).revision).toBe(before);
  });
});
