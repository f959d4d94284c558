import Fastify from 'fastify';
import { readFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { Server } from 'socket.io';
import { MAX_SOCKET_MESSAGE_BYTES } from '../shared/protocol.js';
import { joinCluster, type ClusterBroker } from './clusterBroker.js';
import { resolveDataPaths, type DataPaths } from './dataPaths.js';
import { FeedPoller } from './feeds/feedPoller.js';
import { hubFeedSinks } from './feeds/feedSinks.js';
import { MediaFacts } from './mediaFacts.js';
import { MediaFiles } from './mediaFiles.js';
import { registerRoutes } from './routes/index.js';
import { ScreenChannel } from './screenChannel.js';
import { hashToken, newToken } from './secrets.js';
import { openStores, type HubStores } from './stores/index.js';
import { StorageFaultLog } from './storageFault.js';

/** The hub: its stores (one SQLite file by default), the admin API and media over HTTP, screens over socket.io, on one port. */

export interface HubOptions {
  /** The SQLite file (relative: to the working directory; its folder is created), or `:memory:`. */
  db: string;
  port: number;
  host: string;
  /** Folder of media files; default `media/` beside the database. */
  mediaDir?: string;
  /** Sets the admin token; without it, one is made at first start and printed. */
  adminToken?: string;
  /** The built dashboard, served at `/` (absent: no dashboard). */
  dashboardDir?: string;
  log?: (line: string) => void;
  /** Requests a minute per address without the admin token. */
  anonymousPerMinute?: number;
  /** Serve HTTPS and WSS on the same port with this certificate and key (PEM files); reloaded by `reloadTls()`. */
  tls?: { certFile: string; keyFile: string };
  /** Behind a reverse proxy (nginx, Caddy): the client's address is the first of X-Forwarded-For (rate limits key on it). Only then. */
  trustProxy?: boolean;
  /** How often expired pairing codes are deleted (default every minute). */
  pairingPruneEveryMs?: number;
  /** Caps the database file (SQLite `max_page_count`): past it, writes fail as on a full disk and are answered `storage: …`. */
  maxDbBytes?: number;
  /** A cluster's broker (`redis://HOST:PORT`): nodes on one database and one broker serve screens wherever they connect. */
  broker?: string;
}

export interface RunningHub {
  url: string;
  /** Where its data is, as absolute paths. */
  paths: DataPaths;
  port: number;
  /** The admin token, when this start made it (first start without one given). */
  newAdminToken: string | null;
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

const ADMIN_TOKEN_KEY = 'admin_token_hash';
const MAX_JSON_BYTES = 20_000_000;

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const log = options.log ?? ((line: string) => console.log(line));
  const paths = resolveDataPaths({ db: options.db, mediaDir: options.mediaDir }, process.cwd());
  const stores = await openStores(paths.db, options.maxDbBytes === undefined ? {} : { maxBytes: options.maxDbBytes });
  const faults = new StorageFaultLog(log);
  let newAdminToken: string | null = null;
  if (options.adminToken) await stores.settings.set(ADMIN_TOKEN_KEY, hashToken(options.adminToken));
  else if ((await stores.settings.get(ADMIN_TOKEN_KEY)) === null) {
    newAdminToken = newToken();
    await stores.settings.set(ADMIN_TOKEN_KEY, hashToken(newAdminToken));
  }
  const adminTokenHash = (await stores.settings.get(ADMIN_TOKEN_KEY))!;

  const app = Fastify({
    bodyLimit: MAX_JSON_BYTES,
    logger: false,
    trustProxy: options.trustProxy === true,
    ...(options.tls ? { https: readTls(options.tls) } : {}),
  });
  // WebSocket only: a screen's whole session is one connection, so a balancer needs no sticky sessions (long polling would).
  const io = new Server(app.server, { cors: { origin: '*' }, serveClient: false, maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES, transports: ['websocket'] });
  let broker: ClusterBroker | null = null;
  if (options.broker) {
    try {
      broker = await joinCluster(io, options.broker, log);
    } catch (error) {
      await stores.close();
      throw error;
    }
  }
  const channel = new ScreenChannel(io, stores, log, faults, options.trustProxy === true);
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
    adminTokenHash: () => adminTokenHash,
    dashboardDir: options.dashboardDir ?? null,
    faults,
    readiness: { database: () => stores.ping(), ...(broker ? { broker: () => broker.ping() } : {}) },
    ...(options.anonymousPerMinute ? { anonymousPerMinute: options.anonymousPerMinute } : {}),
  });
  await app.listen({ port: options.port, host: options.host });
  await feeds.start();
  // Owned by this hub: cleared in close().
  const pruneTimer = setInterval(() => {
    stores.pairings.prune(Date.now()).catch((error: unknown) => {
      log(`pairing: expired codes not pruned (retried at the next tick): ${error instanceof Error ? error.message : String(error)}`);
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
    newAdminToken,
    stores,
    channel,
    reloadTls() {
      if (!options.tls) throw new Error('TLS: this hub serves plain HTTP (start it with --tls-cert and --tls-key)');
      (app.server as HttpsServer).setSecureContext(readTls(options.tls));
    },
    async close() {
      clearInterval(pruneTimer);
      await feeds.close();
      // Closing the transports (not disconnecting each socket) tells players to reconnect later.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await app.close().catch(() => {});
      await broker?.close();
      await stores.close();
    },
  };
}
