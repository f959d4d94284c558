import { toUtcTime } from '../../../shared/ids.js';
import { SESSION_LIMITS, type HubStores, type MediaIndex, type SettingsStore, type StoreOptions } from '../index.js';
import { SqliteAccountStore } from './accounts.js';
import { SqliteAlertStore } from './alerts.js';
import { SqliteApiTokenStore } from './apiTokens.js';
import { SqliteAuditLog } from './audit.js';
import { SqliteCommandStore } from './commands.js';
import { SqliteFeedStore } from './feeds.js';
import { SqliteImpressionStore } from './impressions.js';
import { SqlitePairingStore } from './pairings.js';
import { SqlitePlaylistStore } from './playlists.js';
import { SqlitePowerStore } from './power.js';
import { SqliteQueueStore } from './queue.js';
import { SqliteScreenStore } from './screens.js';
import { SqliteSessionStore } from './sessions.js';
import { openSqliteDb, type SqliteDb } from './sqliteDb.js';
import { SqliteWaitStore } from './waits.js';
import { startCheckpointer } from './walCheckpointer.js';
import { WalSync } from './walSync.js';

/** The SQLite engine: one file in WAL mode (or `:memory:`), checkpointed in a worker, acks after a grouped fsync. */

class SqliteMediaIndex implements MediaIndex {
  constructor(private readonly db: SqliteDb) {}

  async info(sha256: string): Promise<{ bytes: number; type: string } | null> {
    return this.db.prepare<[string], { bytes: number; type: string }>('SELECT bytes, type FROM media WHERE sha256 = ?').get(sha256.toLowerCase()) ?? null;
  }

  async record(sha256: string, bytes: number, type: string, at: number): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO media (sha256, bytes, type, stored_at) VALUES (?, ?, ?, ?)').run(sha256, bytes, type, toUtcTime(at));
  }
}

class SqliteSettingsStore implements SettingsStore {
  constructor(private readonly db: SqliteDb) {}

  async get(key: string): Promise<string | null> {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)?.value ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(key, value);
  }

  async claimLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    // The lease is `<holder>|<until>` (ISO time, which sorts as it reads).
    const taken = this.db
      .prepare<[{ key: string; holder: string; until: string; now: string }], { key: string }>(
        `INSERT INTO settings (key, value) VALUES (@key, @holder || '|' || @until) ON CONFLICT (key) DO UPDATE SET value = excluded.value
          WHERE substr(settings.value, 1, instr(settings.value, '|') - 1) = @holder OR substr(settings.value, instr(settings.value, '|') + 1) <= @now
          RETURNING key`,
      )
      .get({ key: `lease:${name}`, holder, until: toUtcTime(now + ttlMs), now: toUtcTime(now) });
    return taken !== undefined;
  }
}

/** `path`: absolute, or `:memory:`. */
export function openSqliteStores(path: string, options: StoreOptions = {}): HubStores {
  const db = openSqliteDb(path, options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes });
  const checkpointer = path === ':memory:' ? null : startCheckpointer(path);
  // What is acked is on disk first: the stores await `wal.durable()` after the commit, before they resolve.
  const wal = new WalSync(path === ':memory:' ? null : `${path}-wal`);
  const screens = new SqliteScreenStore(db);
  return {
    description: `SQLite ${path}`,
    screens,
    playlists: new SqlitePlaylistStore(db),
    impressions: new SqliteImpressionStore(db, wal),
    waits: new SqliteWaitStore(db),
    alerts: new SqliteAlertStore(db),
    commands: new SqliteCommandStore(db),
    queue: new SqliteQueueStore(db, wal),
    pairings: new SqlitePairingStore(db, screens),
    media: new SqliteMediaIndex(db),
    settings: new SqliteSettingsStore(db),
    power: new SqlitePowerStore(db),
    feeds: new SqliteFeedStore(db),
    accounts: new SqliteAccountStore(db),
    sessions: new SqliteSessionStore(db, { ...SESSION_LIMITS, ...(options.sessionIdleMs === undefined ? {} : { idleMs: options.sessionIdleMs }) }),
    tokens: new SqliteApiTokenStore(db),
    audit: new SqliteAuditLog(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      await wal.close();
      await checkpointer?.stop();
      db.close();
    },
  };
}
