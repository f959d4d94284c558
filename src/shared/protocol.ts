import { z } from 'zod';
import { Id, UtcTime } from './ids.js';
import { Impression } from './impression.js';
import { checkZonesOfSet, Layout } from './layout.js';
import { PlaylistSet, type Playlist } from './playlist.js';
import { PowerSchedule, PowerStatus } from './powerSchedule.js';
import { QueueEvent, WaitEstimate } from './queue.js';
import { formatIssues, formatPath, type Parsed } from './validationError.js';

/** Protocol §3 (socket.io namespace `/screens`): every payload, in one place, for player and hub. */

export const PROTOCOL_VERSION = 1;
export const SCREENS_NAMESPACE = '/screens';
/** How long the sender of an acked event waits. */
export const ACK_TIMEOUT_MS = 10_000;
/** Most impressions in one `impressions` message. */
export const MAX_IMPRESSIONS_PER_BATCH = 500;
/** Ticket events in one queue message (a ticket system's POST or a relay to screens). */
export const MAX_QUEUE_EVENTS = 5_000;
/**
 * The largest socket.io message a screen may send (the hub's `maxHttpBufferSize`): a full
 * impressions batch is at most about 450 KB (500 × ids of at most 64 characters and a revision
 * of at most 200); a screenshot is scaled down until it fits (src/shared/screenshotFit.ts).
 */
export const MAX_SOCKET_MESSAGE_BYTES = 1_500_000;
/** The longest base64 PNG a `screenshot` answer carries: a message, with room for the ack's other fields. */
export const SCREENSHOT_MAX_BASE64 = MAX_SOCKET_MESSAGE_BYTES - 10_000;
/**
 * Wait estimates a hub takes in one `wait` message (§3 sets no limit: a player back online
 * after hours sends each service's estimate of every minute). A player sends at most
 * WAIT_ESTIMATES_PER_BATCH in one, so that a hub with a lower limit still takes them.
 */
export const MAX_WAIT_ESTIMATES = 2_000;
export const WAIT_ESTIMATES_PER_BATCH = 200;
export const STATUS_INTERVAL_MS = 30_000;

/** `connect_error` messages of the hub. */
export const AUTH_ERRORS = { unauthorized: 'unauthorized', unsupportedProtocol: 'unsupported-protocol' } as const;

export const ScreenAuth = z.object({
  screenId: Id,
  token: z.string({ error: 'expected a token string' }).min(1, { error: 'expected a non-empty token' }),
  protocol: z.number({ error: 'expected the protocol number' }).int(),
  version: z.string({ error: 'expected the player version' }),
});
export type ScreenAuth = z.infer<typeof ScreenAuth>;

export const Hello = z.object({
  revision: z.string({ error: 'expected a revision string or null' }).nullable(),
  version: z.string({ error: 'expected the player version' }),
  timezone: z.string({ error: 'expected an IANA time zone' }),
  screen: z.object({ width: z.number().nonnegative(), height: z.number().nonnegative() }),
});
export type Hello = z.infer<typeof Hello>;

export const HelloAck = z.object({ ok: z.literal(true), serverTime: UtcTime });
export type HelloAck = z.infer<typeof HelloAck>;

/** The answer to every acked event; `error` is `<path>: <reason>` when a payload fails validation. */
export const Ack = z.object({ ok: z.boolean(), error: z.string().optional() });
export type Ack = z.infer<typeof Ack>;

/** `playlists` (hub -> player): the screen's complete set, with its optional layout (§6). */
export const PlaylistsMessageFields = z.object({
  // At most 200 characters, as an impression's `revision` (which names the set it played from): a longer one would make each of its impressions unwritable.
  revision: z.string({ error: 'expected a revision string' }).min(1, { error: 'expected a non-empty revision' }).max(200, { error: 'expected a revision of at most 200 characters' }),
  playlists: PlaylistSet,
  layout: Layout.optional(),
  /** Extension (optional): when the screen's display may sleep (src/shared/powerSchedule.ts); absent, always on (v1). */
  power: PowerSchedule.optional(),
});
/** Each playlist's `zone` checked against the layout; use on `PlaylistsMessageFields` and its extensions. */
export function checkSetZones(set: { playlists: Playlist[]; layout?: Layout | undefined }, ctx: z.RefinementCtx): void {
  checkZonesOfSet(set.playlists, set.layout, ctx);
}
export const PlaylistsMessage = PlaylistsMessageFields.superRefine(checkSetZones);
export type PlaylistsMessage = z.infer<typeof PlaylistsMessage>;

