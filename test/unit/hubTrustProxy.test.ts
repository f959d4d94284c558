import { describe, expect, it } from 'vitest';
import { startHub } from '../../src/hub/hubServer.js';

/**
 * Security (issue 17): behind a reverse proxy (`--trust-proxy`) each client has its own rate
 * limit bucket, from X-Forwarded-For; without it, that header is ignored, so a client cannot
 * escape its limit by writing one.
 */

async function statuses(url: string, forwardedFor: string, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push((await fetch(new URL('/api/screens', url), { headers: { 'x-forwarded-for': forwardedFor } })).status);
  return out;
}

describe('security: rate limits behind a reverse proxy', () => {
  it('keys on X-Forwarded-For with trustProxy, and ignores it without', async () => {
    const behind = await startHub({ db: ':memory:', port: 0, host: '127.0.0.1', adminToken: 'proxy-admin-token-0123456789abcdef', log: () => {}, anonymousPerMinute: 3, trustProxy: true });
    try {
      expect(await statuses(behind.url, '10.0.0.1', 4)).toEqual([401, 401, 401, 429]);
      expect(await statuses(behind.url, '10.0.0.2, 192.168.1.1', 1)).toEqual([401]);
    } finally {
      await behind.close();
    }
    const direct = await startHub({ db: ':memory:', port: 0, host: '127.0.0.1', adminToken: 'proxy-admin-token-0123456789abcdef', log: () => {}, anonymousPerMinute: 3 });
    try {
      expect(await statuses(direct.url, '10.0.0.1', 3)).toEqual([401, 401, 401]);
      expect(await statuses(direct.url, '10.0.0.2', 1)).toEqual([429]);
    } finally {
      await direct.close();
    }
  });
});

describe('security: dashboard sessions behind a reverse proxy', () => {
  it('takes a change from the page of the address the browser used (X-Forwarded-Host), and refuses one from elsewhere', async () => {
    const behind = await startHub({ db: ':memory:', port: 0, host: '127.0.0.1', adminEmail: 'dsi@mairie.fr', adminPassword: 'le mot de passe du DSI', log: () => {}, trustProxy: true });
    try {
      const proxied = { 'x-forwarded-host': 'hub.mairie.fr', 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.1.2.3' };
      const signIn = await fetch(new URL('/api/session', behind.url), { method: 'POST', headers: { ...proxied, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'dsi@mairie.fr', password: 'le mot de passe du DSI' }) });
      expect(signIn.status).toBe(200);
      // Over HTTPS at the proxy: the cookie is Secure, with the __Host- prefix.
      const setCookie = signIn.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^__Host-antichambre_session=[^;]+;.*Secure/i);
      const { csrfToken } = (await signIn.json()) as { csrfToken: string };
      const post = (origin: string) =>
        fetch(new URL('/api/tokens', behind.url), {
          method: 'POST',
          headers: { ...proxied, cookie: setCookie.split(';')[0]!, 'x-csrf-token': csrfToken, origin, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'script' }),
        });
      expect((await post('https://hub.mairie.fr')).status).toBe(201);
      expect((await post('https://ailleurs.example')).status).toBe(403);
    } finally {
      await behind.close();
    }
  });
});
