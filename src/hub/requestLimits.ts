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
/** New pairing codes a minute per address (a player asks for one every 10 minutes at most). */
export const PAIRING_STARTS_PER_MINUTE = 10;
/** Polls of a pairing code a minute per address. */
export const PAIRING_POLLS_PER_MINUTE = 120;

/**
 * Every route is limited (routes may set their own `config.rateLimit`), except for requests
 * that carry the admin token and media downloads. The limit runs at `onRequest`; the admin
 * token is checked after it (`preParsing`), so that refused tokens count too, and before any
 * body is read.
 */
export async function limitRequests(app: FastifyInstance, options: { isAdmin(request: FastifyRequest): boolean; perMinute?: number }): Promise<void> {
  await app.register(rateLimit, {
    max: options.perMinute ?? ANONYMOUS_REQUESTS_PER_MINUTE,
    timeWindow: 60_000,
    allowList: (request) => request.url.startsWith('/media/') || options.isAdmin(request),
    errorResponseBuilder: (_request, context) => ({ statusCode: 429, error: `rate limit: more than ${context.max} requests a minute from this address without the admin token; retry in ${context.after}` }),
  });
}
