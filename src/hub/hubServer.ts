import Fastify from 'fastify';
import { Server } from 'socket.io';
import { MAX_SOCKET_MESSAGE_BYTES } from '../shared/protocol.js';
import { registerRoutes } from './adminRoutes.js';
import { AlertStore } from './alertStore.js';
import { CommandLog } from './commandLog.js';
import { resolveDataPaths, type DataPaths } from './dataPaths.js';
import { openHubDb } from './hubDb.js';
import { ImpressionStore } from './impressionStore.js';
import { MediaFiles } from './mediaFiles.js';
import { PairingStore } from './pairingStore.js';
import { PlaylistStore } from './playlistStore.js';
import { QueueRelay } from './queueRelay.js';
import { ScreenChannel, type HubStores } from './screenChannel.js';
import { ScreenRegistry } from './screens.js';
import { hashToken, newToken } from './secrets.js';
import { WaitStore } from './waitStore.js';
import { StorageFaultLog } from './storageFault.js';
import { startCheckpointer } from './walCheckpointer.js';
import { WalSync } from './walSync.js';

/** The hub: one SQLite file, the admin API and media over HTTP, screens over socket.io, on one port. */

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
  /** How often expired pairing codes are deleted (default every minute). */
  pairingPruneEveryMs?: number;
  /** Caps the database file (SQLite `max_page_count`): past it, writes fail as on a full disk and are answered `storage: …`. */
  maxDbBytes?: number;
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
  close(): Promise<void>;
}

const ADMIN_TOKEN_KEY = 'admin_token_hash';
const MAX_JSON_BYTES = 20_000_000;

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const log = options.log ?? ((line: string) => console.log(line));
  const paths = resolveDataPaths({ db: options.db, mediaDir: options.mediaDir }, process.cwd());
  const db = openHubDb(paths.db, options.maxDbBytes === undefined ? {} : { maxBytes: options.maxDbBytes });
  const faults = new StorageFaultLog(log);
  const checkpointer = paths.db === ':memory:' ? null : startCheckpointer(paths.db);
  const setting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const saveSetting = db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
  let newAdminToken: string | null = null;
  if (options.adminToken) saveSetting.run(ADMIN_TOKEN_KEY, hashToken(options.adminToken));
  else if (!setting.get(ADMIN_TOKEN_KEY)) {
    newAdminToken = newToken();
    saveSetting.run(ADMIN_TOKEN_KEY, hashToken(newAdminToken));
  }
  const adminTokenHash = setting.get(ADMIN_TOKEN_KEY)!.value;

  const stores: HubStores = {
    screens: new ScreenRegistry(db),
    playlists: new PlaylistStore(db),
    impressions: new ImpressionStore(db),
    waits: new WaitStore(db),
    alerts: new AlertStore(db),
    commands: new CommandLog(db),
    queue: new QueueRelay(db),
    wal: new WalSync(paths.db === ':memory:' ? null : `${paths.db}-wal`),
  };
  const app = Fastify({ bodyLimit: MAX_JSON_BYTES, logger: false });
  const io = new Server(app.server, { cors: { origin: '*' }, serveClient: false, maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES });
  const channel = new ScreenChannel(io, stores, log, faults);
  const media = new MediaFiles(paths.mediaDir, db);
  const pairings = new PairingStore(db, stores.screens);
  await registerRoutes(app, {
    stores,
    channel,
    media,
    adminTokenHash: () => adminTokenHash,
    pairings,
    dashboardDir: options.dashboardDir ?? null,
    faults,
    ...(options.anonymousPerMinute ? { anonymousPerMinute: options.anonymousPerMinute } : {}),
  });
  await app.listen({ port: options.port, host: options.host });
  // Owned by this hub: cleared in close().
  const pruneTimer = setInterval(() => {
    try {
      pairings.prune(Date.now());
    } catch (error) {
      log(`pairing: expired codes not pruned (retried at the next tick): ${error instanceof Error ? error.message : String(error)}`);
    }
  }, options.pairingPruneEveryMs ?? 60_000);
  pruneTimer.unref();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${shownHost}:${port}`,
    paths,
    port,
    newAdminToken,
    stores,
    channel,
    async close() {
      clearInterval(pruneTimer);
      // Closing the transports (not disconnecting each socket) tells players to reconnect later.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await app.close().catch(() => {});
      await stores.wal.close();
      await checkpointer?.stop();
      db.close();
    },
  };
}
