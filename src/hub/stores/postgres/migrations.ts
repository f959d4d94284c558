/**
 * The hub's PostgreSQL schema, versioned like SQLite's (../sqlite/sqliteDb.ts): each migration
 * runs once, in order, in its own transaction, and a later change appends one, never edits one.
 * The applied versions are rows of `antichambre_migrations`; nodes starting together take an
 * advisory lock first, so that exactly one of them migrates.
 *
 * Version 1 is the whole of SQLite's versions 1 to 4 (no PostgreSQL hub existed before). Times
 * are kept as the same ISO 8601 UTC text as in SQLite (`2026-12-01T08:00:00.000Z`, which sorts
 * as it reads), so that both engines answer byte for byte the same; every text column is
 * COLLATE "C" (bytewise, as SQLite compares and sorts: ranges of keys and times, ORDER BY id
 * alike whatever the database's locale); `end` is quoted (a keyword).
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE settings (key TEXT COLLATE "C" PRIMARY KEY, value TEXT COLLATE "C" NOT NULL);
  CREATE TABLE screens (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    site TEXT COLLATE "C" NOT NULL,
    timezone TEXT COLLATE "C" NOT NULL,
    token_hash TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    last_seen TEXT COLLATE "C",
    acked_revision TEXT COLLATE "C",
    refused_revision TEXT COLLATE "C",
    refused_error TEXT COLLATE "C",
    refused_at TEXT COLLATE "C",
    status TEXT COLLATE "C"
  );
  CREATE INDEX screens_site ON screens (site);
  CREATE TABLE playlist_versions (
    playlist_id TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    body TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (playlist_id, version)
  );
  CREATE TABLE assignments (
    playlist_id TEXT COLLATE "C" NOT NULL,
    target_kind TEXT COLLATE "C" NOT NULL CHECK (target_kind IN ('screen', 'site')),
    target_id TEXT COLLATE "C" NOT NULL,
    assigned_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (target_kind, target_id, playlist_id)
  );
  CREATE INDEX assignments_playlist ON assignments (playlist_id);
  CREATE TABLE layouts (
    target_kind TEXT COLLATE "C" NOT NULL CHECK (target_kind IN ('screen', 'site')),
    target_id TEXT COLLATE "C" NOT NULL,
    body TEXT COLLATE "C" NOT NULL,
    set_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (target_kind, target_id)
  );
  CREATE TABLE media (sha256 TEXT COLLATE "C" PRIMARY KEY, bytes BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL, stored_at TEXT COLLATE "C" NOT NULL);
  CREATE TABLE alerts (
    id TEXT COLLATE "C" PRIMARY KEY,
    target_kind TEXT COLLATE "C" NOT NULL,
    target_id TEXT COLLATE "C" NOT NULL,
    level TEXT COLLATE "C" NOT NULL,
    text TEXT COLLATE "C" NOT NULL,
    until TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    cleared_at TEXT COLLATE "C"
  );
  CREATE TABLE alert_acks (alert_id TEXT COLLATE "C" NOT NULL, screen_id TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL, at TEXT COLLATE "C" NOT NULL, PRIMARY KEY (alert_id, screen_id, kind));
  CREATE TABLE commands (
    id TEXT COLLATE "C" PRIMARY KEY,
    screen_id TEXT COLLATE "C" NOT NULL,
    type TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    acked_at TEXT COLLATE "C",
    ok BOOLEAN,
    error TEXT COLLATE "C"
  );
  CREATE TABLE screenshots (screen_id TEXT COLLATE "C" PRIMARY KEY, png BYTEA NOT NULL, taken_at TEXT COLLATE "C" NOT NULL);
  CREATE TABLE impressions (
    id TEXT COLLATE "C" PRIMARY KEY,
    screen_id TEXT COLLATE "C" NOT NULL,
    playlist_id TEXT COLLATE "C" NOT NULL,
    item_id TEXT COLLATE "C" NOT NULL,
    revision TEXT COLLATE "C" NOT NULL,
    start TEXT COLLATE "C" NOT NULL,
    "end" TEXT COLLATE "C" NOT NULL,
    duration_ms BIGINT NOT NULL,
    complete BOOLEAN NOT NULL,
    received_at TEXT COLLATE "C" NOT NULL,
    zone_id TEXT COLLATE "C" NOT NULL DEFAULT 'main',
    audience DOUBLE PRECISION
  );
  CREATE INDEX impressions_screen_start ON impressions (screen_id, start);
  CREATE INDEX impressions_start ON impressions (start, id);
  CREATE TABLE wait_estimates (
    screen_id TEXT COLLATE "C" NOT NULL,
    service TEXT COLLATE "C" NOT NULL,
    as_of TEXT COLLATE "C" NOT NULL,
    minutes DOUBLE PRECISION NOT NULL,
    low DOUBLE PRECISION NOT NULL,
    high DOUBLE PRECISION NOT NULL,
    queue_length INTEGER NOT NULL,
    open_counters INTEGER NOT NULL,
    received_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (screen_id, service, as_of)
  );
  CREATE TABLE site_tokens (site TEXT COLLATE "C" PRIMARY KEY, token_hash TEXT COLLATE "C" NOT NULL, created_at TEXT COLLATE "C" NOT NULL);
  CREATE TABLE queue_events (site TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, at TEXT COLLATE "C" NOT NULL, event TEXT COLLATE "C" NOT NULL, PRIMARY KEY (site, key));
  CREATE INDEX queue_events_at ON queue_events (site, at);
  CREATE TABLE realized_waits (
    site TEXT COLLATE "C" NOT NULL,
    ticket TEXT COLLATE "C" NOT NULL,
    service TEXT COLLATE "C" NOT NULL,
    issued_at TEXT COLLATE "C" NOT NULL,
    called_at TEXT COLLATE "C" NOT NULL,
    minutes DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (site, ticket, issued_at)
  );
  CREATE INDEX realized_waits_service ON realized_waits (service, issued_at);
  CREATE TABLE pairings (
    code TEXT COLLATE "C" PRIMARY KEY,
    secret_hash TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    screen_id TEXT COLLATE "C",
    token TEXT COLLATE "C",
    claimed_at TEXT COLLATE "C",
    delivered_at TEXT COLLATE "C"
  );
  CREATE INDEX pairings_expires ON pairings (expires_at);
  `,
  // 2 (SQLite's 5): screens asleep when the building is closed: power schedules per screen or site,
  // each screen's stated wattage, and the display states its screens reported, one row per stretch.
  `
  CREATE TABLE power_schedules (
    target_kind TEXT COLLATE "C" NOT NULL CHECK (target_kind IN ('screen', 'site')),
    target_id TEXT COLLATE "C" NOT NULL,
    body TEXT COLLATE "C" NOT NULL,
    set_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (target_kind, target_id)
  );
  ALTER TABLE screens ADD COLUMN watts DOUBLE PRECISION;
  CREATE TABLE power_log (
    screen_id TEXT COLLATE "C" NOT NULL,
    since TEXT COLLATE "C" NOT NULL,
    state TEXT COLLATE "C" NOT NULL,
    last_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (screen_id, since)
  );
  CREATE INDEX power_log_last_at ON power_log (last_at);
  `,
  // 3 (SQLite's 6): feeds a site is subscribed to, with what each has seen; each screen's size and reading distance.
  `
  ALTER TABLE screens ADD COLUMN viewing TEXT COLLATE "C";
  CREATE TABLE feeds (
    id TEXT COLLATE "C" PRIMARY KEY,
    body TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    last_poll_at TEXT COLLATE "C",
    last_ok_at TEXT COLLATE "C",
    last_error TEXT COLLATE "C",
    active INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE feed_entries (feed_id TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, value TEXT COLLATE "C" NOT NULL, first_seen TEXT COLLATE "C" NOT NULL, PRIMARY KEY (feed_id, key));
  `,
  // 4 (SQLite's 7): accounts (issue 18): users, their roles per site ('*': every site), sessions and
  // API tokens as SHA-256 hashes, and the audit log, append-only (a trigger refuses UPDATE and DELETE).
  // A PostgreSQL hub of before accounts (issue 19's) keeps its admin token as an administrator's API token.
  `
  CREATE TABLE users (
    id TEXT COLLATE "C" PRIMARY KEY,
    email TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT COLLATE "C" NOT NULL,
    password_hash TEXT COLLATE "C",
    source TEXT COLLATE "C" NOT NULL CHECK (source IN ('local', 'oidc')),
    oidc_subject TEXT COLLATE "C" UNIQUE,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT COLLATE "C" NOT NULL,
    last_sign_in TEXT COLLATE "C"
  );
  CREATE TABLE user_grants (
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    role TEXT COLLATE "C" NOT NULL CHECK (role IN ('admin', 'editor', 'operator', 'viewer')),
    site TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, role, site)
  );
  CREATE TABLE sessions (
    id_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    created_at TEXT COLLATE "C" NOT NULL,
    last_seen TEXT COLLATE "C" NOT NULL,
    address TEXT COLLATE "C"
  );
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE TABLE api_tokens (
    id TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    name TEXT COLLATE "C" NOT NULL,
    token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at TEXT COLLATE "C" NOT NULL,
    last_used_at TEXT COLLATE "C",
    revoked_at TEXT COLLATE "C"
  );
  CREATE INDEX api_tokens_user ON api_tokens (user_id);
  CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TEXT COLLATE "C" NOT NULL,
    actor TEXT COLLATE "C",
    actor_email TEXT COLLATE "C",
    address TEXT COLLATE "C",
    action TEXT COLLATE "C" NOT NULL,
    target TEXT COLLATE "C" NOT NULL,
    site TEXT COLLATE "C",
    before TEXT COLLATE "C",
    after TEXT COLLATE "C",
    detail TEXT COLLATE "C"
  );
  CREATE INDEX audit_log_at ON audit_log (at);
  CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit log: append-only'; END;
  $$;
  CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
  INSERT INTO users (id, email, name, password_hash, source, disabled, created_at)
    SELECT 'u-admin', 'admin@localhost', 'Administrateur', NULL, 'local', 0, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM settings WHERE key = 'admin_token_hash';
  INSERT INTO user_grants (user_id, role, site) SELECT 'u-admin', 'admin', '*' FROM settings WHERE key = 'admin_token_hash';
  INSERT INTO api_tokens (id, user_id, name, token_hash, created_at)
    SELECT 't-admin-token', 'u-admin', 'admin token (before accounts)', value, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM settings WHERE key = 'admin_token_hash';
  DELETE FROM settings WHERE key = 'admin_token_hash';
  `,
];