export const AlertLevel = z.enum(['info', 'urgent'], { error: 'expected level info or urgent' });
export const Alert = z.object({
  id: Id,
  level: AlertLevel,
  text: z.string({ error: 'expected the alert text' }).min(1, { error: 'expected a non-empty text' }).max(500, { error: 'expected at most 500 characters' }),
  until: UtcTime,
});
export type Alert = z.infer<typeof Alert>;

export const AlertClear = z.object({ id: Id });
export type AlertClear = z.infer<typeof AlertClear>;

export const QueueMessage = z.object({ events: z.array(QueueEvent).max(MAX_QUEUE_EVENTS, { error: `expected at most ${MAX_QUEUE_EVENTS} events (send more in several messages)` }) });
export type QueueMessage = z.infer<typeof QueueMessage>;

export const CommandType = z.enum(['reload', 'restart', 'clear-cache', 'identify', 'screenshot'], {
  error: 'expected reload, restart, clear-cache, identify or screenshot',
});
export type CommandType = z.infer<typeof CommandType>;
export const Command = z.object({ id: Id, type: CommandType });
export type Command = z.infer<typeof Command>;
export const CommandAck = z.object({ ok: z.boolean(), error: z.string().optional(), data: z.unknown().optional() });
export type CommandAck = z.infer<typeof CommandAck>;

export const ImpressionsMessage = z.object({
  impressions: z.array(Impression).max(MAX_IMPRESSIONS_PER_BATCH, { error: `expected at most ${MAX_IMPRESSIONS_PER_BATCH} impressions` }),
});
export type ImpressionsMessage = z.infer<typeof ImpressionsMessage>;
/** §3's ack of `impressions`. Another hub answering only `{ ok: true }` has stored the batch as well: its counts are optional to the player. */
export const ImpressionsAck = z.object({ ok: z.literal(true), stored: z.number().int().nonnegative().optional(), duplicates: z.number().int().nonnegative().optional() });
export type ImpressionsAck = z.infer<typeof ImpressionsAck>;

export const WaitMessage = z.object({ estimates: z.array(WaitEstimate).max(MAX_WAIT_ESTIMATES, { error: `expected at most ${MAX_WAIT_ESTIMATES} estimates` }) });
export type WaitMessage = z.infer<typeof WaitMessage>;

export const MAX_CACHE_ERRORS = 5;
export const MAX_CACHE_ERROR_CHARS = 500;

/** `status.cache`: what the media cache holds and how many files the set still lacks. */
export const CacheStatus = z.object({
  bytes: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  /**
   * Extension (optional): whole seconds the oldest wanted file not yet cached has been missing
   * (since the player started wanting it, this run); absent (a v1 player) or 0 when none is missing.
   */
  oldestMissingS: z.number().int().nonnegative().optional(),
  /**
   * Extension (optional): why wanted files are missing, at most 5 (say, a media host that sends
   * no Access-Control-Allow-Origin to a web player, a 404, a file whose digest differs).
   */
  errors: z.array(z.string().max(MAX_CACHE_ERROR_CHARS)).max(MAX_CACHE_ERRORS, { error: `expected at most ${MAX_CACHE_ERRORS} errors` }).optional(),
});
export type CacheStatus = z.infer<typeof CacheStatus>;

export const Playing = z.object({ playlistId: Id, itemId: Id });
export type Playing = z.infer<typeof Playing>;

/**
 * Events written before §3 named their fields (`{ at, kind, detail }`, kept in a kiosk's journal
 * and in a hub's last statuses) read as `{ id, type, at, detail }`, so an update loses none.
 */
