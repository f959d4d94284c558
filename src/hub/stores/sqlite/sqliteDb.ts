import Database from 'better-sqlite3';

/**
 * The hub's one SQLite file (WAL). Migrations run on open, in order, each once, in a
 * transaction (`user_version` counts them); a later change appends one, never edits one, and
 * appends its PostgreSQL twin to ../postgres/migrations.ts.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE screens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    site TEXT NOT NULL,
    timezone TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT,
    acked_revision TEXT,
    refused_revision TEXT,
    refused_error TEXT,
    refused_at TEXT,
    status TEXT
  );
  CREATE INDEX screens_site ON screens (site);
  CREATE TABLE playlist_versions (
    playlist_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (playlist_id, version)
  );
  CREATE TABLE assignments (
    playlist_id TEXT NOT NULL,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('screen', 'site')),
    target_id TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (target_kind, target_id, playlist_id)
  );
  CREATE TABLE media (sha256 TEXT PRIMARY KEY, bytes INTEGER NOT NULL, type TEXT NOT NULL, stored_at TEXT NOT NULL);
  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    level TEXT NOT NULL,
    text TEXT NOT NULL,
    until TEXT NOT NULL,
    created_at TEXT NOT NULL,
    cleared_at TEXT
  );
  CREATE TABLE alert_acks (alert_id TEXT NOT NULL, screen_id TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (alert_id, screen_id, kind));
  CREATE TABLE commands (
    id TEXT PRIMARY KEY,
    screen_id TEXT NOT NULL,
    type TEXT NOT NULL,
    created_at TEXT NOT NULL,
    acked_at TEXT,
    ok INTEGER,
    error TEXT
  );
  CREATE TABLE impressions (
    id TEXT PRIMARY KEY,
    screen_id TEXT NOT NULL,
    playlist_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    revision TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    complete INTEGER NOT NULL,
    received_at TEXT NOT NULL
  );
  CREATE INDEX impressions_screen_start ON impressions (screen_id, start);
  CREATE TABLE wait_estimates (
    screen_id TEXT NOT NULL,
    service TEXT NOT NULL,
    as_of TEXT NOT NULL,
    minutes REAL NOT NULL,
    low REAL NOT NULL,
    high REAL NOT NULL,
    queue_length INTEGER NOT NULL,
    open_counters INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (screen_id, service, as_of)
  );
  `,
  // 2: ticket systems post their events per site (with a site token); realized waits kept beside the estimates.
  `
  CREATE TABLE site_tokens (site TEXT PRIMARY KEY, token_hash TEXT NOT NULL, created_at TEXT NOT NULL);
  CREATE TABLE queue_events (site TEXT NOT NULL, key TEXT NOT NULL, at TEXT NOT NULL, event TEXT NOT NULL, PRIMARY KEY (site, key));
  CREATE INDEX queue_events_at ON queue_events (site, at);
  CREATE TABLE realized_waits (
    site TEXT NOT NULL,
    ticket TEXT NOT NULL,
    service TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    called_at TEXT NOT NULL,
    minutes REAL NOT NULL,
    PRIMARY KEY (site, ticket, issued_at)
  );
  CREATE INDEX realized_waits_service ON realized_waits (service, issued_at);
  `,
  // 3: pairing codes shown by new players, claimed from the dashboard (the screen's token is kept
  // only between the claim and the player's next poll, then erased); each screen's last screenshot.
  `
  CREATE TABLE pairings (
    code TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    screen_id TEXT,
    token TEXT,
    claimed_at TEXT,
    delivered_at TEXT
  );
  CREATE INDEX pairings_expires ON pairings (expires_at);
  CREATE TABLE screenshots (screen_id TEXT PRIMARY KEY, png BLOB NOT NULL, taken_at TEXT NOT NULL);
  `,
  // 4: layouts (protocol §6), one per screen or site (a screen's own wins over its site's); each
  // impression's zone (default main, as v1 players send none) and audience (null without queue data).
  `
  CREATE TABLE layouts (
    target_kind TEXT NOT NULL CHECK (target_kind IN ('screen', 'site')),
    target_id TEXT NOT NULL,
    body TEXT NOT NULL,
    set_at TEXT NOT NULL,
    PRIMARY KEY (target_kind, target_id)
  );
  ALTER TABLE impressions ADD COLUMN zone_id TEXT NOT NULL DEFAULT 'main';
  ALTER TABLE impressions ADD COLUMN audience REAL;
  `,
  // 5: screens asleep when the building is closed: power schedules per screen or site (a screen's
  // own wins), each screen's stated wattage, and the display states its screens reported, one row per stretch.
  `
  CREATE TABLE power_schedules (
    target_kind TEXT NOT NULL CHECK (target_kind IN ('screen', 'site')),
    target_id TEXT NOT NULL,
    body TEXT NOT NULL,
    set_at TEXT NOT NULL,
    PRIMARY KEY (target_kind, target_id)
  );
  ALTER TABLE screens ADD COLUMN watts REAL;
  CREATE TABLE power_log (screen_id TEXT NOT NULL, since TEXT NOT NULL, state TEXT NOT NULL, last_at TEXT NOT NULL, PRIMARY KEY (screen_id, since));
  CREATE INDEX power_log_last_at ON power_log (last_at);
  `,
  // 6: feeds a site is subscribed to (CAP alerts, news for a ticker), with what each has seen (idempotent polls);
  // each screen's size and reading distance (JSON ScreenViewing), for the content lint.
  `
  ALTER TABLE screens ADD COLUMN viewing TEXT;
  CREATE TABLE feeds (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_poll_at TEXT,
    last_ok_at TEXT,
    last_error TEXT,
    active INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE feed_entries (feed_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, first_seen TEXT NOT NULL, PRIMARY KEY (feed_id, key));
  `,
  // 7: accounts (issue 18): users with argon2id password hashes (null: single sign-on only) and
  // their roles per site ('*': every site); dashboard sessions and API tokens kept as SHA-256
  // hashes; the audit log, append-only (triggers refuse UPDATE and DELETE). A hub that had an
  // admin token gets an administrator (admin@localhost, no password yet) whose API token it becomes.
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    source TEXT NOT NULL CHECK (source IN ('local', 'oidc')),
    oidc_subject TEXT UNIQUE,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    last_sign_in TEXT
  );
  CREATE TABLE user_grants (
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'operator', 'viewer')),
    site TEXT NOT NULL,
    PRIMARY KEY (user_id, role, site)
  );
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    address TEXT
  );
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
  );
  CREATE INDEX api_tokens_user ON api_tokens (user_id);
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT,
    actor_email TEXT,
    address TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    site TEXT,
    before TEXT,
    after TEXT,
    detail TEXT
  );
  CREATE INDEX audit_log_at ON audit_log (at);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log: append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log: append-only'); END;
  INSERT INTO users (id, email, name, password_hash, source, disabled, created_at)
    SELECT 'u-admin', 'admin@localhost', 'Administrateur', NULL, 'local', 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM settings WHERE key = 'admin_token_hash';
  INSERT INTO user_grants (user_id, role, site) SELECT 'u-admin', 'admin', '*' FROM settings WHERE key = 'admin_token_hash';
  INSERT INTO api_tokens (id, user_id, name, token_hash, created_at)
    SELECT 't-admin-token', 'u-admin', 'admin token (before accounts)', value, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM settings WHERE key = 'admin_token_hash';
  DELETE FROM settings WHERE key = 'admin_token_hash';
  `,
];

export type SqliteDb = Database.Database;

/** Opens (creates) the file in WAL mode and migrates it, unless `migrate: false`. */
export function openSqliteDb(path: string, options: { maxBytes?: number; migrate?: boolean } = {}): SqliteDb {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL: a commit writes the WAL without waiting for the disk; what is acked waits for WalSync's
  // grouped fsync (walSync.ts), so an ack survives a power cut without an fsync per transaction.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Impression ids are random UUIDs: their index is written all over; keep it in memory (64 MB).
  db.pragma('cache_size = -65536');
  // Checkpoints run in a worker (walCheckpointer.ts); this is only the safety net (about 200 MB of WAL).
  db.pragma('wal_autocheckpoint = 50000');
  if (options.maxBytes !== undefined) {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxBytes / pageSize))}`);
  }
  if (options.migrate !== false) migrateSqlite(db);
  return db;
}

/** Applies the migrations this file lacks; answers the versions before and after. */
export function migrateSqlite(db: SqliteDb): { from: number; to: number } {
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let version = applied; version < SQLITE_MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return { from: applied, to: Math.max(applied, SQLITE_MIGRATIONS.length) };
}
