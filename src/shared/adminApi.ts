import { z } from 'zod';
import { Id, isRealUtcTime, Sha256, UtcTime } from './ids.js';
import { ScreenViewing } from './contentLint.js';
import { Impression } from './impression.js';
import { checkZonesOfSet, Layout } from './layout.js';
import { PlaylistSet, TimeZone } from './playlist.js';
import { PowerSchedule } from './powerSchedule.js';
import { AlertLevel, CommandType, StatusMessage } from './protocol.js';
import { WaitEstimate } from './queue.js';
import { ReachGroup, ReachRow } from './reach.js';

/**
 * The hub's admin HTTP API (Bearer admin token): request and response bodies, shared by
 * the hub, its CLI and the dashboard. Errors are `{ error: "<path>: <reason>" }` with a 4xx.
 */

export const ApiError = z.object({ error: z.string() });
export type ApiError = z.infer<typeof ApiError>;

/** A screen, or every screen of a site. */
export const Target = z.union([z.object({ screen: Id }).strict(), z.object({ site: Id }).strict()], {
  error: 'expected { screen: id } or { site: id }',
});
export type Target = z.infer<typeof Target>;

export const ScreenCreate = z.object({
  id: Id,
  name: z.string({ error: 'expected a screen name' }).min(1, { error: 'expected a non-empty name' }).max(120, { error: 'expected at most 120 characters' }),
  site: Id,
  timezone: TimeZone,
});
export type ScreenCreate = z.infer<typeof ScreenCreate>;

export const ScreenInfo = ScreenCreate;
export type ScreenInfo = z.infer<typeof ScreenInfo>;

/** The screen's token is shown once, when made; the hub keeps only its hash. */
export const ScreenToken = z.object({ screen: ScreenInfo, token: z.string() });
export type ScreenToken = z.infer<typeof ScreenToken>;

export const ScreenState = ScreenInfo.extend({
  online: z.boolean(),
  lastSeen: UtcTime.nullable(),
  /** The revision of the set its assignments give it now (null: nothing assigned). */
  revision: z.string().nullable(),
  ackedRevision: z.string().nullable(),
  refused: z.object({ revision: z.string(), error: z.string(), at: UtcTime }).nullable(),
  status: StatusMessage.nullable(),
  /** The display's stated power draw in watts, for the energy saved while it sleeps (absent or null: not set). */
  watts: z.number().nullable().optional(),
  /** Its size and reading distance, for the content lint's character height (absent or null: not set). */
  viewing: ScreenViewing.nullable().optional(),
});
export type ScreenState = z.infer<typeof ScreenState>;
/** A screen as the hub sees it now, without the revision its assignments give it (costly to assemble; monitoring does without). */
export type LiveScreen = Omit<ScreenState, 'revision'>;

/** `PUT /api/screens/<id>/viewing`: the screen's size and reading distance (null: unset). */
export const ScreenViewingRequest = z.object({ viewing: ScreenViewing.nullable() });
export type ScreenViewingRequest = z.infer<typeof ScreenViewingRequest>;
export const ScreenList = z.object({ screens: z.array(ScreenState) });
export type ScreenList = z.infer<typeof ScreenList>;

export const PushRequest = z
  .object({
    playlists: PlaylistSet.refine((set) => set.length > 0, { error: 'expected at least one playlist' }),
    target: Target,
    /** Make these the target's only assignments (default: add them to its others). */
    replace: z.boolean().optional(),
    /**
     * §6: the target's layout from now on (a screen's own wins over its site's); null removes
     * the target's own (its screens play full screen, or their site's layout); absent: unchanged.
     */
    layout: Layout.nullable().optional(),
  })
  .superRefine((push, ctx) => {
    // With a layout given, the pushed playlists must fit it; the hub checks the assembled sets too.
    if (push.layout) checkZonesOfSet(push.playlists, push.layout, ctx);
  });
export type PushRequest = z.infer<typeof PushRequest>;
export const PushResult = z.object({
  playlists: z.array(z.object({ id: Id, version: z.number().int() })),
  screens: z.array(z.object({ id: Id, revision: z.string().nullable(), online: z.boolean() })),
});
export type PushResult = z.infer<typeof PushResult>;

