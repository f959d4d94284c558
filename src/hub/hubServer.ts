import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { Server } from 'socket.io';
import { MAX_SOCKET_MESSAGE_BYTES } from '../shared/protocol.js';
import type { OidcSettings } from '../shared/singleSignOn.js';
import { Access, firstStart } from './access.js';
import { joinCluster, type ClusterBroker } from './clusterBroker.js';
import { LOGIN_LIMITS, LoginThrottle } from './loginThrottle.js';
import { RedisWindowCounters } from './windowCounters.js';
import { resolveDataPaths, type DataPaths } from './dataPaths.js';
import { HealthNotifier, ToldProblems } from './healthNotifier.js';
import { HubMetrics } from './hubMetrics.js';
import type { MetricsAccess } from './metricsAccess.js';
import { FeedPoller } from './feeds/feedPoller.js';
import { hubFeedSinks } from './feeds/feedSinks.js';
import { MediaFacts } from './mediaFacts.js';
import { MediaFiles } from './mediaFiles.js';
import { registerRoutes } from './routes/index.js';
import { answerFrameworkErrors } from './routes/errors.js';
import type { NotifyConfig } from '../shared/notifications.js';
import { ScreenChannel, type HubIo } from './screenChannel.js';
import { guardRoutes, type RouteRule } from './routeAccess.js';
import { SingleSignOn } from './singleSignOn.js';
import { openStores, SESSION_LIMITS, type HubStores } from './stores/index.js';
import { StorageFaultLog } from './storageFault.js';

/** The hub: its stores (one SQLite file by default), the admin API and media over HTTP, screens over socket.io, on one port. */

export interface HubOptions {
  /** The SQLite file (relative: to the working directory; its folder is created), `:memory:`, or `postgres://…` (PostgreSQL). */
  db: string;
  port: number;
  host: string;
  /** Folder of media files; default `media/` beside the database. */
  mediaDir?: string;
  /** An API token of the first administrator (ANTICHAMBRE_ADMIN_TOKEN, the admin token of hubs before accounts), until it is revoked. */
  adminToken?: string;
  /** The first administrator's email and password, for a hub without users (default admin@localhost and a password made now, answered once in `firstAdministrator`). */
  adminEmail?: string;
  adminPassword?: string;
  /** Single sign-on through this OpenID Connect provider. */
  oidc?: OidcSettings;
  /** A dashboard session ends after this long without a request (default 30 minutes). */
  sessionIdleMs?: number;
  /** The built dashboard, served at `/` (absent: no dashboard). */
  dashboardDir?: string;
  log?: (line: string) => void;
  /** Requests a minute per address without a valid API token or session. */
  anonymousPerMinute?: number;
  /** Serve HTTPS and WSS on the same port with this certificate and key (PEM files); reloaded by `reloadTls()`. */
  tls?: { certFile: string; keyFile: string };
  /** Behind a reverse proxy (nginx, Caddy): the client's address is the first of X-Forwarded-For (rate limits key on it). Only then. */
  trustProxy?: boolean;
  /** How often expired pairing codes are deleted (default every minute). */
  pairingPruneEveryMs?: number;
  /** Caps the database file (SQLite `max_page_count`): past it, writes fail as on a full disk and are answered `storage: …`. */
  maxDbBytes?: number;
  /** Who may read `/metrics` (default: the loopback only). */
  metrics?: MetricsAccess;
  /** Notifications (webhooks, e-mail) of screens going wrong and back to normal; absent: none. */
  notify?: NotifyConfig;
  /** A cluster's broker (`redis://HOST:PORT`): nodes on one database and one broker serve screens wherever they connect. */
  broker?: string;
}

export interface RunningHub {
  url: string;
  /** Where its data is, as absolute paths. */
  paths: DataPaths;
  port: number;
  /** The first administrator, when this start made them, with the password made for them (null when given). */
  firstAdministrator: { email: string; password: string | null } | null;
  /** Every HTTP route the hub serves (`GET /api/screens`…) with who may call it (routeAccess.ts): the role-matrix and API documentation tests walk it. */
  routes: readonly RouteRule[];
  access: Access;
  stores: HubStores;
  channel: ScreenChannel;
  /** Reads the TLS certificate and key files again and serves them to new connections (SIGHUP); throws, keeping the old ones, if they cannot be read. */
  reloadTls(): void;
  close(): Promise<void>;
}

function readTls(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`${what} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error)}`);
    }
  };
  return { cert: read(tls.certFile, 'TLS certificate'), key: read(tls.keyFile, 'TLS key') };
}

