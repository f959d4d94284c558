import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Access } from '../access.js';
import type { FeedPoller } from '../feeds/feedPoller.js';
import type { MediaFacts } from '../mediaFacts.js';
import type { MediaFiles } from '../mediaFiles.js';
import type { Redis } from 'ioredis';
import { limitRequests } from '../requestLimits.js';
import type { ScreenChannel } from '../screenChannel.js';
import type { SingleSignOn } from '../singleSignOn.js';
import type { StorageFaultLog } from '../storageFault.js';
import type { HubStores } from '../stores/index.js';
import { accountRoutes } from './accountRoutes.js';
import { adminRoutes } from './admin.js';
import { apiDocs } from './apiDocs.js';
import type { HubMetrics } from '../hubMetrics.js';
import type { MetricsAccess } from '../metricsAccess.js';
import { countHttpErrors, metricsRoutes } from './metricsRoutes.js';
import { answerErrors } from './errors.js';
import { healthRoutes, type Readiness } from './health.js';
import { mediaRoutes } from './media.js';
import { pairingRoutes } from './pairing.js';
import { sessionRoutes } from './sessionRoutes.js';
import { SiteIntakeAccess, siteIntakeRoutes } from './siteIntake.js';

/**
 * The hub's HTTP side, one fastify plugin per audience: the balancer's health (`/healthz`,
 * `/readyz`), players' media (`/media/…`), ticket systems' site intake (`/api/sites/:id/queue`),
 * players' pairing (`/api/pairing…`), people signing in to the dashboard (`/api/session…`), the
 * admin API (the rest of `/api`: screens, content, alerts, users, tokens, audit) and Prometheus
 * (`/metrics`); errors and limits (rate limit; body limits at the root's `bodyLimit` and per
 * route) are set once here, for all of them. Who may call each route is its `config.access`
 * (routeAccess.ts, installed on the root before this).
 */

export interface RouteDeps {
  stores: HubStores;
  channel: ScreenChannel;
  media: MediaFiles;
  access: Access;
  sso: SingleSignOn | null;
  log: (line: string) => void;
  /** Requests a minute per address without a valid API token or session (default ANONYMOUS_REQUESTS_PER_MINUTE). */
  anonymousPerMinute?: number;
  /** In a cluster, the broker's Redis, where the request limits are counted for every node. */
  sharedLimits?: Redis;
  /** The built dashboard (dist/dashboard), served at `/`; null: not served. */
  dashboardDir: string | null;
  /** Where storage failures are counted and logged (once per kind). */
  faults: StorageFaultLog;
  metrics: HubMetrics;
  /** Who may read `/metrics`. */
  metricsAccess: MetricsAccess;
  /** The feeds' poller and what the hub read from its media files (issue 20). */
  feeds: FeedPoller;
  mediaFacts: MediaFacts;
  /** What `/readyz` checks: the database, the broker. */
  readiness: Readiness['checks'];
}

/** Registers every route; answers them all (as declared), for the test that each is documented. */
export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<{ method: string; url: string }[]> {
  answerErrors(app, deps.faults, deps.log);
  countHttpErrors(app, deps.metrics);
  // First: the documentation collects the routes declared after it.
  const routes = await apiDocs(app);
  // Signed-in callers (an API token or a session) and a site's ticket system with its token are not rate limited; refused ones count.
  // The intake first: its bearer is a site token, not to be looked up among the API tokens too (any other route answers false at once).
  const intake = new SiteIntakeAccess(deps.stores);
  const knownCaller = async (request: FastifyRequest): Promise<boolean> => (await intake.isSiteCaller(request)) || (await deps.access.caller(request, Date.now())) !== null;
  await limitRequests(app, { isKnownCaller: knownCaller, ...(deps.anonymousPerMinute ? { perMinute: deps.anonymousPerMinute } : {}), ...(deps.sharedLimits ? { redis: deps.sharedLimits } : {}) });
  if (deps.dashboardDir) await app.register(fastifyStatic, { root: deps.dashboardDir, prefix: '/', wildcard: false, decorateReply: false });

  await app.register(healthRoutes, { checks: deps.readiness });
  await app.register(mediaRoutes, { media: deps.media });
  await app.register(siteIntakeRoutes, { stores: deps.stores, channel: deps.channel, access: intake });
  await app.register(pairingRoutes, { pairings: deps.stores.pairings });
  await app.register(sessionRoutes, { access: deps.access, sso: deps.sso, log: deps.log });
  await app.register(adminRoutes, { stores: deps.stores, channel: deps.channel, media: deps.media, feeds: deps.feeds, mediaFacts: deps.mediaFacts, access: deps.access });
  await app.register(accountRoutes, { access: deps.access });
  await app.register(metricsRoutes, { metrics: deps.metrics, access: deps.metricsAccess });
  return routes;
}
