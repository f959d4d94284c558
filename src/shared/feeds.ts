import { z } from 'zod';
import { Id, toUtcTime, UtcTime } from './ids.js';
import type { Alert } from './protocol.js';
import type { TextItem } from './playlist.js';

/**
 * Feeds a hub subscribes a site to (issue 20): CAP 1.2 alert feeds (a civil-protection or weather
 * service's ATOM or RSS of CAP messages, or one CAP document) turned into `info`/`urgent` alerts,
 * and news feeds (RSS 2.0 or Atom, the town's website) turned into the text items of a ticker
 * zone's playlist. The shapes of the admin API and the pure decisions; the fetching and XML
 * reading are the hub's (src/hub/feeds/).
 */

// --- CAP 1.2 (OASIS Common Alerting Protocol 1.2, 2010), the fields used ---

export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const CapSeverity = z.enum(CAP_SEVERITIES, { error: `expected a CAP severity: ${CAP_SEVERITIES.join(', ')}` });
export type CapSeverity = z.infer<typeof CapSeverity>;
export const CapUrgency = z.enum(CAP_URGENCIES, { error: `expected a CAP urgency: ${CAP_URGENCIES.join(', ')}` });
export type CapUrgency = z.infer<typeof CapUrgency>;

export const CapInfo = z.object({
  language: z.string().default('en-US'),
  event: z.string(),
  urgency: CapUrgency,
  severity: CapSeverity,
  headline: z.string().optional(),
  description: z.string().optional(),
  instruction: z.string().optional(),
  effective: UtcTime.optional(),
  expires: UtcTime.optional(),
  areas: z.array(z.string()).default([]),
});
export type CapInfo = z.infer<typeof CapInfo>;

/** A message another one updates or cancels: `sender,identifier,sent` in CAP's `references`. */
export const CapReference = z.object({ sender: z.string(), identifier: z.string(), sent: z.string() });
export type CapReference = z.infer<typeof CapReference>;

export const CapMessage = z.object({
  identifier: z.string().min(1),
  sender: z.string().min(1),
  sent: UtcTime,
  status: z.enum(['Actual', 'Exercise', 'System', 'Test', 'Draft']),
  msgType: z.enum(['Alert', 'Update', 'Cancel', 'Ack', 'Error']),
  scope: z.string().optional(),
  references: z.array(CapReference).default([]),
  infos: z.array(CapInfo).default([]),
});
export type CapMessage = z.infer<typeof CapMessage>;

/** How a CAP message's severity and urgency become an alert level (per feed; these defaults). */
export const CapLevels = z.object({
  /** Severities at or above it are shown; below it, ignored (default Minor: everything but Unknown). */
  minSeverity: CapSeverity.default('Minor'),
  /** `urgent` (the whole screen) when the severity is one of these and the urgency one of those; else `info` (a band). */
  urgentSeverities: z.array(CapSeverity).max(5).default(['Extreme', 'Severe']),
  urgentUrgencies: z.array(CapUrgency).max(5).default(['Immediate', 'Expected']),
  /** A message without `expires` is shown this long after it was sent. */
  defaultHours: z.number().positive().max(168).default(12),
  /** The language preferred among a message's infos (BCP 47 prefix; default fr, then en, then the first). */
  language: z.string().regex(/^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$/, { error: 'expected a language tag like fr' }).default('fr'),
});
export type CapLevels = z.infer<typeof CapLevels>;

/** A message's key among every message a feed sent: its sender and identifier (CAP 1.2 §3.2.1). */
export function capKey(ref: { sender: string; identifier: string }): string {
  return `${ref.sender} ${ref.identifier}`;
}

function severityRank(severity: CapSeverity): number {
  return ['Unknown', 'Minor', 'Moderate', 'Severe', 'Extreme'].indexOf(severity);
}

/** The info to show: in the preferred language, else English, else the first. */
export function chosenInfo(message: CapMessage, language: string): CapInfo | undefined {
  const lang = (info: CapInfo) => info.language.toLowerCase();
  return (
    message.infos.find((info) => lang(info).startsWith(language.toLowerCase())) ??
    message.infos.find((info) => lang(info).startsWith('en')) ??
    message.infos[0]
  );
}

