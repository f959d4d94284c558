import type { ApiTokenInfo, AuditAction, AuditEntry } from '../../shared/accounts.js';
import type { AlertRecord, ScreenInfo, StoredImpression } from '../../shared/adminApi.js';
import { FeedCreate, FeedRecord } from '../../shared/feeds.js';
import type { Alert } from '../../shared/protocol.js';
import type { StoredScreen } from './index.js';
import { parsedStatus, parsedViewing } from './screenEvents.js';

/**
 * Rows as both engines hold them (the same columns in SQLite and PostgreSQL, see their
 * migrations) and what the stores' callers get from them: one reading of each table, whichever
 * engine the hub runs on.
 */

export interface ScreenRow {
  id: string;
  name: string;
  site: string;
  timezone: string;
  token_hash: string;
  last_seen: string | null;
  acked_revision: string | null;
  refused_revision: string | null;
  refused_error: string | null;
  refused_at: string | null;
  status: string | null;
  watts: number | null;
  viewing: string | null;
}

export function screenInfo(row: ScreenRow): ScreenInfo {
  return { id: row.id, name: row.name, site: row.site, timezone: row.timezone };
}

/** A screen as the admin API lists it: what it last said, the set it acked or refused last, what it is watched by. */
export function storedScreen(row: ScreenRow): StoredScreen {
  return {
    ...screenInfo(row),
    lastSeen: row.last_seen,
    ackedRevision: row.acked_revision,
    refused: row.refused_revision && row.refused_error && row.refused_at ? { revision: row.refused_revision, error: row.refused_error, at: row.refused_at } : null,
    status: parsedStatus(row.status),
    watts: row.watts,
    viewing: parsedViewing(row.viewing),
  };
}

export interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function tokenInfo(row: TokenRow): ApiTokenInfo {
  return { id: row.id, userId: row.user_id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at };
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string | null;
  actor_email: string | null;
  address: string | null;
  action: AuditAction;
  target: string;
  site: string | null;
  before: string | null;
  after: string | null;
  detail: string | null;
}

export function auditEntry(row: AuditRow): AuditEntry {
  return { id: row.id, at: row.at, actor: row.actor, actorEmail: row.actor_email, address: row.address, action: row.action, target: row.target, site: row.site, before: row.before, after: row.after, detail: row.detail };
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  source: 'local' | 'oidc';
  disabled: number;
  created_at: string;
  last_sign_in: string | null;
}

export interface ImpressionRow {
  id: string;
  screen_id: string;
  playlist_id: string;
  item_id: string;
  revision: string;
  start: string;
  end: string;
  duration_ms: number;
  /** SQLite keeps a boolean as 0 or 1, PostgreSQL as a boolean. */
  complete: number | boolean;
  received_at: string;
  zone_id: string;
  audience: number | null;
}

export function storedImpression(row: ImpressionRow): StoredImpression {
  return {
    id: row.id,
    screenId: row.screen_id,
    playlistId: row.playlist_id,
    itemId: row.item_id,
    revision: row.revision,
    start: row.start,
    end: row.end,
    durationMs: row.duration_ms,
    complete: row.complete === true || row.complete === 1,
    receivedAt: row.received_at,
    zoneId: row.zone_id,
    audience: row.audience,
  };
}

export interface AlertRow {
  id: string;
  target_kind: 'screen' | 'site';
  target_id: string;
  level: Alert['level'];
  text: string;
  until: string;
  created_at: string;
  cleared_at: string | null;
}

/** An alert as the admin API shows it, with the screens that acked showing it (`acks`, oldest first). */
export function alertRecord(row: AlertRow, acks: AlertRecord['acks']): AlertRecord {
  return {
    id: row.id,
    level: row.level,
    text: row.text,
    until: row.until,
    target: row.target_kind === 'screen' ? { screen: row.target_id } : { site: row.target_id },
    createdAt: row.created_at,
    clearedAt: row.cleared_at,
    acks,
  };
}

export interface FeedRow {
  id: string;
  body: string;
  created_at: string;
  last_poll_at: string | null;
  last_ok_at: string | null;
  last_error: string | null;
  active: number;
}

/** A feed as the admin API shows it: what it was created with (kept as JSON), and how its polls went. */
export function feedRecord(row: FeedRow): FeedRecord {
  const feed = FeedCreate.parse(JSON.parse(row.body));
  return FeedRecord.parse({
    ...feed,
    createdAt: row.created_at,
    state: { lastPollAt: row.last_poll_at, lastOkAt: row.last_ok_at, lastError: row.last_error, active: row.active },
  });
}

export interface PairingRow {
  code: string;
  secret_hash: string;
  expires_at: string;
  screen_id: string | null;
  token: string | null;
  claimed_at: string | null;
  delivered_at: string | null;
}

export interface SessionRow {
  user_id: string;
  created_at: string;
  last_seen: string;
}