export function legacyEvent(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || 'type' in value || !('kind' in value)) return value;
  const { kind, ...rest } = value as { kind: unknown; at?: unknown };
  return { id: `e${typeof rest.at === 'string' ? Date.parse(rest.at) : 0}`, type: kind, ...rest };
}

/**
 * Extension (§3 `status.events`, each `{ id, type, at, detail? }`): something the kiosk PC went through on its own (a renderer crash and its reload,
 * a relaunch, a GPU crash, the daily restart, an update), reported with the next `status`.
 */
export const PlayerEventFields = z.object({
  id: Id,
  type: z.string({ error: 'expected an event type' }).min(1, { error: 'expected an event type' }).max(64, { error: 'expected an event type of at most 64 characters' }),
  at: UtcTime,
  detail: z.string({ error: 'expected an event detail' }).max(500, { error: 'expected a detail of at most 500 characters' }).optional(),
});
export const PlayerEvent = z.preprocess(legacyEvent, PlayerEventFields);
export type PlayerEvent = z.infer<typeof PlayerEvent>;
/** Most events in one `status` (and most a hub keeps per screen). */
export const MAX_STATUS_EVENTS = 20;
/**
 * What the Electron main process hands the page for the next `status`: its oldest unsent
 * events, and the number to give back once they are sent (`through`), so that it forgets them.
 */
export const PendingEvents = z.object({
  events: z.array(PlayerEvent).max(MAX_STATUS_EVENTS),
  through: z.number().int().nonnegative(),
});
export type PendingEvents = z.infer<typeof PendingEvents>;

export const StatusMessage = z.object({
  at: UtcTime,
  revision: z.string().nullable(),
  playing: Playing.nullable(),
  cache: CacheStatus,
  outbox: z.number().int().nonnegative(),
  uptimeS: z.number().nonnegative(),
  version: z.string(),
  /** Extension (optional): the kiosk's events since the last status sent; a hub keeps the last ones. */
  events: z.array(PlayerEvent).max(MAX_STATUS_EVENTS, { error: `expected at most ${MAX_STATUS_EVENTS} events` }).optional(),
  /** Extension (optional): the display's power state (`on`, `off`, `black`), since when, and until when by schedule. */
  power: PowerStatus.optional(),
});
export type StatusMessage = z.infer<typeof StatusMessage>;

/** `status`'s extension fields (the ones this project adds to §3's table), each by its path. */
const STATUS_EXTENSIONS: readonly (readonly string[])[] = [['events'], ['power'], ['cache', 'oldestMissingS'], ['cache', 'errors']];

/**
 * A `status` as a hub takes it. §3's own fields must parse. An extension field that does not (a
 * peer that gives `power` another meaning, 21 events) is left out and named in `ignored`: unknown
 * fields are never fatal, and the screen's status still counts.
 */
export function parseStatus(payload: unknown): (Parsed<StatusMessage> & { ok: false }) | { ok: true; value: StatusMessage; ignored: string[] } {
  const parsed = StatusMessage.safeParse(payload);
  if (parsed.success) return { ok: true, value: parsed.data, ignored: [] };
  const inExtension = (path: readonly PropertyKey[]) => STATUS_EXTENSIONS.find((extension) => extension.every((key, i) => path[i] === key));
  const bad = new Set(parsed.error.issues.map((issue) => inExtension(issue.path)));
  if (bad.has(undefined) || typeof payload !== 'object' || payload === null) return { ok: false, error: formatIssues(parsed.error) };
  const without: Record<string, unknown> = { ...payload };
  if (typeof without.cache === 'object' && without.cache !== null) without.cache = { ...without.cache };
  for (const extension of bad) {
    const [field, inner] = extension!;
    if (inner === undefined) delete without[field!];
    else delete (without[field!] as Record<string, unknown>)[inner];
  }
  const again = StatusMessage.safeParse(without);
  if (!again.success) return { ok: false, error: formatIssues(parsed.error) };
  return { ok: true, value: again.data, ignored: parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`) };
}
