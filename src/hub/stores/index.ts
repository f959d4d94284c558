import type {
  Accuracy,
  AlertRecord,
  AlertRequest,
  ImpressionQuery,
  PairingClaim,
  PowerReport,
  PowerReportQuery,
  PushRequest,
  ScreenCreate,
  ScreenInfo,
  ScreenState,
  ScreenToken,
  StoredImpression,
  Target,
  WaitComparisonQuery,
  WaitPoint,
} from '../../shared/adminApi.js';
import type { PairingStarted, PairingState } from '../../shared/pairing.js';
import type { Grant } from '../../shared/access.js';
import type { ApiTokenInfo, AuditAction, AuditEntry, AuditQuery, UserInfo } from '../../shared/accounts.js';
import type { ScreenViewing } from '../../shared/contentLint.js';
import type { FeedCreate, FeedRecord } from '../../shared/feeds.js';
import type { Impression } from '../../shared/impression.js';
import type { PowerSchedule, PowerStatus } from '../../shared/powerSchedule.js';
import type { Alert, CommandAck, CommandType, PlaylistsMessage, StatusMessage } from '../../shared/protocol.js';
import type { QueueEvent, WaitEstimate } from '../../shared/queue.js';
import type { OtherTargetChanged } from './playlistSets.js';
import { isPostgresUrl, shownUrl } from '../dataPaths.js';
import { openSqliteStores } from './sqlite/index.js';
import { migrateSqlite, openSqliteDb } from './sqlite/sqliteDb.js';

/**
 * The hub's storage, behind one set of interfaces with Promise-shaped results, built in one
 * place (`openStores`) from the database location: a file path or `:memory:` is SQLite (the
 * embedded default), `postgres://…` is PostgreSQL. Every caller awaits, whatever the engine.
 *
 * Writes that are acked to a screen or a ticket system (impressions, queue events) resolve only
 * once durable: on SQLite after the commit and the grouped fsync of the WAL (walSync.ts).
 */

/** A screen as stored: its state without what the running hub adds (online, the revision its assignments give it). */
export type StoredScreen = Omit<ScreenState, 'online' | 'revision'>;

/** Screens and their sites, tokens (hashes only), last-seen, last status and acked revisions. */
export interface ScreenStore {
  add(screen: ScreenCreate): Promise<ScreenToken>;
  /** A new token; the old one stops working at once. */
  rotateToken(id: string): Promise<ScreenToken>;
  get(id: string): Promise<ScreenInfo | null>;
  /** The screen, if the token is its own. */
  verify(id: string, token: string): Promise<ScreenInfo | null>;
  all(): Promise<ScreenInfo[]>;
  /** Every screen with what it last reported, by site then id. */
  list(): Promise<StoredScreen[]>;
  idsOf(target: Target): Promise<string[]>;
  /** The screens a push or an alert goes to: a screen must exist (404 naming it); a site may have none yet. */
  targetIds(target: Target): Promise<string[]>;
  seen(id: string, at: number): Promise<void>;
  /** The last status, with the kiosk's events of this one added to those kept from before. */
  recordStatus(id: string, status: StatusMessage, at: number): Promise<void>;
  recordAck(id: string, revision: string): Promise<void>;
  recordRefusal(id: string, revision: string, error: string, at: number): Promise<void>;
  /**
   * The revision the screen last answered a push of: the one it refused, else the one it acked
   * (null: neither). A set it has answered is not sent again at each status (a refused one would
   * be sent every 30 s, each time refused); its hello and the next push from an admin still send it.
   */
  answeredRevision(id: string): Promise<string | null>;
  /** Its size and reading distance for the content lint (null: unset); 404 for an unknown screen. */
  setViewing(id: string, viewing: ScreenViewing | null): Promise<ScreenViewing | null>;
}

