import { z } from 'zod';
import { Id, Sha256, UtcTime } from './ids.js';
import { Impression } from './impression.js';
import { PlaylistSet, TimeZone } from './playlist.js';
import { AlertLevel, CommandType, StatusMessage } from './protocol.js';
import { WaitEstimate } from './queue.js';

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
});
export type ScreenState = z.infer<typeof ScreenState>;
export const ScreenList = z.object({ screens: z.array(ScreenState) });
export type ScreenList = z.infer<typeof ScreenList>;

export const PushRequest = z.object({
  playlists: PlaylistSet.refine((set) => set.length > 0, { error: 'expected at least one playlist' }),
  target: Target,
  /** Make these the target's only assignments (default: add them to its others). */
  replace: z.boolean().optional(),
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
export const StoredImpression = Impression.extend({ receivedAt: UtcTime });
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