export const MediaCheck = z.object({ sha256: z.array(Sha256).max(10_000) });
export type MediaCheck = z.infer<typeof MediaCheck>;
export const MediaMissing = z.object({ missing: z.array(z.string()) });
export type MediaMissing = z.infer<typeof MediaMissing>;
/** `POST /api/media/facts` (body MediaCheck): what the hub read from each file it has (audio: null when unreadable or not media). */
export const MediaFactsList = z.object({ facts: z.record(z.string(), z.object({ audio: z.boolean().nullable() })) });
export type MediaFactsList = z.infer<typeof MediaFactsList>;

export const AlertRequest = z.object({
  id: Id.optional(),
  level: AlertLevel,
  text: z.string({ error: 'expected the alert text' }).min(1, { error: 'expected a non-empty text' }).max(500, { error: 'expected at most 500 characters' }),
  until: UtcTime,
  target: Target,
});
export type AlertRequest = z.infer<typeof AlertRequest>;
export const AlertRecord = AlertRequest.extend({ id: Id, createdAt: UtcTime, clearedAt: UtcTime.nullable(), acks: z.array(z.object({ screen: Id, at: UtcTime })) });
export type AlertRecord = z.infer<typeof AlertRecord>;
export const AlertList = z.object({ alerts: z.array(AlertRecord) });
export type AlertList = z.infer<typeof AlertList>;

export const CommandRequest = z.object({ screen: Id, type: CommandType });
export type CommandRequest = z.infer<typeof CommandRequest>;
export const CommandResult = z.object({ id: Id, screen: Id, type: CommandType, ok: z.boolean(), error: z.string().optional(), data: z.unknown().optional() });
export type CommandResult = z.infer<typeof CommandResult>;

export const ImpressionQuery = z.object({
  since: UtcTime.optional(),
  until: UtcTime.optional(),
  screen: Id.optional(),
  limit: z.coerce.number().int().positive().max(1_000_000).optional(),
});
export type ImpressionQuery = z.infer<typeof ImpressionQuery>;
/** `GET /api/impressions`: the query, and `format=csv` for a spreadsheet (RFC 4180) instead of JSON. */
export const ImpressionExportQuery = ImpressionQuery.extend({ format: z.enum(['json', 'csv'], { error: 'expected format json or csv' }).optional() });
export type ImpressionExportQuery = z.infer<typeof ImpressionExportQuery>;
/** As stored by the hub: `zoneId` is `main` when the player sent none, `audience` null without queue data. */
export const StoredImpression = Impression.extend({ zoneId: Id, audience: Impression.shape.audience.unwrap().nullable(), receivedAt: UtcTime });
export type StoredImpression = z.infer<typeof StoredImpression>;
export const ImpressionList = z.object({ impressions: z.array(StoredImpression) });
export type ImpressionList = z.infer<typeof ImpressionList>;

export const SiteToken = z.object({ site: Id, token: z.string() });
export type SiteToken = z.infer<typeof SiteToken>;

/** A service's estimates on one day against the realized waits of the tickets they were made for. */
export const Accuracy = z.object({
  service: z.string(),
  day: z.string(),
  estimates: z.number().int(),
  meanAbsoluteErrorMin: z.number().nullable(),
  coverage: z.number().nullable(),
});
export type Accuracy = z.infer<typeof Accuracy>;
export const AccuracyList = z.object({ accuracy: z.array(Accuracy) });
export type AccuracyList = z.infer<typeof AccuracyList>;

export const WaitEstimateList = z.object({ estimates: z.array(WaitEstimate) });
export type WaitEstimateList = z.infer<typeof WaitEstimateList>;

// Pairing's screen-side shapes (code, start, poll) are in pairing.ts; an admin's claim is here.
export const PairingClaim = z.object({
  screenId: Id,
  name: ScreenCreate.shape.name,
  site: Id,
  timezone: TimeZone.optional(),
});
export type PairingClaim = z.infer<typeof PairingClaim>;
export const PairingClaimed = z.object({ screen: ScreenInfo });
export type PairingClaimed = z.infer<typeof PairingClaimed>;