/** Playlists with their history, their assignments to screens and sites, and layouts (protocol §6). */
export interface PlaylistStore {
  /** A push, all or nothing (400 with the path if it would give a screen a set it cannot play); answers the screens whose set may have changed. */
  push(push: PushRequest): Promise<{ versions: { id: string; version: number }[]; screens: string[] }>;
  history(id: string): Promise<{ version: number; createdAt: string }[]>;
  /** The screens and sites, besides the push's target, whose set the push would change (a playlist it changes is assigned there too): what its caller must also be allowed to push to. */
  otherTargetsChanged(push: PushRequest): Promise<OtherTargetChanged[]>;
  /** The screen's set, or null when nothing is assigned to it (it then keeps what it plays). */
  setFor(screen: ScreenInfo): Promise<PlaylistsMessage | null>;
  /** The revision of the screen's set (setFor's), without parsing the set: what each status is compared with. */
  revisionFor(screen: ScreenInfo): Promise<string | null>;
  /** The target's own power schedule, sent with its screens' sets (null: none; its screens follow their site's, or stay on). */
  setPower(target: Target, power: PowerSchedule | null): Promise<void>;
  /** The sets of many screens at once (a push to a site), by screen id; each as setFor answers it. */
  setsFor(screens: readonly ScreenInfo[]): Promise<Map<string, PlaylistsMessage | null>>;
}

/** Proof of play, stored once per id (the idempotency key). */
export interface ImpressionStore {
  /** Stores the batch at once; resolves once it is durable (what is acked survives a power cut); a repeated id is counted in `duplicates`. */
  insert(impressions: Impression[], at: number): Promise<{ stored: number; duplicates: number }>;
  query(query: ImpressionQuery): Promise<StoredImpression[]>;
  count(): Promise<number>;
}

/** Wait estimates reported by screens (the first for a service and instant is kept). */
export interface WaitStore {
  insert(screenId: string, estimates: WaitEstimate[], at: number): Promise<void>;
  ofScreen(screenId: string): Promise<WaitEstimate[]>;
}

/** Alerts to a screen or a site, until their `until` or a clear, with each screen's acks. */
export interface AlertStore {
  /** Sending an alert again with the same id replaces it (new text, new until) and revives it. */
  create(request: AlertRequest, at: number): Promise<AlertRecord>;
  clear(id: string, at: number): Promise<AlertRecord>;
  get(id: string): Promise<AlertRecord | null>;
  list(): Promise<AlertRecord[]>;
  /** Alerts a screen must show now. */
  activeFor(screen: { id: string; site: string }, now: number): Promise<Alert[]>;
  /** Ids of the alerts to this screen cleared before their `until` whose clear it has not acked (it was offline then): cleared at its next hello. Not those cleared before the screen was added (it never had them). */
  clearedFor(screen: { id: string; site: string }, now: number): Promise<string[]>;
  recordAck(alertId: string, screenId: string, kind: 'shown' | 'cleared', at: number): Promise<void>;
}

/** Every command sent to a screen and its ack, and each screen's last screenshot. */
export interface CommandStore {
  create(screenId: string, type: CommandType, at: number): Promise<string>;
  recordAck(id: string, ack: CommandAck, at: number): Promise<void>;
  recordScreenshot(screenId: string, png: Buffer, at: number): Promise<void>;
  lastScreenshot(screenId: string): Promise<{ png: Buffer; takenAt: string } | null>;
}

/** Ticket events of each site (kept once each), the sites' tokens, and the realized waits. */
export interface QueueStore {
  newSiteToken(site: string): Promise<string>;
  /** Rejects with a 401 HubError unless the token is the site's. */
  verifySite(site: string, token: string): Promise<void>;
  /** Stores new events (repeats ignored) and the waits they complete; resolves once durable, with the new ones. */
  store(site: string, events: QueueEvent[]): Promise<QueueEvent[]>;
  recent(site: string, now: number): Promise<QueueEvent[]>;
  accuracy(site: string): Promise<Accuracy[]>;
  waitComparison(site: string, query: WaitComparisonQuery): Promise<WaitPoint[]>;
}

/** Pairing codes: a new player's code, claimed by an admin as a new screen, its token delivered once. */
export interface PairingStore {
  /** Deletes expired codes (with any undelivered screen token they held); answers how many. */
  prune(now: number): Promise<number>;
  start(now: number): Promise<PairingStarted>;
  /** Waiting, or (once) the screen it became; a code unknown, expired, already used, or whose screen is gone: 404 (§3 names no other refusal). */
  poll(code: string, secret: string, now: number): Promise<PairingState>;
  claim(code: string, claim: PairingClaim, now: number): Promise<ScreenInfo>;
}

