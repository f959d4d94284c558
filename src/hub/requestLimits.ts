import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { hashToken } from './secrets.js';

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

/**
 * Refused screen handshakes (a wrong token) a minute for one screen id from one address, before
 * that id's handshakes from there are refused. Counted per screen id, not per address alone: a
 * site's screens share one address (NAT), and one screen's wrong tokens (a guess, a screen set up
 * with an old token) must not keep the others, new ones included, from connecting.
 */
export const FAILED_HANDSHAKES_PER_MINUTE = 30;
/**
 * Refused screen handshakes a minute from one address, whatever the screen ids, before all of its
 * handshakes are refused: a flood of made-up ids. As many as HTTP requests without a valid token.
 */
export const FAILED_HANDSHAKES_PER_ADDRESS_PER_MINUTE = ANONYMOUS_REQUESTS_PER_MINUTE;
/** The biggest JSON body of a ticket system's queue message (MAX_QUEUE_EVENTS events fit well within it). */
export const QUEUE_BODY_BYTES = 1_000_000;
/** Pairing routes carry no body worth the name (a claim is a screen's id, name, site and zone). */
export const PAIRING_BODY_BYTES = 1_024;

/** Screen credentials this node accepted, remembered (by their hash) so that a limited address does not lock them out. */
export const KNOWN_CREDENTIALS = 100_000;

/** Counters of refused handshakes kept at most (per address, and per address and screen id): past it, the oldest go first. */
export const HANDSHAKE_COUNTERS = 50_000;

/**
 * Counts refused socket.io handshakes over a minute, per address and screen id and per address:
 * past either limit, those handshakes are refused before their token is even checked, so that
 * guessing tokens over socket.io is as slow as over HTTP. Screens with a valid token are never
 * counted. Counters whose minute has passed are forgotten as new ones come (no timer).
 *
 * A screen whose id and token this node accepted before still has them checked, limited
 * address or not: a site's screens share one address (NAT, with its guest Wi-Fi), and someone
 * else's wrong tokens must not keep them from reconnecting. A guess is not among them, so
 * guesses from a limited address still cost no database read. The credentials are kept as
 * their SHA-256 (as the database keeps the tokens), the oldest forgotten past KNOWN_CREDENTIALS;
 * a token revoked since is refused by the check, as any other.
 */
export class HandshakeLimiter {
  private readonly failures = new Map<string, { since: number; count: number }>();
  private readonly known = new Set<string>();

  constructor(
    private readonly perScreen = FAILED_HANDSHAKES_PER_MINUTE,
    private readonly windowMs = 60_000,
    private readonly knownMax = KNOWN_CREDENTIALS,
    private readonly perAddress = FAILED_HANDSHAKES_PER_ADDRESS_PER_MINUTE,
    private readonly countersMax = HANDSHAKE_COUNTERS,
  ) {}

  /**
   * The message to refuse a handshake from `address` with, or null when it may try (with
   * `credentials` this node accepted before, always). Without credentials (no screen id), only the
   * address's own count applies.
   */
  refusal(address: string, now: number, credentials?: { screenId: string; token: string }): string | null {
    if (credentials && this.known.has(credentialKey(credentials))) return null;
    const byAddress = this.current(address, now);
    if (byAddress && byAddress.count >= this.perAddress) return `rate limit: more than ${this.perAddress} refused handshakes a minute from ${address}; retry in ${this.retryIn(byAddress, now)} s`;
    const byScreen = credentials ? this.current(screenKey(address, credentials.screenId), now) : undefined;
    if (byScreen && byScreen.count >= this.perScreen) return `rate limit: more than ${this.perScreen} refused handshakes a minute for screen ${credentials!.screenId} from ${address}; retry in ${this.retryIn(byScreen, now)} s`;
    return null;
  }

  /** A screen's handshake was accepted: its credentials may try again from a limited address. */
  accepted(credentials: { screenId: string; token: string }): void {
    const key = credentialKey(credentials);
    this.known.delete(key);
    this.known.add(key);
    if (this.known.size > this.knownMax) this.known.delete(this.known.values().next().value!);
  }

  /** A handshake from `address` was refused (a wrong token; `screenId`: the id it gave, if it gave one). */
  failed(address: string, now: number, screenId?: string): void {
    this.count(address, now);
    if (screenId !== undefined) this.count(screenKey(address, screenId), now);
  }

  private current(key: string, now: number): { since: number; count: number } | undefined {
    const entry = this.failures.get(key);
    return entry && now - entry.since < this.windowMs ? entry : undefined;
  }

  private retryIn(entry: { since: number }, now: number): number {
    return Math.ceil((entry.since + this.windowMs - now) / 1000);
  }

  private count(key: string, now: number): void {
    const entry = this.current(key, now);
    if (entry) entry.count++;
    else {
      this.failures.delete(key);
      this.failures.set(key, { since: now, count: 1 });
    }
    if (this.failures.size <= this.countersMax) return;
    for (const [old, value] of this.failures) if (now - value.since >= this.windowMs) this.failures.delete(old);
    // Still too many within the minute (made-up ids from many addresses): the oldest counters go first.
    for (const old of this.failures.keys()) {
      if (this.failures.size <= this.countersMax) break;
      this.failures.delete(old);
    }
  }
}

/** An address and a screen id as one counter's key (a space is in neither: ids are [A-Za-z0-9._-]). */
const screenKey = (address: string, screenId: string): string => `${address} ${screenId}`;

function credentialKey({ screenId, token }: { screenId: string; token: string }): string {
  return `${screenId} ${hashToken(token)}`;
}