/** `POST /api/media` (raw body): the hub computes the digest. */
export const MediaStored = z.object({ sha256: Sha256, bytes: z.number().int().nonnegative(), url: z.string() });
/** `PUT /api/media/<sha256>`: what was stored under the digest given. */
export const MediaReceived = MediaStored.pick({ sha256: true, bytes: true });
export type MediaReceived = z.infer<typeof MediaReceived>;
export type MediaStored = z.infer<typeof MediaStored>;

/** `GET /api/sites/<site>/waits?since=…&until=…`: each ticket issued then and called, its realized wait beside the estimate made as it was issued. */
export const WaitComparisonQuery = z.object({ since: UtcTime, until: UtcTime });
export type WaitComparisonQuery = z.infer<typeof WaitComparisonQuery>;
export const WaitPoint = z.object({
  service: z.string(),
  issuedAt: UtcTime,
  realizedMin: z.number(),
  estimatedMin: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
});
export type WaitPoint = z.infer<typeof WaitPoint>;
export const WaitComparison = z.object({ points: z.array(WaitPoint) });
export type WaitComparison = z.infer<typeof WaitComparison>;

/** `GET /api/screens/<id>/playlists`: the set its assignments give it now (revision null: nothing assigned), with its layout (null: full screen) and its power schedule (null: always on). */
export const ScreenSet = z.object({ revision: z.string().nullable(), timezone: TimeZone, playlists: PlaylistSet, layout: Layout.nullable(), power: PowerSchedule.nullable().optional() });
export type ScreenSet = z.infer<typeof ScreenSet>;

/** `GET /api/playlists/<id>/history`: each version of a playlist and when it was pushed. */
export const PlaylistHistory = z.object({ versions: z.array(z.object({ version: z.number().int(), createdAt: UtcTime })) });
export type PlaylistHistory = z.infer<typeof PlaylistHistory>;

/** `POST /api/sites/<id>/queue`: the new events stored, the repeats ignored, and the site's screens online that were sent them. */
export const QueueAccepted = z.object({ stored: z.number().int().nonnegative(), duplicates: z.number().int().nonnegative(), screens: z.number().int().nonnegative() });
export type QueueAccepted = z.infer<typeof QueueAccepted>;

/** `GET /healthz` (for a load balancer): the process serves. */
export const HealthAnswer = z.object({ ok: z.literal(true) });
export type HealthAnswer = z.infer<typeof HealthAnswer>;

/** A component a hub node needs, as `/readyz` found it. */
export const ComponentState = z.enum(['ok', 'unreachable']);
export type ComponentState = z.infer<typeof ComponentState>;

/** `GET /readyz`: `ok` when every component this node needs answers: the database, and the broker of a cluster's node. */
export const ReadinessAnswer = z.object({ ok: z.boolean(), database: ComponentState, broker: ComponentState.optional() });
export type ReadinessAnswer = z.infer<typeof ReadinessAnswer>;

/**
 * `GET /api/sites/<site>/reach?since=…[&until=…][&screen=…]` (issue 21): reach and frequency of each
 * item among the people (called tickets) issued in [since, until), per local day of the site's
 * zone and service, from the impressions of the site's screens (or of `screen` alone: one room).
 */