/** The media files' index (size and type by content address); the bytes are files (mediaFiles.ts). */
export interface MediaIndex {
  info(sha256: string): Promise<{ bytes: number; type: string } | null>;
  record(sha256: string, bytes: number, type: string, at: number): Promise<void>;
}

export interface FeedEntry {
  key: string;
  value: string;
  firstSeen: string;
}

/**
 * The feeds a hub polls (src/hub/feeds/), their last poll's outcome, and what each has already
 * seen (the CAP messages applied and the links fetched, the news entries with when they were
 * first seen), so that a poll is idempotent: a message seen again does nothing, across polls and
 * restarts.
 */
export interface FeedStore {
  add(feed: FeedCreate, at: number): Promise<FeedRecord>;
  list(): Promise<FeedRecord[]>;
  get(id: string): Promise<FeedRecord | null>;
  /** Removes the feed and what it has seen; false when there was none. */
  remove(id: string): Promise<boolean>;
  recordPoll(id: string, at: number, error: string | null, active: number): Promise<void>;
  /**
   * Takes a timed poll of the feed (the nodes of a cluster share the feeds): true, with its
   * `lastPollAt` set to `at`, unless a poll began at or after `notBefore` (another node's, or a
   * poll asked for); one statement, so that of nodes asking at once exactly one gets it.
   */
  claimPoll(id: string, at: number, notBefore: number): Promise<boolean>;
  entries(feedId: string, prefix: string): Promise<FeedEntry[]>;
  entry(feedId: string, key: string): Promise<FeedEntry | null>;
  /** Inserts or replaces the entry's value, keeping when it was first seen. */
  putEntry(feedId: string, key: string, value: string, at: number): Promise<void>;
  deleteEntries(feedId: string, keys: string[]): Promise<void>;
}

/**
 * Screens asleep when the building is closed: each screen's stated wattage, the display states
 * its screens report (`status.power`) kept as stretches (one per `since`, extended by each status
 * that still says so), and the report of hours on, off and black with the energy saved.
 */
export interface PowerStore {
  setWatts(screenId: string, watts: number | null): Promise<void>;
  /** A status's display state, as of the screen's `at`; `receivedAt` bounds a screen clock set ahead. */
  record(screenId: string, power: PowerStatus, at: string, receivedAt: number): Promise<void>;
  report(query: PowerReportQuery): Promise<PowerReport>;
}

/** The hub's own settings (key and value). */
export interface SettingsStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /**
   * A job only one node of a cluster does (the notifications): takes the lease `name` for
   * `holder` until `now + ttlMs` if it is free, expired or already `holder`'s (renewed), atomically
   * whatever the other nodes do at once; answers whether `holder` holds it now.
   */
  claimLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
}

/** Accounts (issue 18): users and their roles per site; passwords arrive already hashed (passwords.ts). */
export interface NewUser {
  email: string;
  name: string;
  /** An argon2id PHC string, or null (signs in through single sign-on only, or not until a reset). */
  passwordHash: string | null;
  grants: Grant[];
  source: 'local' | 'oidc';
  oidcSubject?: string;
}

export interface AccountStore {
  add(user: NewUser, now: number): Promise<UserInfo>;
  get(id: string): Promise<UserInfo | null>;
  byEmail(email: string): Promise<UserInfo | null>;
  byOidcSubject(subject: string): Promise<UserInfo | null>;
  /** The stored hash to verify a password against (null: no such user, or no password). */
  passwordHashOf(id: string): Promise<string | null>;
  list(): Promise<UserInfo[]>;
  count(): Promise<number>;
  /** Changes what is given; answers the user before and after. */
  update(id: string, patch: { name?: string; disabled?: boolean; grants?: Grant[]; passwordHash?: string; oidcSubject?: string }): Promise<{ before: UserInfo; after: UserInfo }>;
  signedIn(id: string, now: number): Promise<void>;
  /** The first enabled administrator on every site (the one an admin token from the environment belongs to). */
  firstAdmin(): Promise<UserInfo | null>;
}

export interface SessionRecord {
  userId: string;
  createdAt: string;
  lastSeen: string;
}

export interface SessionLimits {
  idleMs: number;
  maxAgeMs: number;
}

