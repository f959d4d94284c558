import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import type { AuditList, SessionState, SignInOptions } from '../../src/shared/accounts.js';
import { freePort, startOidcProvider, type TestProvider } from '../support/oidcProvider.js';

/**
 * Single sign-on (issue 18) against a real OpenID Connect provider started here: the whole
 * authorization-code flow with PKCE through HTTP redirects, a user made at the first sign-in
 * with roles from the claim, roles changed at the provider taking effect at the next sign-in,
 * an account made beforehand linked by its verified email, and a forged callback refused.
 */

const ADMIN = 'sso-admin-token-0123456789abcdefghijklmnop';
let hub: RunningHub;
let provider: TestProvider;

/** A browser's cookie jar, per host. */
class Jar {
  private readonly cookies = new Map<string, Map<string, string>>();
  header(url: URL): string {
    return [...(this.cookies.get(url.host) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  keep(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      const jar = this.cookies.get(url.host) ?? new Map<string, string>();
      jar.set(pair!.slice(0, index), pair!.slice(index + 1));
      this.cookies.set(url.host, jar);
    }
  }
}

/** Follows redirects as a browser would, cookies included; answers the last response and its URL (or, with `stopAt`, the first URL it matches, not fetched). */
async function browse(start: string, jar: Jar, stopAt?: (url: URL) => boolean): Promise<{ response: Response; url: URL; hops: URL[] }> {
  let url = new URL(start);
  const hops: URL[] = [];
  for (let hop = 0; hop < 20; hop++) {
    if (stopAt?.(url)) return { response: new Response(null, { status: 204 }), url, hops };
    hops.push(url);
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
    jar.keep(url, response);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return { response, url, hops };
    url = new URL(location, url);
  }
  throw new Error(`too many redirects from ${start}`);
}

async function signInThroughProvider(): Promise<{ cookie: string; state: SessionState; hops: URL[] }> {
  const jar = new Jar();
  const { response, url, hops } = await browse(new URL('/api/session/oidc', hub.url).href, jar);
  expect(url.pathname).toBe('/api/session/oidc/callback');
  expect(response.status, await response.clone().text()).toBe(200);
  const cookie = jar.header(new URL(hub.url));
  const me = await fetch(new URL('/api/session', hub.url), { headers: { cookie } });
  expect(me.status).toBe(200);
  return { cookie, state: (await me.json()) as SessionState, hops };
}

beforeAll(async () => {
  const port = await freePort();
  const callback = `http://127.0.0.1:${port}/api/session/oidc/callback`;
  provider = await startOidcProvider([callback], { sub: 'agent-42', email: 'Claire.Martin@mairie.fr', email_verified: true, name: 'Claire Martin', antichambre_roles: ['editor@mairie', 'viewer@*', 'chef@partout'] });
  hub = await startHub({
    db: join(mkdtempSync(join(tmpdir(), 'antichambre-sso-')), 'hub.db'),
    port,
    host: '127.0.0.1',
    adminToken: ADMIN,
    log: () => {},
    oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUrl: callback, rolesClaim: 'antichambre_roles', label: 'Connexion agents' },
  });
});
afterAll(async () => {
  await hub?.close();
  await provider?.close();
});

describe('single sign-on through OpenID Connect', () => {
  it('offers the provider on the sign-in page', async () => {
    const options = (await (await fetch(new URL('/api/session/options', hub.url))).json()) as SignInOptions;
    expect(options.oidc).toEqual({ label: 'Connexion agents' });
  });

  it('signs a new user in with roles from the claim (values that are not roles skipped), through the provider and back', async () => {
    const { state, hops, cookie } = await signInThroughProvider();
    expect(hops.some((hop) => hop.origin === provider.issuer && hop.pathname.startsWith('/auth'))).toBe(true);
    const authorize = hops.find((hop) => hop.origin === provider.issuer && hop.searchParams.has('code_challenge'))!;
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(state.user).toMatchObject({ email: 'claire.martin@mairie.fr', name: 'Claire Martin', source: 'oidc', grants: [{ role: 'editor', site: 'mairie' }, { role: 'viewer', site: null }] });
    expect(state.csrfToken).toBeTruthy();
    expect(cookie).toMatch(/antichambre_session=/);
    // An editor of one site: pushes there, not elsewhere.
    const push = (site: string) =>
      fetch(new URL('/api/playlists', hub.url), {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': state.csrfToken!, 'content-type': 'application/json' },
        body: JSON.stringify({ playlists: [{ id: 'sso', items: [{ id: 't', type: 'text', duration: 5, title: 'SSO' }] }], target: { site } }),
      });
    expect((await push('mairie')).status).toBe(200);
    expect((await push('annexe')).status).toBe(403);
  });

  it('takes roles changed at the provider at the next sign-in, and records it', async () => {
    provider.nextUser = { ...provider.nextUser, antichambre_roles: ['operator@annexe'] };
    const { state } = await signInThroughProvider();
    expect(state.user.grants).toEqual([{ role: 'operator', site: 'annexe' }]);
    const audit = (await (await fetch(new URL('/api/audit?action=user.change', hub.url), { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as AuditList;
    expect(audit.entries[0]).toMatchObject({ target: `user:${state.user.id}`, before: 'editor@mairie viewer@*', after: 'operator@annexe', detail: 'roles from the antichambre_roles claim' });
  });

  it('links an account made beforehand by its verified email, keeping its roles when the provider sends none', async () => {
    const made = await fetch(new URL('/api/users', hub.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'maire@mairie.fr', name: 'Cabinet du maire', grants: [{ role: 'viewer', site: null }] }),
    });
    const { user } = (await made.json()) as { user: { id: string } };
    provider.nextUser = { sub: 'maire-1', email: 'maire@mairie.fr', email_verified: true, name: 'M. le Maire' };
    const { state } = await signInThroughProvider();
    expect(state.user.id).toBe(user.id);
    expect(state.user.grants).toEqual([{ role: 'viewer', site: null }]);
    const again = await signInThroughProvider();
    expect(again.state.user.id).toBe(user.id);
  });

  it('refuses a callback it did not start, and records the failure', async () => {
    const forged = await fetch(new URL('/api/session/oidc/callback?code=abc&state=forged', hub.url), { redirect: 'manual' });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('set-cookie')).toBeNull();
    // The browser lands on a page that says so, in both languages, with the way back; not on the API's JSON.
    expect(forged.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await forged.text();
    expect(page).toContain('La connexion unique a échoué');
    expect(page).toContain('Single sign-on failed.');
    expect(page).toMatch(/<code data-reason>[^<]+<\/code>/);
    expect(page).toContain('<a href="/#/">');
    const audit = (await (await fetch(new URL('/api/audit?action=session.signin-failed', hub.url), { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as AuditList;
    expect(audit.entries[0]).toMatchObject({ target: 'oidc', actor: null, address: '127.0.0.1' });
  });

  it('finishes on another node a sign-in started on one (the sign-in under way is the browser\'s, not a node\'s memory), and refuses a callback with another state than the browser\'s', async () => {
    const callback = new URL('/api/session/oidc/callback', hub.url);
    const other = await startHub({
      db: join(mkdtempSync(join(tmpdir(), 'antichambre-sso-b-')), 'hub.db'),
      port: 0,
      host: '127.0.0.1',
      log: () => {},
      oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUrl: callback.href, rolesClaim: 'antichambre_roles', label: 'Connexion agents' },
    });
    try {
      const jar = new Jar();
      const atCallback = (url: URL): boolean => url.host === callback.host && url.pathname === callback.pathname;
      const { url } = await browse(new URL('/api/session/oidc', hub.url).href, jar, atCallback);
      expect(atCallback(url)).toBe(true);
      // The balancer sends the provider's answer to the other node (one host for the browser: the same cookies).
      const cookie = jar.header(callback);
      expect(cookie).toMatch(/antichambre_oidc=/);
      const tampered = new URL(url.pathname + url.search.replace(/state=[^&]+/, 'state=another-state'), other.url);
      expect((await fetch(tampered, { redirect: 'manual', headers: { cookie } })).status).toBe(400);
      const answered = await fetch(new URL(url.pathname + url.search, other.url), { redirect: 'manual', headers: { cookie } });
      expect(answered.status, await answered.clone().text()).toBe(200);
      expect(answered.headers.getSetCookie().some((line) => line.startsWith('antichambre_session='))).toBe(true);
      expect(answered.headers.getSetCookie().some((line) => /^antichambre_oidc=;/.test(line))).toBe(true);
      // The user the provider proves, made in the other node's database.
      expect((await other.stores.accounts.list()).filter((user) => user.source === 'oidc')).toHaveLength(1);
      // Without the browser's cookie, the same answer is refused.
      const again = await browse(new URL('/api/session/oidc', hub.url).href, new Jar(), atCallback);
      expect((await fetch(new URL(again.url.pathname + again.url.search, other.url), { redirect: 'manual' })).status).toBe(400);
    } finally {
      await other.close();
    }
  });
});