export const ALERT_TEXT_MAX = 500;

/** What the hub does with one CAP message. `show` replaces an alert of the same key. */
export interface CapAction {
  /** Keys of earlier messages whose alerts end now (Update, Cancel). */
  end: string[];
  show: { key: string; level: Alert['level']; text: string; until: string } | null;
  /** Why nothing is shown, for the feed's log. */
  skipped?: string;
  /** Not effective yet: nothing is done or remembered; a later poll takes it again. */
  later?: boolean;
}

function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * CAP 1.2 §3.2.1: an `Update` replaces the messages it references, a `Cancel` ends them; only
 * `Actual` messages with scope `Public` reach the public (Exercise, Test, System, Draft, and
 * Restricted or Private messages are skipped); an `Ack` or
 * `Error` shows nothing. The level comes from the chosen info's severity and urgency; the alert
 * lasts until its `expires` (else `sent` + defaultHours); one already over ends what it references
 * and shows nothing; one whose `effective` time is still to come waits for it (`later`). The text: headline (else event, else description; none: nothing shown), then the areas, and for an urgent one its instruction, capped at 500 characters.
 */
export function capAction(message: CapMessage, levels: CapLevels, now: number): CapAction {
  const end = message.msgType === 'Update' || message.msgType === 'Cancel' ? message.references.map(capKey) : [];
  if (message.status !== 'Actual') return { end: [], show: null, skipped: `status ${message.status}` };
  // Restricted and Private messages are for named recipients, not a waiting room's wall.
  if (message.scope !== undefined && message.scope !== 'Public') return { end: [], show: null, skipped: `scope ${message.scope}` };
  if (message.msgType === 'Cancel') return { end: [...end, capKey(message)], show: null };
  if (message.msgType !== 'Alert' && message.msgType !== 'Update') return { end, show: null, skipped: `msgType ${message.msgType}` };
  const info = chosenInfo(message, levels.language);
  if (!info) return { end, show: null, skipped: 'no info block' };
  if (severityRank(info.severity) < severityRank(levels.minSeverity)) return { end, show: null, skipped: `severity ${info.severity} below ${levels.minSeverity}` };
  if (info.effective && Date.parse(info.effective) > now) return { end: [], show: null, skipped: `effective from ${info.effective}`, later: true };
  const until = info.expires ?? toUtcTime(Date.parse(message.sent) + levels.defaultHours * 3_600_000);
  if (Date.parse(until) <= now) return { end: [...end, capKey(message)], show: null, skipped: `expired at ${until}` };
  const urgent = levels.urgentSeverities.includes(info.severity) && levels.urgentUrgencies.includes(info.urgency);
  // CAP requires an `event`, but a feed may send it blank: the alert says what the message says first.
  const title = [info.headline, info.event, info.description].map((text) => text?.trim() ?? '').find((text) => text !== '');
  if (!title) return { end, show: null, skipped: 'no text to show: no headline, event or description' };
  const areas = info.areas.length > 0 ? ` (${info.areas.join(', ')})` : '';
  // An urgent alert covers the screen: it also says what to do (CAP `instruction`), when the message does.
  const instruction = urgent && info.instruction?.trim() ? ` — ${info.instruction.trim()}` : '';
  return { end, show: { key: capKey(message), level: urgent ? 'urgent' : 'info', text: cap(`${title}${areas}${instruction}`.replace(/\s+/g, ' '), ALERT_TEXT_MAX), until } };
}

// --- news (RSS 2.0 / Atom 1.0) ---

export interface NewsEntry {
  /** guid / id, else the link, else the title. */
  key: string;
  title: string;
  /** When it was published or updated; null when the feed does not say. */
  published: string | null;
}

export const NewsOptions = z.object({
  /** The ticker zone of the site's layout its playlist plays in. */
  zone: Id,
  /** The newest this many entries are kept. */
  maxItems: z.number().int().min(1).max(50).default(8),
  /** Each line is cut to this many characters. */
  maxChars: z.number().int().min(20).max(300).default(140),
  /** An entry older than this leaves the ticker (on the hub at the next poll, on the screen at that time even offline). */
  maxAgeHours: z.number().positive().max(24 * 90).default(72),
});
export type NewsOptions = z.infer<typeof NewsOptions>;

