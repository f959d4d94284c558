import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import {
  AccuracyList,
  AlertList,
  AlertRecord,
  AlertRequest,
  CommandRequest,
  CommandResult,
  ImpressionExportQuery,
  ImpressionList,
  ImpressionQuery,
  MediaCheck,
  MediaMissing,
  MediaReceived,
  MediaStored,
  PairingClaim,
  PairingClaimed,
  PlaylistHistory,
  PushRequest,
  PushResult,
  ScreenCreate,
  Target,
  ScreenList,
  ScreenSet,
  ScreenToken,
  SiteToken,
  WaitComparison,
  WaitComparisonQuery,
  WaitEstimateList,
  ReachExportQuery,
  ReachQuery,
  ReachReport,
} from '../../shared/adminApi.js';
import { sitesAllowed, type Action, type Scope } from '../../shared/access.js';
import { Id } from '../../shared/ids.js';
import { filesOf, isRemoteSrc } from '../../shared/playlist.js';
import type { Access } from '../access.js';
import { callerOf, type RouteAccess, type ScopeOf } from '../routeAccess.js';
import { HubError } from '../hubError.js';
import { reachCsv, reachReport } from '../reachReport.js';
import { impressionsCsv } from '../impressionsCsv.js';
import type { MediaFiles } from '../mediaFiles.js';
import { PAIRING_BODY_BYTES } from '../requestLimits.js';
import type { ScreenChannel } from '../screenChannel.js';
import { toAlert } from '../stores/alertMessage.js';
import type { HubStores } from '../stores/index.js';
import { errors, type RouteSchema } from './apiDocs.js';
import type { FeedPoller } from '../feeds/feedPoller.js';
import type { MediaFacts } from '../mediaFacts.js';
import { feedRouteTable } from './feeds.js';
import { CodeParam } from './pairing.js';
import { powerRouteTable } from './power.js';
import { IdParam, parsed, ShaParam } from './requestParsing.js';

/**
 * The admin API (the rest of `/api`, for the CLI and the dashboard), as one table of routes,
 * each naming the permission it needs (`config.permission`): the audience's check runs in
 * `preParsing` (after the rate limit, before any body is read) and can read it from
 * `request.routeOptions.config.permission`.
 */

export const MAX_MEDIA_BYTES = 2_000_000_000;

/** Writes an audit entry for the request's caller (adminRouteTable's `audit`). */
export type RouteAudit = (request: FastifyRequest, record: Parameters<Access['audit']>[1]) => Promise<void>;
/** Where a request's target is, for the routes of other files in the admin table. */
export interface TargetScopes {
  ofTarget(target: Target): Scope | Promise<Scope>;
  bodyTarget: ScopeOf;
  screenParam: ScopeOf;
}

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  access: Exclude<RouteAccess, 'public'>;
  /** Uploads: larger than the root's JSON body limit. */
  bodyLimit?: number;
  /** What it takes and answers, from the zod schemas it parses with (checked before the handler runs, and documented at /api/docs). */
  schema: RouteSchema;
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

export interface AdminDeps {
  stores: HubStores;
  channel: ScreenChannel;
  media: MediaFiles;
  /** The feeds' poller (src/hub/feeds/), for the feed routes. */
  feeds: FeedPoller;
  mediaFacts: MediaFacts;
  /** Who calls, and may they (access.ts); every route says what it needs (routeAccess.ts). */
  access: Access;
}

/** What `channel.command`'s screenshot answer carries (src/renderer/screenCommands.ts). */
/** A PNG's first eight bytes: a screenshot answer is kept only when it is one (the screen is not trusted to say what it sends). */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ScreenshotData = z.object({ png: z.base64({ error: 'expected a PNG in base64' }).transform((text) => Buffer.from(text, 'base64')).refine((bytes) => bytes.subarray(0, 8).equals(PNG_SIGNATURE), { error: 'not a PNG' }) });

