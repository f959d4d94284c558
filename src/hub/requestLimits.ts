import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';

/**
 * Requests without a valid API token, session or site token (wrong tokens, anyone on the network)
 * are limited per address, so that a flood or a token-guessing loop cannot take the hub's time from
 * the screens; the admin's own requests (CLI, dashboard), a site's ticket system posting with its
 * token and the media screens download are not.
 * Sizes are limited where bodies are read (JSON and uploads: `bodyLimit`; socket.io messages:
 * `maxHttpBufferSize`).
 */

export const ANONYMOUS_REQUESTS_PER_MINUTE = 600;
/**
 * New pairing codes a minute per address. A player asks for one every 10 minutes at most, but a
 * site's new screens behind one address (NAT) start together: 30 at once. Codes last 10 minutes,
 * so one address holds at most 300 of the MAX_OPEN_PAIRINGS (1,000) waiting at a time.
 */
export const PAIRING_STARTS_PER_MINUTE = 30;
/** Polls of a pairing code a minute per address: 30 screens polling every 2 s (PAIRING_POLL_MS) from behind one address. */
export const PAIRING_POLLS_PER_MINUTE = 900;

/**
 * Every route is limited (routes may set their own `config.rateLimit`), except for requests
 * from known callers (a valid API token or session; a site's ticket system with its token) and media downloads. The limit runs at
 * `onRequest`, so that refused tokens count too, before any body is read.
 */
export async function limitRequests(app: FastifyInstance, options: { isKnownCaller(request: FastifyRequest): boolean | Promise<boolean>; perMinute?: number; redis?: Redis }): Promise<void> {
  await app.register(rateLimit, {
    // In a cluster, counted in Redis (@fastify/rate-limit's own store) so that the limit is per address whichever node answers; while Redis is away, not counted (the screens' and ticket systems' requests go on).
    ...(options.redis ? { redis: options.redis, nameSpace: 'antichambre:rate-limit:', skipOnError: true } : {}),
    max: options.perMinute ?? ANONYMOUS_REQUESTS_PER_MINUTE,
    timeWindow: 60_000,
    allowList: (request) => request.url.startsWith('/media/') || request.url === '/healthz' || request.url === '/readyz' || options.isKnownCaller(request),
    errorResponseBuilder: (_request, context) => ({ statusCode: 429, error: `rate limit: more than ${context.max} requests a minute from this address without a valid token (an API token, a session, a site's token); retry in ${context.after}` }),
  });
}

/** Refused screen handshakes (wrong token, unknown screen) a minute per address before all of its handshakes are refused. */
export const FAILED_HANDSHAKES_PER_MINUTE = 30;
/** The biggest JSON body of a ticket system's queue message (MAX_QUEUE_EVENTS events fit well within it). */
export const QUEUE_BODY_BYTES = 1_000_000;
/** Pairing routes carry no body worth the name (a claim is a screen's id, name, site and zone). */
export const PAIRING_BODY_BYTES = 1_024;

/**
 * Counts refused socket.io handshakes per address over a minute: past the limit, the address
 * is refused before its token is even checked, so that guessing tokens over socket.io is as
 * slow as over HTTP. Screens with a valid token are never counted. Addresses whose minute has
 * passed are forgotten as new ones come (no timer).
 */
export class HandshakeLimiter {
  private readonly failures = new Map<string, { since: number; count: number }>();

  constructor(
    private readonly perMinute = FAILED_HANDSHAKES_PER_MINUTE,
    private readonly windowMs = 60_000,
  ) {}

  /** The message to refuse this address with, or null when it may try. */
  refusal(address: string, now: number): string | null {
    const entry = this.failures.get(address);
    if (!entry || now - entry.since >= this.windowMs || entry.count < this.perMinute) return null;
    return `rate limit: more than ${this.perMinute} refused handshakes a minute from ${address}; retry in ${Math.ceil((entry.since + this.windowMs - now) / 1000)} s`;
  }

  failed(address: string, now: number): void {
    const entry = this.failures.get(address);
    if (entry && now - entry.since < this.windowMs) entry.count++;
    else this.failures.set(address, { since: now, count: 1 });
    if (this.failures.size > 10_000) for (const [key, value] of this.failures) if (now - value.since >= this.windowMs) this.failures.delete(key);
  }
}