/** An item id from a feed entry's key: stable across polls, within the protocol's id alphabet. */
export function newsItemId(digestHex: string): string {
  return `n-${digestHex.slice(0, 20)}`;
}

/**
 * The ticker playlist's items: the newest `maxItems` entries not older than `maxAgeHours`, each
 * a text item with its title as plain text cut at `maxChars`, and a schedule that ends it at its
 * expiry (in UTC), so that a screen offline stops showing it too. Entries without a date count
 * as published when first seen (`firstSeen`). Titles arrive as plain text (the hub strips the
 * feed's HTML). Ordered newest first.
 */
export function newsItems(
  entries: readonly (NewsEntry & { id: string; firstSeen: string })[],
  options: NewsOptions,
  now: number,
  durationS = 10,
): TextItem[] {
  const maxAge = options.maxAgeHours * 3_600_000;
  return entries
    .map((entry) => ({ entry, at: Date.parse(entry.published ?? entry.firstSeen) }))
    .filter(({ entry, at }) => Number.isFinite(at) && at + maxAge > now && entry.title.trim().length > 0)
    .sort((a, b) => b.at - a.at || a.entry.id.localeCompare(b.entry.id))
    .slice(0, options.maxItems)
    .map(({ entry, at }) => {
      const until = new Date(at + maxAge).toISOString().slice(0, 16);
      return {
        id: entry.id,
        type: 'text',
        duration: durationS,
        title: cap(entry.title.replace(/\s+/g, ' ').trim(), Math.min(options.maxChars, 200)),
        schedule: { timezone: 'UTC', until },
      } satisfies TextItem;
    });
}

// --- feed configuration (admin API) ---

const FeedUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .max(2000, { error: 'expected a URL of at most 2000 characters' });

export const FeedKind = z.enum(['cap', 'news'], { error: 'expected kind cap or news' });
export type FeedKind = z.infer<typeof FeedKind>;

export const FeedCreate = z
  .object({
    id: Id,
    kind: FeedKind,
    site: Id,
    url: FeedUrl,
    /** Polled every this many minutes (default 5). */
    everyMinutes: z.number({ error: 'expected minutes' }).int({ error: 'expected whole minutes' }).min(1, { error: 'expected at least 1 minute' }).max(1440, { error: 'expected at most 1440 minutes (a day)' }).default(5),
    cap: CapLevels.optional(),
    news: NewsOptions.optional(),
  })
  .superRefine((feed, ctx) => {
    if (feed.kind === 'news' && !feed.news) ctx.addIssue({ code: 'custom', path: ['news', 'zone'], message: 'a news feed needs the ticker zone it fills (news.zone)' });
    if (feed.kind === 'cap' && feed.news) ctx.addIssue({ code: 'custom', path: ['news'], message: 'a cap feed has no news options' });
    if (feed.kind === 'news' && feed.cap) ctx.addIssue({ code: 'custom', path: ['cap'], message: 'a news feed has no cap options' });
  });
export type FeedCreate = z.infer<typeof FeedCreate>;
export type FeedCreateInput = z.input<typeof FeedCreate>;

export const FeedState = z.object({
  lastPollAt: UtcTime.nullable(),
  lastOkAt: UtcTime.nullable(),
  /** The last poll's error (null when it went well). */
  lastError: z.string().nullable(),
  /** Alerts it shows now (cap) or items in its ticker playlist (news). */
  active: z.number().int().nonnegative(),
});
export type FeedState = z.infer<typeof FeedState>;

export const FeedRecord = z.object({
  id: Id,
  kind: FeedKind,
  site: Id,
  url: z.string(),
  everyMinutes: z.number().int(),
  cap: CapLevels.optional(),
  news: NewsOptions.optional(),
  createdAt: UtcTime,
  state: FeedState,
});
export type FeedRecord = z.infer<typeof FeedRecord>;
export const FeedList = z.object({ feeds: z.array(FeedRecord) });
export type FeedList = z.infer<typeof FeedList>;

/** The playlist a news feed writes (one per feed, assigned to its site). */
export function newsPlaylistId(feedId: string): string {
  return `feed-${feedId}`.slice(0, 64);
}
