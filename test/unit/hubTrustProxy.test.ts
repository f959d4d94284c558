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