/** The problems notifications told of and that are not over (so that a restarted hub does not tell them again). */
const NOTIFIED_KEY = 'notified_problems';
const MAX_JSON_BYTES = 20_000_000;

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const log = options.log ?? ((line: string) => console.log(line));
  const paths = resolveDataPaths({ db: options.db, mediaDir: options.mediaDir }, process.cwd());
  const stores = await openStores(paths.db, { ...(options.maxDbBytes === undefined ? {} : { maxBytes: options.maxDbBytes }), ...(options.sessionIdleMs === undefined ? {} : { sessionIdleMs: options.sessionIdleMs }) });
  const faults = new StorageFaultLog(log);
  const { administrator } = await firstStart(
    stores,
    { ...(options.adminToken ? { adminToken: options.adminToken } : {}), ...(options.adminEmail ? { adminEmail: options.adminEmail } : {}), ...(options.adminPassword ? { adminPassword: options.adminPassword } : {}) },
    Date.now(),
  );

  const app = Fastify({
    bodyLimit: MAX_JSON_BYTES,
    // The contract: unknown fields are ignored, never fatal; a `__proto__` key, or a `constructor` holding
    // `prototype`, is one too: dropped by the JSON parser (never merged into an object), not refused.
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    logger: false,
    frameworkErrors: answerFrameworkErrors,
    trustProxy: options.trustProxy === true,
    ...(options.tls ? { https: readTls(options.tls) } : {}),
  });
  await app.register(fastifyCookie);
  // §3 names socket.io 4 and no transport: a client on its defaults starts with long polling, then
  // upgrades. A cluster takes WebSocket only: a screen's whole session is then one connection, so
  // its balancer needs no sticky sessions (long polling's requests would land on several nodes).
  const io: HubIo = new Server(app.server, { cors: { origin: '*' }, serveClient: false, maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES, transports: options.broker ? ['websocket'] : ['polling', 'websocket'] });
  let broker: ClusterBroker | null = null;
  if (options.broker) {
    try {
      broker = await joinCluster(io, options.broker, log);
    } catch (error) {
      await stores.close();
      throw error;
    }
  }
  // Failed sign-ins counted in the broker's Redis in a cluster (every node sees the same counts), in memory otherwise.
  const throttle = broker ? new LoginThrottle(LOGIN_LIMITS, (kind, windowMs) => new RedisWindowCounters(broker!.counters, windowMs, `antichambre:signin-failed:${kind}:`)) : new LoginThrottle();
  const access = new Access(stores, options.sessionIdleMs ?? SESSION_LIMITS.idleMs, throttle);
  const sso = options.oidc ? await SingleSignOn.discover(options.oidc) : null;
  // Before any route: every route added after says who may call it (a route under /api without a rule stops the start).
  const routes = guardRoutes(app, access);
  // The channel reads the screens' states for the metrics, and counts into them: made together.
  let channelRef: ScreenChannel | null = null;
  const metrics = new HubMetrics(async () => (channelRef ? channelRef.liveScreens() : []));
  const channel = new ScreenChannel(io, stores, log, faults, options.trustProxy === true, metrics);
  channelRef = channel;
  if (broker) {
    channel.joinedCluster();
    broker.onReconnect(() => {
      channel.resync().catch((error: unknown) => log(`cluster: screens not brought up to date after the broker came back: ${error instanceof Error ? error.message : String(error)}`));
    });
  }
  const media = new MediaFiles(paths.mediaDir, stores.media);
  // Alert and news feeds (issue 20): their timers are this hub's, stopped in close().
  const feeds = new FeedPoller(stores.feeds, hubFeedSinks(stores, channel, log));
  const mediaFacts = new MediaFacts(paths.mediaDir, async (sha256) => (await stores.media.info(sha256))?.type ?? null);
  await registerRoutes(app, {
    feeds,
    mediaFacts,
    stores,
    channel,
    media,
    access,
    sso,
    log,
    dashboardDir: options.dashboardDir ?? null,
    faults,
    metrics,
    metricsAccess: options.metrics ?? {},
    readiness: { database: () => stores.ping(), ...(broker ? { broker: () => broker.ping() } : {}) },
    ...(options.anonymousPerMinute ? { anonymousPerMinute: options.anonymousPerMinute } : {}),
    ...(broker ? { sharedLimits: broker.counters } : {}),
  });
  await app.listen({ port: options.port, host: options.host });
  await feeds.start();
  /** This node, among a cluster's (the notifications' lease). */
  const nodeId = `node-${randomUUID()}`;
  const notifier = options.notify
    ? new HealthNotifier({
        config: options.notify,
        screens: () => channel.liveScreens(),
        log,
        delivered: (kind, ok) => metrics.notification(kind, ok ? 'sent' : 'failed'),
        // In a cluster, one node notifies at a time (a lease in the database, renewed at each check; another node takes over within 3 checks of its end).
        ...(broker ? { lead: () => stores.settings.claimLease('notifications', nodeId, Date.now(), 3 * options.notify!.checkEverySeconds * 1000) } : {}),
        told: {
          load: async () => {
            const saved = await stores.settings.get(NOTIFIED_KEY);
            let json: unknown = [];
            try {
              json = saved ? JSON.parse(saved) : [];
            } catch {
              log('notifications: the problems told before this start could not be read; they may be told again');
            }
            const parsed = ToldProblems.safeParse(json);
            return parsed.success ? parsed.data : [];
          },
          save: (told) => stores.settings.set(NOTIFIED_KEY, JSON.stringify(told)),
        },
      })
    : null;
  notifier?.start();
  // Owned by this hub: cleared in close().
  const pruneTimer = setInterval(() => {
    stores.pairings.prune(Date.now()).catch((error: unknown) => {
      log(`pairing: expired codes not pruned (retried at the next tick): ${error instanceof Error ? error.message : String(error)}`);
    });
    stores.sessions.prune(Date.now()).catch((error: unknown) => {
      log(`sessions: ended sessions not pruned (retried at the next tick): ${error instanceof Error ? error.message : String(error)}`);
    });
  }, options.pairingPruneEveryMs ?? 60_000);
  pruneTimer.unref();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}`,
    paths,
    port,
    firstAdministrator: administrator,
    routes,
    access,
    stores,
    channel,
    reloadTls() {
      if (!options.tls) throw new Error('TLS: this hub serves plain HTTP (start it with --tls-cert and --tls-key)');
      (app.server as HttpsServer).setSecureContext(readTls(options.tls));
    },
    async close() {
      clearInterval(pruneTimer);
      await notifier?.close();
      await feeds.close();
      // Closing the transports (not disconnecting each socket) tells players to reconnect later.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await app.close().catch(() => {});
      await broker?.close();
      await stores.close();
    },
  };
}
