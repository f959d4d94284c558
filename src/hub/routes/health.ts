import type { FastifyPluginAsync } from 'fastify';
import { HealthAnswer, ReadinessAnswer, type ComponentState } from '../../shared/adminApi.js';
import { errors, type RouteSchema } from './apiDocs.js';

/**
 * For the load balancer (and systemd, Kubernetes…): `/healthz` answers 200 while the process
 * serves; `/readyz` answers 200 only when the database and the broker (if any) answer, else 503
 * naming which does not, so that the balancer sends no new screen to a node that cannot serve it.
 * Neither is rate limited nor needs a token; neither says more than ok or what is unreachable.
 */
export interface Readiness {
  /** Each check resolves when its component answers (the broker: a cluster's nodes only). */
  checks: { database: () => Promise<void>; broker?: () => Promise<void> };
}

/** How long /readyz waits for a component before calling it unreachable. */
const READY_TIMEOUT_MS = 2_000;

const HEALTH_SCHEMA: RouteSchema = {
  summary: 'Le processus sert (répartiteur de charge) / The process serves (load balancer)',
  tags: ['health'],
  security: [],
  response: { 200: HealthAnswer, ...errors(500) },
};

const READY_SCHEMA: RouteSchema = {
  summary: 'Base de données et courtier joignables (répartiteur de charge) / Database and broker reachable (load balancer)',
  tags: ['health'],
  security: [],
  response: { 200: ReadinessAnswer, 503: ReadinessAnswer.describe('Un composant injoignable (nommé) / a component unreachable (named)') },
};

async function stateOf(check: () => Promise<void>): Promise<ComponentState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([check(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer')), READY_TIMEOUT_MS)))]);
    return 'ok';
  } catch {
    return 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsync<Readiness> = async (app, { checks }) => {
  // Outside /api, public: no token (a balancer has none), no rate limit (requestLimits.ts).
  app.get('/healthz', { schema: HEALTH_SCHEMA, config: { access: 'public' } }, async (_request, reply): Promise<HealthAnswer> => {
    reply.header('cache-control', 'no-store');
    return { ok: true as const };
  });
  app.get('/readyz', { schema: READY_SCHEMA, config: { access: 'public' } }, async (_request, reply): Promise<ReadinessAnswer> => {
    reply.header('cache-control', 'no-store');
    const [database, broker] = await Promise.all([stateOf(checks.database), checks.broker ? stateOf(checks.broker) : undefined]);
    const ready = database === 'ok' && (broker === undefined || broker === 'ok');
    reply.code(ready ? 200 : 503);
    return { ok: ready, database, ...(broker === undefined ? {} : { broker }) };
  });
};
