import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FeedPoller } from '../feeds/feedPoller.js';
import { HubError } from '../hubError.js';
import type { MediaFacts } from '../mediaFacts.js';
import type { MediaFiles } from '../mediaFiles.js';
import { limitRequests } from '../requestLimits.js';
import type { ScreenChannel } from '../screenChannel.js';
import { tokenMatches } from '../secrets.js';
import type { StorageFaultLog } from '../storageFault.js';
import type { HubStores } from '../stores/index.js';
import { adminRoutes } from './admin.js';
import { answerErrors } from './errors.js';
import { healthRoutes } from './health.js';
import { mediaRoutes } from './media.js';
import { pairingRoutes } from './pairing.js';
import { bearerToken } from './requestParsing.js';
import { siteIntakeRoutes } from './siteIntake.js';

/**
 * The hub's HTTP side, one fastify plugin per audience: the balancer's health (`/healthz`,
 * `/readyz`), players' media (`/media/…`), ticket
 * systems' site intake (`/api/sites/:id/queue`), players' pairing (`/api/pairing…`) and the
 * admin API (the rest of `/api`); errors and limits (rate limit; body limits at the root's
 * `bodyLimit` and per route) are set once here, for all of them.
 */

export interface RouteDeps {
  stores: HubStores;
  channel: ScreenChannel;
  media: MediaFiles;
  adminTokenHash: () => string;
  /** Requests a minute per address without the admin token (default ANONYMOUS_REQUESTS_PER_MINUTE). */
  anonymousPerMinute?: number;
  /** The built dashboard (dist/dashboard), served at `/`; null: not served. */
  dashboardDir: string | null;
  /** Where storage failures are counted and logged (once per kind). */
  faults: StorageFaultLog;
  /** The feeds' poller and what the hub read from its media files (issue 20). */
  feeds: FeedPoller;
  mediaFacts: MediaFacts;
  /** What `/readyz` checks: the database, the broker. */
  readiness: Record<string, () => Promise<void>>;
}

export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  answerErrors(app, deps.faults);
  const isAdmin = (request: FastifyRequest): boolean => {
    const token = bearerToken(request);
    return token !== null && tokenMatches(token, deps.adminTokenHash());
  };
  await limitRequests(app, { isAdmin, ...(deps.anonymousPerMinute ? { perMinute: deps.anonymousPerMinute } : {}) });
  if (deps.dashboardDir) await app.register(fastifyStatic, { root: deps.dashboardDir, prefix: '/', wildcard: false, decorateReply: false });

  await app.register(healthRoutes, { checks: deps.readiness });
  await app.register(mediaRoutes, { media: deps.media });
  await app.register(siteIntakeRoutes, { stores: deps.stores, channel: deps.channel });
  await app.register(pairingRoutes, { pairings: deps.stores.pairings });
  await app.register(adminRoutes, {
    stores: deps.stores,
    channel: deps.channel,
    media: deps.media,
    feeds: deps.feeds,
    mediaFacts: deps.mediaFacts,
    authorize: (request) => {
      if (!isAdmin(request)) throw new HubError(401, 'unauthorized: expected "Authorization: Bearer <admin token>" (printed at the hub\'s first start)');
    },
  });
}
