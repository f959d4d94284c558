import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { QueueMessage } from '../../shared/protocol.js';
import { QUEUE_BODY_BYTES } from '../requestLimits.js';
import type { ScreenChannel } from '../screenChannel.js';
import type { HubStores } from '../stores/index.js';
import { QueueAccepted } from '../../shared/adminApi.js';
import { errors, type RouteSchema } from './apiDocs.js';
import { IdParam, parsed } from './requestParsing.js';
import { bearerToken } from '../secrets.js';
import { HubError } from '../hubError.js';
import { QUEUE_EVENT_AHEAD_MS } from '../stores/storeRules.js';
import { toUtcTime } from '../../shared/ids.js';

/** The intake's route. */
const SITE_QUEUE_ROUTE = '/api/sites/:id/queue';

/**
 * A ticket system's request with its site's token, checked once per request: by the rate limit
 * (onRequest: a site's own ticket system is not limited as an anonymous caller, so a replay or a
 * backlog sent after an outage is not cut at 600 requests a minute) and by the route (preParsing,
 * before the body is read).
 */
export class SiteIntakeAccess {
  private readonly checked = new WeakMap<FastifyRequest, Promise<void>>();

  constructor(private readonly stores: HubStores) {}

  /** Resolves when the request carries its site's token; rejects with the 401 (or the 400 of a malformed site id) otherwise. */
  verify(request: FastifyRequest): Promise<void> {
    let check = this.checked.get(request);
    if (!check) {
      check = (async () => {
        const { id: site } = parsed(IdParam, request.params, 'url');
        await this.stores.queue.verifySite(site, bearerToken(request.headers.authorization) ?? '');
      })();
      check.catch(() => {}); // answered by the route
      this.checked.set(request, check);
    }
    return check;
  }

  /** Whether this is the intake posted with its site's valid token (a wrong one is counted as anonymous). */
  async isSiteCaller(request: FastifyRequest): Promise<boolean> {
    if (request.method !== 'POST' || request.routeOptions.url !== SITE_QUEUE_ROUTE) return false;
    return this.verify(request).then(
      () => true,
      () => false,
    );
  }
}

/**
 * Site intake: the ticket system of a site posts its events (`POST /api/sites/:id/queue`) with
 * the site's own token, not the admin's. The token is checked before the body is read
 * (preParsing), the body is at most QUEUE_BODY_BYTES, and the answer comes once the events are durable.
 */
export const siteIntakeRoutes: FastifyPluginAsync<{ stores: HubStores; channel: ScreenChannel; access: SiteIntakeAccess }> = async (app, { stores, channel, access }) => {
  // JSON only (protocol-notes: a body of another type is 415): fastify's own text/plain reader, kept
  // elsewhere, would hand the schema a string and answer 400 instead. In this plugin only.
  app.removeContentTypeParser('text/plain');
  const verifySite = (request: FastifyRequest): Promise<void> => access.verify(request);
  const schema: RouteSchema = {
    summary: "Le système de tickets d'un site envoie ses événements (jeton du site) / A site's ticket system posts its events (site token)",
    tags: ['sites'],
    security: [{ site: [] }],
    params: IdParam,
    body: QueueMessage,
    response: { 200: QueueAccepted, ...errors(400, 401, 413, 415, 429, 503) },
  };
  app.post(SITE_QUEUE_ROUTE, { bodyLimit: QUEUE_BODY_BYTES, preParsing: verifySite, schema, config: { access: 'public' } }, async (request): Promise<QueueAccepted> => {
    const { id: site } = parsed(IdParam, request.params, 'url');
    const { events } = parsed(QueueMessage, request.body, '');
    const now = Date.now();
    const ahead = events.findIndex((event) => Date.parse(event.at) > now + QUEUE_EVENT_AHEAD_MS);
    if (ahead >= 0) {
      throw new HubError(400, `events[${ahead}].at: ${events[ahead]!.at} is more than ${QUEUE_EVENT_AHEAD_MS / 60_000} minutes ahead of the hub's clock (${toUtcTime(now)}); check the ticket system's clock (nothing was stored)`);
    }
    const fresh = await stores.queue.store(site, events);
    const screens = await stores.screens.idsOf({ site });
    if (fresh.length > 0) channel.queue(site, fresh);
    return { stored: fresh.length, duplicates: events.length - fresh.length, screens: (await channel.onlineAmong(screens)).size };
  });
};
