import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Requests without the admin token (wrong tokens, ticket systems, anyone on the network) are
 * limited per address, so that a flood or a token-guessing loop cannot take the hub's time from
 * the screens; the admin's own requests (CLI, dashboard) and the media screens download are not.
 * Sizes are limited where bodies are read (JSON and uploads: `bodyLimit`; socket.io messages:
 * `maxHttpBufferSize`).
 */

export const ANONYMOUS_REQUESTS_PER_MINUTE = 600;

export async function limitRequests(app: FastifyInstance, options: { isAdmin(request: FastifyRequest): boolean; perMinute?: number }): Promise<void> {
  await app.register(rateLimit, { global: false });
  // An instance hook (not a per-route one): it runs before the routes' own checks, the admin
  // token's included, so that refusals are limited too.
  app.addHook(
    'onRequest',
    app.rateLimit({
      max: options.perMinute ?? ANONYMOUS_REQUESTS_PER_MINUTE,
      timeWindow: 60_000,
      allowList: (request) => request.url.startsWith('/media/') || options.isAdmin(request),
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: `rate limit: more than ${context.max} requests a minute from this address without the admin token; retry in ${context.after}`,
      }),
    }),
  );
}
