import type { FastifyInstance } from 'fastify';
import type { HubMetrics } from '../hubMetrics.js';
import { addressAllowed, LOOPBACK_NETWORKS, networkList, type MetricsAccess } from '../metricsAccess.js';
import { z } from 'zod';
import { HubError } from '../hubError.js';
import { errors, type RouteSchema } from './apiDocs.js';
import { bearerToken, hashToken, tokenMatches } from '../secrets.js';

/**
 * The monitoring audience: `GET /metrics` for Prometheus, behind its own token or a network
 * list (never the admin token: a scraper needs no power over the screens).
 */
export async function metricsRoutes(app: FastifyInstance, options: { metrics: HubMetrics; access: MetricsAccess }): Promise<void> {
  const { metrics, access } = options;
  const tokenHash = access.token ? hashToken(access.token) : null;
  // No token and no network given: the loopback only. A token alone: any address with the token.
  const networks = access.allow && access.allow.length > 0 ? networkList(access.allow) : tokenHash ? null : networkList(LOOPBACK_NETWORKS);

  const schema: RouteSchema = {
    summary: 'Métriques Prometheus (jeton de supervision ou réseau autorisé) / Prometheus metrics (metrics token or allowed network)',
    tags: ['monitoring'],
    security: [{ metrics: [] }, {}],
    response: { 200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: z.string() } } }, ...errors(401, 403, 429) },
  };
  app.get('/metrics', { schema }, async (request, reply) => {
    const bearer = bearerToken(request.headers.authorization);
    const byToken = tokenHash !== null && bearer !== null && tokenMatches(bearer, tokenHash);
    const byNetwork = networks !== null && addressAllowed(networks, request.ip);
    if (!byToken && !byNetwork) {
      if (tokenHash && bearer !== null) throw new HubError(401, 'metrics: wrong token (the one given by --metrics-token or ANTICHAMBRE_METRICS_TOKEN)');
      throw new HubError(
        403,
        tokenHash
          ? 'metrics: expected "Authorization: Bearer <metrics token>" or an address allowed by --metrics-allow'
          : `metrics: ${request.ip} is not allowed (only ${access.allow?.join(', ') || 'the loopback'}; see --metrics-allow and --metrics-token)`,
      );
    }
    reply.header('content-type', metrics.contentType);
    reply.header('cache-control', 'no-store');
    return metrics.text();
  });
}

/** Counts every 4xx and 5xx answer of the hub per route pattern: registered on the root instance (a plugin's hook would see only its own routes). */
export function countHttpErrors(app: FastifyInstance, metrics: HubMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpAnswered(request.method, request.routeOptions.url, reply.statusCode);
  });
}