export interface SessionStore {
  /** A new session; answers the cookie's value (shown only now). */
  create(userId: string, address: string | null, now: number): Promise<string>;
  /** The live session of this cookie value, its last request moved to now; null (and deleted) when it has ended. */
  touch(token: string, now: number): Promise<SessionRecord | null>;
  end(token: string): Promise<void>;
  /** Sign-out everywhere: every session of the user; answers how many. */
  endAllOf(userId: string, except?: string): Promise<number>;
  /** Deletes ended sessions; answers how many. */
  prune(now: number): Promise<number>;
}

/** 30 minutes idle (what ANSSI recommends for an admin console), 12 hours at most (a working day). */
export const SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxAgeMs: 12 * 3_600_000 };

export interface ApiTokenStore {
  /** A new token for the user; the token itself is answered only now. */
  create(userId: string, name: string, now: number): Promise<{ token: string; info: ApiTokenInfo }>;
  /** Keeps a token given from elsewhere (ANTICHAMBRE_ADMIN_TOKEN) as the user's, unless it is already known (revoked ones stay revoked). */
  adopt(userId: string, token: string, name: string, now: number): Promise<ApiTokenInfo>;
  /** The token's owner, for a token not revoked; its last use moved to now (at most once a minute). */
  verify(token: string, now: number): Promise<{ userId: string; tokenId: string } | null>;
  list(userId?: string): Promise<ApiTokenInfo[]>;
  get(id: string): Promise<ApiTokenInfo | null>;
  revoke(id: string, now: number): Promise<ApiTokenInfo>;
}

export interface AuditRecord {
  actor: { id: string; email: string } | null;
  address: string | null;
  action: AuditAction;
  target: string;
  site?: string | null;
  before?: string | null;
  after?: string | null;
  detail?: string | null;
}

export interface AuditLog {
  append(record: AuditRecord, now: number): Promise<void>;
  query(query: AuditQuery): Promise<AuditEntry[]>;
}

export interface HubStores {
  /** What the hub stores into, for its messages: `SQLite /var/lib/antichambre/hub.db`. */
  readonly description: string;
  screens: ScreenStore;
  playlists: PlaylistStore;
  impressions: ImpressionStore;
  waits: WaitStore;
  alerts: AlertStore;
  commands: CommandStore;
  queue: QueueStore;
  pairings: PairingStore;
  media: MediaIndex;
  settings: SettingsStore;
  accounts: AccountStore;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  audit: AuditLog;
  power: PowerStore;
  feeds: FeedStore;
  /** Resolves when the database answers (readiness); rejects with why not. */
  ping(): Promise<void>;
  /** Waits for what is under way, then closes the database. */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** SQLite only: caps the database file (`max_page_count`); past it, writes fail as on a full disk. */
  maxBytes?: number;
  /** A dashboard session ends after this long without a request (default SESSION_LIMITS: 30 minutes). */
  sessionIdleMs?: number;
  /** PostgreSQL only: connections this node keeps open (default 10). */
  poolSize?: number;
}

/** Opens the stores at `location` (an absolute SQLite path, `:memory:`, or `postgres://…`), migrating the schema first. */
export async function openStores(location: string, options: StoreOptions = {}): Promise<HubStores> {
  if (isPostgresUrl(location)) {
    // PostgreSQL's client is loaded only by a hub that uses it: the SQLite default starts without it.
    const { openPostgresStores } = await import('./postgres/index.js');
    return openPostgresStores(location, { ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }), ...(options.sessionIdleMs === undefined ? {} : { sessionIdleMs: options.sessionIdleMs }) });
  }
  return openSqliteStores(location, options);
}

/** `antichambre-hub migrate`: brings the database's schema up to this version of the hub (what `serve` also does as it starts); answers the versions before and after. */
export async function migrateDatabase(location: string): Promise<{ description: string; from: number; to: number }> {
  if (isPostgresUrl(location)) {
    const { migratePostgres, openPgPool } = await import('./postgres/pgDb.js');
    const pool = openPgPool(location, { max: 1 });
    try {
      return { description: `PostgreSQL ${shownUrl(location)}`, ...(await migratePostgres(pool)) };
    } finally {
      await pool.end();
    }
  }
  const db = openSqliteDb(location, { migrate: false });
  try {
    return { description: `SQLite ${location}`, ...migrateSqlite(db) };
  } finally {
    db.close();
  }
}
