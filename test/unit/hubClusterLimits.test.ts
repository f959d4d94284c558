import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../../src/hub/loginThrottle.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { usePostgres } from '../support/postgresServer.js';
import { useRedis } from '../support/redisServer.js';

/**
 * Limits in a cluster: two hub nodes (in this process) on one PostgreSQL and one Redis. The
 * anonymous request limit and the sign-in throttle are counted in Redis, so that spreading
 * requests or guesses over the nodes (as a balancer does) gives no more than one node allows.
 */

const postgres = usePostgres();
const redis = useRedis();
const PER_MINUTE = 20;
const EMAIL = 'admin@prefecture.fr';
let nodeA: RunningHub;
let nodeB: RunningHub;

beforeAll(async () => {
  const db = await postgres.freshDatabase();
  const media = mkdtempSync(join(tmpdir(), 'antichambre-limits-media-'));
  const options = { db, port: 0, host: '127.0.0.1', mediaDir: media, broker: redis.url, anonymousPerMinute: PER_MINUTE, adminEmail: EMAIL, adminPassword: 'un mot de passe solide 2026', log: () => {} };
  nodeA = await startHub(options);
  nodeB = await startHub(options);
}, 60_000);

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
});

describe('limits shared by the nodes of a cluster (Redis)', () => {
  it('anonymous requests spread over two nodes are limited as on one: PER_MINUTE in all, then 429 on both', async () => {
    const statuses: number[] = [];
    // One after the other, alternating nodes: 30 requests with a wrong token from one address.
    for (let k = 0; k < 30; k++) {
      const node = k % 2 === 0 ? nodeA : nodeB;
      statuses.push((await fetch(new URL('/api/screens', node.url), { headers: { authorization: 'Bearer not-a-token' } })).status);
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(PER_MINUTE);
    expect(statuses.slice(PER_MINUTE).every((status) => status === 429)).toBe(true);
    for (const node of [nodeA, nodeB]) {
      const refused = await fetch(new URL('/api/screens', node.url));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('failed sign-ins spread over two nodes count together: past the per-account limit, both refuse even the right password', async () => {
    const signIn = (node: RunningHub, password: string): Promise<number> =>
      node.access.signIn(EMAIL, password, '10.1.2.3', Date.now()).then(
        () => 200,
        (error: { status?: number }) => error.status ?? 500,
      );
    const failures: number[] = [];
    for (let k = 0; k < LOGIN_LIMITS.perAccount; k++) failures.push(await signIn(k % 2 === 0 ? nodeA : nodeB, `essai-${k}`));
    expect(failures).toEqual(Array.from({ length: LOGIN_LIMITS.perAccount }, () => 401));
    // Each node saw fewer than the limit on its own; together they reached it.
    expect(await signIn(nodeA, 'un mot de passe solide 2026')).toBe(429);
    expect(await signIn(nodeB, 'un mot de passe solide 2026')).toBe(429);
  });

  it('with Redis away, each node still throttles on its own counts (never less than one node alone)', async () => {
    await redis.stop();
    try {
      const email = 'agent@prefecture.fr';
      for (let k = 0; k < LOGIN_LIMITS.perAccount; k++) {
        await expect(nodeA.access.signIn(email, `essai-${k}`, '10.9.9.9', Date.now())).rejects.toMatchObject({ status: 401 });
      }
      await expect(nodeA.access.signIn(email, 'encore', '10.9.9.9', Date.now())).rejects.toMatchObject({ status: 429 });
    } finally {
      await redis.restart();
    }
  });
});
