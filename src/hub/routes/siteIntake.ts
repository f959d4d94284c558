import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { QueueMessage } from '../../shared/protocol.js';
import { QUEUE_BODY_BYTES } from '../requestLimits.js';
import type { ScreenChannel } from '../screenChannel.js';
import type { HubStores } from '../stores/index.js';
import { QueueAccepted } from '../../shared/adminApi.js';
import { errors, type RouteSchema } from './apiDocs.js';
import { IdParam, parsed } from './requestParsing.js';
import { bearerToken } from '../secrets.js';

/**
 * Site intake: the ticket system of a site posts its events (`POST /api/sites/:id/queue`) with
 * the site's own token, not the admin's. The token is checked before the body is read
 * (preParsing), the body is at most QUEUE_BODY_BYTES, and the answer comes once the events are durable.
 */
export const siteIntakeRoutes: FastifyPluginAsync<{ stores: HubStores; channel: ScreenChannel }> = async (app, { stores, channel }) => {
  const verifySite = async (request: FastifyRequest): Promise<void> => {
    const { id: site } = parsed(IdParam, request.params, 'url');
    await stores.queue.verifySite(site, bearerToken(request.headers.authorization) ?? '');
  };
  const schema: RouteSchema = {
    summary: "Le système de tickets d'un site envoie ses événements (jeton du site) / A site's ticket system posts its events (site token)",
    tags: ['sites'],
    security: [{ site: [] }],
    params: IdParam,
    body: QueueMessage,
    response: { 200: QueueAccepted, ...errors(400, 401, 413, 429, 503) },
  };
  app.post('/api/sites/:id/queue', { bodyLimit: QUEUE_BODY_BYTES, preParsing: verifySite, schema, config: { access: 'public' } }, async (request): Promise<QueueAccepted> => {
    const { id: site } = parsed(IdParam, request.params, 'url');
    const { events } = parsed(QueueMessage, request.body, '');
    const fresh = await stores.queue.store(site, events);
    const screens = await stores.screens.idsOf({ site });
    if (fresh.length > 0) channel.queue(site, fresh);
    return { stored: fresh.length, duplicates: events.length - fresh.length, screens: (await channel.onlineAmong(screens)).size };
  });
};