/** A local day (YYYY-MM-DD) of the site's zone, or an instant. */
const DAY_OR_TIME = 'expected a day like 2026-12-01 (the site\'s local day) or a UTC time like 2026-12-01T08:00:00.000Z';
export const DayOrTime = z.string({ error: DAY_OR_TIME }).superRefine((text, ctx) => {
  // A day of the calendar (2026-02-30 is none: before, it went on to the report and came back as "until must be after since").
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    if (!isRealUtcTime(`${text}T00:00:00.000Z`)) ctx.addIssue({ code: 'custom', message: `not a real day (month 01-12, a day of that month): ${text}` });
    return;
  }
  const time = UtcTime.safeParse(text);
  if (!time.success) ctx.addIssue({ code: 'custom', message: /^\d{4}-\d{2}-\d{2}T/.test(text) ? time.error.issues[0]!.message : DAY_OR_TIME });
});
export type DayOrTime = z.infer<typeof DayOrTime>;
/** `since` (a day: from its local midnight), `until` (a day: to the end of it, included; absent: now). */
export const ReachQuery = z.object({ since: DayOrTime, until: DayOrTime.optional(), screen: Id.optional() });
export type ReachQuery = z.infer<typeof ReachQuery>;
/** `GET /api/sites/<site>/reach`: the query, and `format=csv` for the CSV export. */
export const ReachExportQuery = ReachQuery.extend({ format: z.enum(['json', 'csv'], { error: 'expected format json or csv' }).optional() });
export type ReachExportQuery = z.infer<typeof ReachExportQuery>;
export const ReachReport = z.object({
  site: Id,
  /** The zone the days are read in: the site's screens' (the first one's), else UTC. */
  timezone: z.string(),
  /** The screens whose impressions were counted. */
  screens: z.array(Id),
  since: UtcTime,
  until: UtcTime,
  groups: z.array(ReachGroup),
  rows: z.array(ReachRow),
});
export type ReachReport = z.infer<typeof ReachReport>;

/**
 * `PUT /api/power/schedule`: when the target's screens may sleep (a screen's own schedule wins
 * over its site's); null removes the target's own (its screens follow their site's, or stay on).
 * Sent to the screens with their set (`playlists`, extension `power`).
 */
export const PowerScheduleRequest = z.object({ target: Target, power: PowerSchedule.nullable() });
export type PowerScheduleRequest = z.infer<typeof PowerScheduleRequest>;
export const PowerScheduleResult = PushResult.pick({ screens: true });
export type PowerScheduleResult = z.infer<typeof PowerScheduleResult>;

/** `PUT /api/screens/<id>/watts`: the display's power draw as stated on its label (null: unset). */
export const WattsRequest = z.object({
  watts: z.number({ error: 'expected a number of watts' }).positive({ error: 'expected watts > 0' }).max(10_000, { error: 'expected at most 10000 W' }).nullable(),
});
export type WattsRequest = z.infer<typeof WattsRequest>;
export const WattsResult = WattsRequest.extend({ screen: Id });
export type WattsResult = z.infer<typeof WattsResult>;

/** The longest period a power report covers. */
export const MAX_POWER_REPORT_DAYS = 400;
/** `GET /api/power/report?since=…&until=…[&site=…]`: each screen's hours on, off (powered down) and black, and the energy saved. */
export const PowerReportQuery = z
  .object({ since: UtcTime, until: UtcTime, site: Id.optional() })
  .refine((q) => Date.parse(q.until) > Date.parse(q.since), { path: ['until'], error: 'must be after since' })
  .refine((q) => Date.parse(q.until) - Date.parse(q.since) <= MAX_POWER_REPORT_DAYS * 86_400_000, { path: ['until'], error: `expected at most ${MAX_POWER_REPORT_DAYS} days after since` });
export type PowerReportQuery = z.infer<typeof PowerReportQuery>;
export const PowerReportRow = z.object({
  screen: Id,
  site: Id,
  watts: z.number().nullable(),
  hoursOn: z.number().nonnegative(),
  hoursOff: z.number().nonnegative(),
  hoursBlack: z.number().nonnegative(),
  /** hoursOff × watts / 1000; null without a stated wattage. */
  kWhSaved: z.number().nonnegative().nullable(),
  /** Hours asleep by its power schedule as it is now (null: none): far above hoursOff + hoursBlack, the screen was off line or did not sleep. */
  scheduledHoursAsleep: z.number().nonnegative().nullable().optional(),
});
export type PowerReportRow = z.infer<typeof PowerReportRow>;
export const PowerReport = z.object({
  since: UtcTime,
  until: UtcTime,
  screens: z.array(PowerReportRow),
  totals: z.object({ hoursOff: z.number(), hoursBlack: z.number(), kWhSaved: z.number() }),
});
export type PowerReport = z.infer<typeof PowerReport>;
