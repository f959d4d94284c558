import type { FastifyPluginAsync } from 'fastify';

/**
 * For the load balancer (and systemd, Kubernetes…): `/healthz` answers 200 while the process
 * serves; `/readyz` answers 200 only when the database and the broker (if any) answer, else 503
 * naming which does not, so that the balancer sends no new screen to a node that cannot serve it.
 * Neither is rate limited nor needs a token; neither says more than ok or what is unreachable.
 */
export interface Readiness {
  /** Each check resolves when its component answers. */
  checks: Record<string, () => Promise<void>>;
}

/** How long /readyz waits for a component before calling it unreachable. */
const READY_TIMEOUT_MS = 2_000;

export const healthRoutes: FastifyPluginAsync<Readiness> = async (app, { checks }) => {
  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { ok: true };
  });
  app.get('/readyz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([check(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer')), READY_TIMEOUT_MS)))]);
          return [name, 'ok'] as const;
        } catch {
          return [name, 'unreachable'] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    reply.code(ready ? 200 : 503);
    return { ok: ready, ...Object.fromEntries(results) };
  });
};