/** Every admin route, in one list a role check (or a test) can walk. */
export function adminRouteTable({ stores, channel, media, feeds, mediaFacts, access }: AdminDeps): AdminRoute[] {
  // Where each route's target is: the site of the screen, alert or target it names. An unknown
  // screen or alert is scoped to every site: only a role on every site gets as far as the 404.
  const siteOfScreen = async (id: string): Promise<Scope> => {
    const screen = await stores.screens.get(id);
    return screen ? { site: screen.site } : 'all';
  };
  const siteOfTarget = (target: Target): Promise<Scope> | Scope => ('site' in target ? { site: target.site } : siteOfScreen(target.screen));
  const siteName = (scope: Scope): string | null => (typeof scope === 'object' ? scope.site : null);
  const screenParam: ScopeOf = (request) => siteOfScreen(parsed(IdParam, request.params, 'url').id);
  const siteParam: ScopeOf = (request) => ({ site: parsed(IdParam, request.params, 'url').id });
  /** The body's target (`{ target }`), site (`{ site }`) or screen (`{ screen }`); a body that does not read needs a role on every site (then its 400). */
  const bodyTarget: ScopeOf = (request) => {
    const body = (request.body ?? {}) as { target?: unknown; site?: unknown; screen?: unknown };
    const target = Target.safeParse(body.target);
    if (target.success) return siteOfTarget(target.data);
    const site = Id.safeParse(body.site);
    if (site.success) return { site: site.data };
    const screen = Id.safeParse(body.screen);
    return screen.success ? siteOfScreen(screen.data) : 'all';
  };
  const rule = (action: Action, scope: ScopeOf): AdminRoute['access'] => ({ action, scope });
  /** What the caller may see of a listing: everything, or what is on its sites. */
  const visible = <T>(request: FastifyRequest, action: Action, items: T[], siteOf: (item: T) => string | null): T[] => {
    const sites = sitesAllowed(callerOf(request).user.grants, action);
    if (sites === 'all') return items;
    return items.filter((item) => {
      const site = siteOf(item);
      return site !== null && sites.includes(site);
    });
  };
  const audit: RouteAudit = (request, record) => access.audit(callerOf(request), record, Date.now());
  const revisionOf = async (id: string): Promise<string | null> => {
    const screen = await stores.screens.get(id);
    return screen ? ((await stores.playlists.setFor(screen))?.revision ?? null) : null;
  };
  const scopes: TargetScopes = { ofTarget: siteOfTarget, bodyTarget, screenParam };

  return [
    ...feedRouteTable({ stores, feeds, mediaFacts, scopes, audit }),
    {
      method: 'GET',
      url: '/api/screens',
      access: rule('screens.read', 'any'),
      schema: { summary: 'Écrans et leur état / Screens and their state', response: { 200: ScreenList, ...errors(401) } },
      // Online on any node of a cluster (channel.screenStates asks them once for all).
      handler: async (request): Promise<ScreenList> => ({ screens: visible(request, 'screens.read', await channel.screenStates(), (screen) => screen.site) }),
    },
    {
      method: 'POST',
      url: '/api/screens',
      access: rule('screens.manage', bodyTarget),
      schema: { summary: 'Ajouter un écran (son jeton, une seule fois) / Add a screen (its token, shown once)', body: ScreenCreate, response: { 201: ScreenToken, ...errors(400, 401, 409) } },
      handler: async (request, reply): Promise<ScreenToken> => {
        const created = await stores.screens.add(parsed(ScreenCreate, request.body, ''));
        await audit(request, { action: 'screen.add', target: `screen:${created.screen.id}`, site: created.screen.site, detail: created.screen.name });
        reply.code(201);
        return created;
      },
    },
    {
      method: 'GET',
      url: '/api/screens/:id/playlists',
      access: rule('screens.read', screenParam),
      schema: { summary: "Le jeu de listes d'un écran / A screen's set", params: IdParam, response: { 200: ScreenSet, ...errors(400, 401, 404) } },
      handler: async (request): Promise<ScreenSet> => {
        const { id } = parsed(IdParam, request.params, 'url');
        const screen = await stores.screens.get(id);
        if (!screen) throw new HubError(404, `screen "${id}" does not exist`);
        const set = await stores.playlists.setFor(screen);
        return { revision: set?.revision ?? null, timezone: screen.timezone, playlists: set?.playlists ?? [], layout: set?.layout ?? null, power: set?.power ?? null };
      },
    },
    {
      method: 'POST',
      url: '/api/pairing/:code/claim',
      access: rule('screens.manage', bodyTarget),
      schema: { summary: 'Appairer un code affiché par un écran / Claim a pairing code shown by a screen', params: CodeParam, body: PairingClaim, response: { 201: PairingClaimed, ...errors(400, 401, 404, 409, 410) } },
      bodyLimit: PAIRING_BODY_BYTES,
      handler: async (request, reply): Promise<PairingClaimed> => {
        const { code } = parsed(CodeParam, request.params, 'url');
        const screen = await stores.pairings.claim(code, parsed(PairingClaim, request.body, ''), Date.now());
        await audit(request, { action: 'pairing.claim', target: `screen:${screen.id}`, site: screen.site, detail: `code ${code}` });
        reply.code(201);
        return { screen };
      },
    },
    {
      method: 'POST',
      url: '/api/screens/:id/token',
      access: rule('screens.manage', screenParam),
      schema: { summary: "Nouveau jeton d'écran (l'ancien cesse de marcher) / A new screen token (the old one stops working)", params: IdParam, response: { 200: ScreenToken, ...errors(400, 401, 404) } },
      handler: async (request): Promise<ScreenToken> => {
        const rotated = await stores.screens.rotateToken(parsed(IdParam, request.params, 'url').id);
        // The old token stops working now, for connections already open too.
        channel.disconnectScreen(rotated.screen.id);
        await audit(request, { action: 'screen.token', target: `screen:${rotated.screen.id}`, site: rotated.screen.site });
        return rotated;
      },
    },
    {
      method: 'GET',
      url: '/api/playlists/:id/history',
      access: rule('screens.read', 'any'),
      schema: { summary: "Versions d'une liste / A playlist's versions", params: IdParam, response: { 200: PlaylistHistory, ...errors(400, 401) } },
      handler: async (request) => ({ versions: await stores.playlists.history(parsed(IdParam, request.params, 'url').id) }),
    },
    {
      method: 'POST',
      url: '/api/playlists',
      access: rule('playlists.push', bodyTarget),
      schema: { summary: 'Envoyer des listes à un écran ou un site / Push playlists to a screen or a site', body: PushRequest, response: { 200: PushResult, ...errors(400, 401, 404) } },
      handler: async (request): Promise<PushResult> => {
        const push = parsed(PushRequest, request.body, '');
        const targetScope = await siteOfTarget(push.target);
        const caller = callerOf(request);
        if (push.layout !== undefined) access.require(caller, 'layouts.set', targetScope);
        // A playlist is one wherever it plays: changing one that another site (or one of its screens)
        // also plays changes what that site shows, which needs the right to push there too.
        for (const other of await stores.playlists.otherTargetsChanged(push)) {
          if (access.allows(caller, 'playlists.push', await siteOfTarget(other.target))) continue;
          const where = 'site' in other.target ? `site "${other.target.site}"` : `screen "${other.target.screen}"`;
          const which = other.playlists.map((id) => `"${id}"`).join(', ');
          throw new HubError(403, `forbidden: playlist ${which} also plays on ${where}, where ${caller?.user.email ?? 'this caller'} may not push playlists; push it under another id, or ask someone who may push there`);
        }
        const screenIds = await stores.screens.targetIds(push.target);
        const local: string[] = [];
        push.playlists.forEach((playlist, p) =>
          playlist.items.forEach((item, i) => {
            for (const file of filesOf(item)) {
              if (!isRemoteSrc(file.src)) local.push(`playlists[${p}].items[${i}]: "${file.src}" is a local path; the hub needs http(s) URLs (the CLI's playlist push uploads local files)`);
            }
          }),
        );
        if (local.length) throw new HubError(400, local.join('; '));
        const before = new Map(await Promise.all(screenIds.map(async (id) => [id, await revisionOf(id)] as const)));
        const { versions, screens: changed } = await stores.playlists.push(push);
        await channel.pushSets(changed);
        const online = await channel.onlineAmong(screenIds);
        const screens = await Promise.all(screenIds.map(async (id) => ({ id, revision: await revisionOf(id), online: online.has(id) })));
        const target = 'screen' in push.target ? `screen:${push.target.screen}` : `site:${push.target.site}`;
        const revisions = (pick: (screen: { id: string; revision: string | null }) => string | null): string => screens.map((screen) => `${screen.id}=${pick(screen) ?? '-'}`).join(' ');
        await audit(request, {
          action: 'playlist.push',
          target,
          site: siteName(targetScope),
          before: revisions((screen) => before.get(screen.id) ?? null),
          after: revisions((screen) => screen.revision),
          detail: `${versions.map((v) => `${v.id} v${v.version}`).join(', ')}${push.replace ? ' (replace)' : ''}`,
        });
        if (push.layout !== undefined) await audit(request, { action: 'layout.set', target, site: siteName(targetScope), after: push.layout ? push.layout.id : 'none' });
        return { playlists: versions, screens };
      },
    },
    {
      method: 'POST',
      url: '/api/media/missing',
      access: rule('media.upload', 'any'),
      schema: { summary: 'Médias absents du hub / Which media the hub lacks', body: MediaCheck, response: { 200: MediaMissing, ...errors(400, 401) } },
      handler: async (request): Promise<MediaMissing> => ({ missing: await media.missing(parsed(MediaCheck, request.body, '').sha256) }),
    },
    {
      method: 'PUT',
      url: '/api/media/:sha256',
      access: rule('media.upload', 'any'),
      schema: { summary: 'Déposer un média par son sha256 (corps binaire) / Upload a media file by its sha256 (binary body)', params: ShaParam, consumes: ['application/octet-stream'], response: { 201: MediaReceived, ...errors(400, 401, 413, 415) } },
      bodyLimit: MAX_MEDIA_BYTES,
      handler: async (request, reply) => {
        const { sha256 } = parsed(ShaParam, request.params, 'url');
        const type = (request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
        const stored = await media.store(sha256, type, request.raw as Readable, MAX_MEDIA_BYTES);
        await audit(request, { action: 'media.upload', target: `media:${stored.sha256}`, detail: `${type}, ${stored.bytes} bytes` });
        reply.code(201);
        return { sha256: stored.sha256, bytes: stored.bytes };
      },
    },
    {
      // The dashboard's upload: the hub computes the digest.
      method: 'POST',
      url: '/api/media',
      access: rule('media.upload', 'any'),
      schema: { summary: 'Déposer un média, le hub calcule son sha256 (corps binaire) / Upload a media file, the hub computes its sha256 (binary body)', consumes: ['application/octet-stream'], response: { 201: MediaStored, ...errors(400, 401, 413, 415) } },
      bodyLimit: MAX_MEDIA_BYTES,
      handler: async (request, reply): Promise<MediaStored> => {
        const type = (request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
        const stored = await media.store(null, type, request.raw as Readable, MAX_MEDIA_BYTES);
        await audit(request, { action: 'media.upload', target: `media:${stored.sha256}`, detail: `${type}, ${stored.bytes} bytes` });
        reply.code(201);
        return { sha256: stored.sha256, bytes: stored.bytes, url: `/media/${stored.sha256}` };
      },
    },
    {
      method: 'GET',
      url: '/api/sites/:id/waits',
      access: rule('reports.read', siteParam),
      schema: { summary: 'Attentes estimées et réalisées / Estimated against realized waits', params: IdParam, querystring: WaitComparisonQuery, response: { 200: WaitComparison, ...errors(400, 401) } },
      handler: async (request): Promise<WaitComparison> => {
        const { id: site } = parsed(IdParam, request.params, 'url');
        return { points: await stores.queue.waitComparison(site, parsed(WaitComparisonQuery, request.query ?? {}, 'query')) };
      },
    },
    {
      method: 'POST',
      url: '/api/sites/:id/token',
      access: rule('sites.token', siteParam),
      schema: { summary: "Nouveau jeton de site (système de tickets) / A new site token (ticket system)", params: IdParam, response: { 200: SiteToken, ...errors(400, 401) } },
      handler: async (request) => {
        const { id: site } = parsed(IdParam, request.params, 'url');
        const token = await stores.queue.newSiteToken(site);
        await audit(request, { action: 'site.token', target: `site:${site}`, site });
        return { site, token } satisfies SiteToken;
      },
    },
    {
      // Issue 21: each item's reach and frequency among the people who waited at the site.
      method: 'GET',
      url: '/api/sites/:id/reach',
      access: rule('reports.read', siteParam),
      schema: {
        summary: 'Portée et fréquence de chaque élément parmi les personnes venues (JSON ou CSV) / Reach and frequency of each item among the people who waited (JSON or CSV)',
        params: IdParam,
        querystring: ReachExportQuery,
        response: { 200: { description: 'JSON, or CSV with format=csv', content: { 'application/json': { schema: ReachReport }, 'text/csv': { schema: z.string() } } }, ...errors(400, 401) },
      },
      handler: async (request, reply): Promise<ReachReport | string> => {
        const { format, ...rest } = (request.query ?? {}) as Record<string, unknown>;
        const report = await reachReport(stores, parsed(IdParam, request.params, 'url').id, parsed(ReachQuery, rest, 'query'), Date.now());
        if (format !== 'csv') return report;
        reply.header('content-type', 'text/csv; charset=utf-8');
        return reachCsv(report);
      },
    },
    {
      method: 'GET',
      url: '/api/sites/:id/accuracy',
      access: rule('reports.read', siteParam),
      schema: { summary: 'Justesse des estimations par service et jour / Estimate accuracy per service and day', params: IdParam, response: { 200: AccuracyList, ...errors(400, 401) } },
      handler: async (request): Promise<AccuracyList> => ({ accuracy: await stores.queue.accuracy(parsed(IdParam, request.params, 'url').id) }),
    },
    {
      method: 'GET',
      url: '/api/screens/:id/wait',
      access: rule('screens.read', screenParam),
      schema: { summary: "Estimations d'attente d'un écran / A screen's wait estimates", params: IdParam, response: { 200: WaitEstimateList, ...errors(400, 401) } },
      handler: async (request): Promise<WaitEstimateList> => ({ estimates: await stores.waits.ofScreen(parsed(IdParam, request.params, 'url').id) }),
    },
    {
      method: 'GET',
      url: '/api/alerts',
      access: rule('alerts.read', 'any'),
      schema: { summary: 'Alertes / Alerts', response: { 200: AlertList, ...errors(401) } },
      handler: async (request): Promise<AlertList> => {
        const alerts = await stores.alerts.list();
        const sites = new Map(await Promise.all(alerts.map(async (alert) => [alert.id, siteName(await siteOfTarget(alert.target))] as const)));
        return { alerts: visible(request, 'alerts.read', alerts, (alert) => sites.get(alert.id) ?? null) };
      },
    },
    {
      method: 'POST',
      url: '/api/alerts',
      access: rule('alerts.send', bodyTarget),
      schema: { summary: 'Envoyer une alerte / Send an alert', body: AlertRequest, response: { 201: AlertRecord, ...errors(400, 401, 404) } },
      handler: async (request, reply) => {
        const alertRequest = parsed(AlertRequest, request.body, '');
        if (Date.parse(alertRequest.until) <= Date.now()) throw new HubError(400, `until: ${alertRequest.until} is already past`);
        const screenIds = await stores.screens.targetIds(alertRequest.target);
        const previous = alertRequest.id ? await stores.alerts.get(alertRequest.id) : null;
        // Sending again with an alert's id replaces it: the one replaced must be within the caller's sites too.
        if (previous) access.require(callerOf(request), 'alerts.send', await siteOfTarget(previous.target));
        const record = await stores.alerts.create(alertRequest, Date.now());
        channel.alert(toAlert(record), screenIds);
        await audit(request, {
          action: 'alert.send',
          target: `alert:${record.id}`,
          site: siteName(await siteOfTarget(record.target)),
          before: previous ? `${previous.level} until ${previous.until}${previous.clearedAt ? ' (cleared)' : ''}` : null,
          after: `${record.level} until ${record.until}`,
          detail: record.text.slice(0, 200),
        });
        reply.code(201);
        return record;
      },
    },
    {
      method: 'DELETE',
      url: '/api/alerts/:id',
      access: rule('alerts.send', async (request) => {
        const alert = await stores.alerts.get(parsed(IdParam, request.params, 'url').id);
        return alert ? siteOfTarget(alert.target) : 'all';
      }),
      schema: { summary: 'Retirer une alerte / Clear an alert', params: IdParam, response: { 200: AlertRecord, ...errors(400, 401, 404) } },
      handler: async (request) => {
        const record = await stores.alerts.clear(parsed(IdParam, request.params, 'url').id, Date.now());
        channel.clearAlert({ id: record.id }, await stores.screens.idsOf(record.target));
        await audit(request, { action: 'alert.clear', target: `alert:${record.id}`, site: siteName(await siteOfTarget(record.target)), before: `${record.level} until ${record.until}`, after: 'cleared' });
        return record;
      },
    },
    {
      method: 'POST',
      url: '/api/commands',
      access: rule('commands.send', bodyTarget),
      schema: { summary: 'Envoyer une commande à un écran connecté / Send a command to a connected screen', body: CommandRequest, response: { 200: CommandResult, ...errors(400, 401, 404, 409, 502, 504) } },
      handler: async (request): Promise<CommandResult> => {
        const { screen, type } = parsed(CommandRequest, request.body, '');
        const info = await stores.screens.get(screen);
        if (!info) throw new HubError(404, `screen: "${screen}" does not exist`);
        const id = await stores.commands.create(screen, type, Date.now());
        const ack = await channel.command(screen, { id, type });
        await stores.commands.recordAck(id, ack, Date.now());
        const png = type === 'screenshot' && ack.ok ? ScreenshotData.safeParse(ack.data) : null;
        if (png?.success) await stores.commands.recordScreenshot(screen, png.data.png, Date.now());
        await audit(request, { action: 'command.send', target: `screen:${screen}`, site: info.site, after: ack.ok ? 'ok' : `refused: ${ack.error ?? ''}`.slice(0, 200), detail: type });
        return { id, screen, type, ...ack };
      },
    },
    {
      method: 'GET',
      url: '/api/screens/:id/screenshot',
      access: rule('screens.read', screenParam),
      schema: { summary: "Dernière capture d'un écran (PNG) / A screen's last screenshot (PNG)", params: IdParam, response: { 200: { description: 'PNG', content: { 'image/png': { schema: z.string() } } }, ...errors(400, 401, 404) } },
      handler: async (request, reply) => {
        const { id } = parsed(IdParam, request.params, 'url');
        const shot = await stores.commands.lastScreenshot(id);
        if (!shot) throw new HubError(404, `screen "${id}" has no screenshot yet (send it the screenshot command)`);
        reply.header('content-type', 'image/png');
        // Never read as anything else (HTML, script), whatever bytes a screen sent.
        reply.header('x-content-type-options', 'nosniff');
        reply.header('x-taken-at', shot.takenAt);
        reply.header('cache-control', 'no-store');
        return reply.send(shot.png);
      },
    },
    {
      method: 'GET',
      url: '/api/impressions',
      access: rule('reports.read', (request) => {
        const screen = Id.safeParse((request.query as { screen?: unknown } | undefined)?.screen);
        return screen.success ? siteOfScreen(screen.data) : 'any';
      }),
      schema: { summary: 'Preuves de diffusion (JSON ou CSV) / Proof of play (JSON or CSV)', querystring: ImpressionExportQuery, response: { 200: { description: 'JSON, or CSV with format=csv', content: { 'application/json': { schema: ImpressionList }, 'text/csv': { schema: z.string() } } }, ...errors(400, 401) } },
      handler: async (request, reply): Promise<ImpressionList | string> => {
        const { format, ...rest } = (request.query ?? {}) as Record<string, unknown>;
        const siteOf = new Map((await stores.screens.all()).map((screen) => [screen.id, screen.site]));
        const impressions = visible(request, 'reports.read', await stores.impressions.query(parsed(ImpressionQuery, rest, 'query')), (impression) => siteOf.get(impression.screenId) ?? null);
        if (format === 'csv') {
          reply.header('content-type', 'text/csv; charset=utf-8');
          return impressionsCsv(impressions);
        }
        return { impressions };
      },
    },
    ...powerRouteTable({ stores, channel, audit, scopes }),
  ];
}

export const adminRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  // Who calls is checked after the rate limit (onRequest), before any body is read; what they may do once it is parsed (routeAccess.ts).
  // Uploads are streamed to disk, not parsed.
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  for (const route of adminRouteTable(deps)) {
    app.route({
      method: route.method,
      url: route.url,
      config: { access: route.access },
      ...(route.bodyLimit === undefined ? {} : { bodyLimit: route.bodyLimit }),
      schema: { ...route.schema, tags: [route.access === 'signedIn' ? 'account' : route.access.action.split('.')[0]!], security: [{ admin: [] }] },
      handler: route.handler,
    });
  }
};
