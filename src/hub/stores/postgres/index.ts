import { toUtcTime } from '../../../shared/ids.js';
import { SESSION_LIMITS, type HubStores, type MediaIndex, type SettingsStore } from '../index.js';
import { PgAccountStore } from './accounts.js';
import { PgAlertStore } from './alerts.js';
import { PgApiTokenStore } from './apiTokens.js';
import { PgAuditLog } from './audit.js';
import { PgCommandStore } from './commands.js';
import { PgFeedStore } from './feeds.js';
import { PgImpressionStore } from './impressions.js';
import { PgPairingStore } from './pairings.js';
import { migratePostgres, openPgPool, type PgPool } from './pgDb.js';
import { PgPlaylistStore } from './playlists.js';
import { PgPowerStore } from './power.js';
import { PgQueueStore } from './queue.js';
import { PgScreenStore } from './screens.js';
import { PgSessionStore } from './sessions.js';
import { PgWaitStore } from './waits.js';
import { shownUrl } from '../../dataPaths.js';

/** The PostgreSQL engine: one pool per node on a database every node shares; migrated on open. */

class PgMediaIndex implements MediaIndex {
  constructor(private readonly pool: PgPool) {}

  async info(sha256: string): Promise<{ bytes: number; type: string } | null> {
    return (await this.pool.query<{ bytes: number; type: string }>('SELECT bytes, type FROM media WHERE sha256 = $1', [sha256.toLowerCase()])).rows[0] ?? null;
  }

  async record(sha256: string, bytes: number, type: string, at: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO media (sha256, bytes, type, stored_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO UPDATE SET bytes = excluded.bytes, type = excluded.type, stored_at = excluded.stored_at',
      [sha256, bytes, type, toUtcTime(at)],
    );
  }
}

class PgSettingsStore implements SettingsStore {
  constructor(private readonly pool: PgPool) {}

  async get(key: string): Promise<string | null> {
    return (await this.pool.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key])).rows[0]?.value ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  async claimLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    // The lease is `<holder>|<until>` (ISO time, which sorts as it reads); the row is locked by the upsert, so nodes claiming at once take turns.
    const taken = await this.pool.query(
      `INSERT INTO settings (key, value) VALUES ($1, $2 || '|' || $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value
        WHERE split_part(settings.value, '|', 1) = $2 OR split_part(settings.value, '|', 2) <= $4
        RETURNING key`,
      ['lease:' + name, holder, toUtcTime(now + ttlMs), toUtcTime(now)],
    );
    return (taken.rowCount ?? 0) > 0;
  }
}

export async function openPostgresStores(url: string, options: { poolSize?: number; sessionIdleMs?: number } = {}): Promise<HubStores> {
  const pool = openPgPool(url, options.poolSize === undefined ? {} : { max: options.poolSize });
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(`PostgreSQL ${shownUrl(url)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Screens' last-seen, statuses and acks: said again by the next message, committed without waiting for the WAL flush;
  // with each status, its set's revision is read there too (the impressions keep `pool` to themselves and the API).
  const lossy = openPgPool(url, { max: 4, lossy: true });
  const screens = new PgScreenStore(pool, lossy);
  return {
    description: `PostgreSQL ${shownUrl(url)}`,
    screens,
    playlists: new PgPlaylistStore(pool, lossy),
    impressions: new PgImpressionStore(pool),
    waits: new PgWaitStore(pool),
    alerts: new PgAlertStore(pool),
    commands: new PgCommandStore(pool),
    queue: new PgQueueStore(pool),
    pairings: new PgPairingStore(pool, screens),
    media: new PgMediaIndex(pool),
    settings: new PgSettingsStore(pool),
    power: new PgPowerStore(pool),
    feeds: new PgFeedStore(pool),
    accounts: new PgAccountStore(pool),
    sessions: new PgSessionStore(pool, { ...SESSION_LIMITS, ...(options.sessionIdleMs === undefined ? {} : { idleMs: options.sessionIdleMs }) }),
    tokens: new PgApiTokenStore(pool),
    audit: new PgAuditLog(pool),
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await Promise.all([pool.end(), lossy.end()]);
    },
  };
}
