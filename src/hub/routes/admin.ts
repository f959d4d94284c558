import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import {
  AlertRequest,
  CommandRequest,
  ImpressionQuery,
  MediaCheck,
  PairingClaim,
  PushRequest,
  ScreenCreate,
  Target,
  WaitComparisonQuery,
  ReachQuery,
  type ReachReport,
  type AccuracyList,
  type AlertList,
  type CommandResult,
  type ImpressionList,
  type MediaMissing,
  type MediaStored,
  type PairingClaimed,
  type PushResult,
  type ScreenList,
  type ScreenSet,
  type ScreenToken,
  type SiteToken,
  type WaitComparison,
  type WaitEstimateList,
} from '../../shared/adminApi.js';
import { sitesAllowed, type Action, type Scope } from '../../shared/access.js';
import { Id } from '../../shared/ids.js';
import { filesOf, isRemoteSrc } from '../../shared/playlist.js';
import type { Access } from '../access.js';
import { HubError } from '../hubError.js';
import { reachCsv, reachReport } from '../reachReport.js';
import { impressionsCsv } from '../impressionsCsv.js';
import type { MediaFiles } from '../mediaFiles.js';
import { PAIRING_BODY_BYTES } from '../requestLimits.js';
import type { ScreenChannel } from '../screenChannel.js';
import { toAlert } from '../stores/alertMessage.js';
import type { HubStores } from '../stores/index.js';
import { callerOf, type RouteAccess, type ScopeOf } from '../routeAccess.js';
import { CodeParam } from './pairing.js';
import { powerRouteTable } from './power.js';
import { IdParam, parsed, ShaParam } from './requestParsing.js';

/**
 * The admin API (the rest of `/api`, for the CLI and the dashboard), as one table of routes,
 * each naming who may call it (`access`: the action and where its target is, shared/access.ts):
 * the caller is known in `preParsing` (after the rate limit, before any body is read), the role
 * is checked against the target's site once the body is parsed (routeAccess.ts). Every change
 * is written to the audit log with who, the target and its revision before and after.
 */

export const MAX_MEDIA_BYTES = 2_000_000_000;

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  access: Exclude<RouteAccess, 'public'>;
  /** Uploads: larger than the root's JSON body limit. */
  bodyLimit?: number;
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** Writes an audit entry for the request's caller (routes/admin.ts's `audit`). */
export type RouteAudit = (request: FastifyRequest, record: Parameters<Access['audit']>[1]) => Promise<void>;
/** Where a request's target is, for the routes of other files in the admin table. */
export interface TargetScopes {
  ofTarget(target: Target): Scope | Promise<Scope>;
  bodyTarget: ScopeOf;
  screenParam: ScopeOf;
}

export interface AdminDeps {
  stores: HubStores;
  channel: ScreenChannel;
  media: MediaFiles;
  access: Access;
}

/** What `channel.command`'s screenshot answer carries (src/renderer/screenCommands.ts). */
const ScreenshotData = z.object({ png: z.string().min(1) });

/** Every admin route, in one list a role check (or a test) can walk. */
export function adminRouteTable({ stores, channel, media, access }: AdminDeps): AdminRoute[] {
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
  const audit = (request: FastifyRequest, record: Parameters<Access['audit']>[1]): Promise<void> => access.audit(callerOf(request), record, Date.now());
  const revisionOf = async (id: string): Promise<string | null> => {
    const screen = await stores.screens.get(id);
    return screen ? ((await stores.playlists.setFor(screen))?.revision ?? null) : null;
  };

  return [
    {
      method: 'GET',
      url: '/api/screens',
      access: rule('screens.read', 'any'),
      handler: async (request): Promise<ScreenList> => ({
        screens: await Promise.all(
          visible(request, 'screens.read', await stores.screens.list(), (screen) => screen.site).map(async (screen) => ({
            ...screen,
            online: channel.isOnline(screen.id),
            revision: (await stores.playlists.setFor(screen))?.revision ?? null,
          })),
        ),
      }),
    },
    {
      method: 'POST',
      url: '/api/screens',
      access: rule('screens.manage', bodyTarget),
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
      handler: async (request) => ({ versions: await stores.playlists.history(parsed(IdParam, request.params, 'url').id) }),
    },
    {
      method: 'POST',
      url: '/api/playlists',
      access: rule('playlists.push', bodyTarget),
      handler: async (request): Promise<PushResult> => {
        const push = parsed(PushRequest, request.body, '');
        const targetScope = await siteOfTarget(push.target);
        if (push.layout !== undefined) access.require(callerOf(request), 'layouts.set', targetScope);
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
        const screens = await Promise.all(screenIds.map(async (id) => ({ id, revision: await revisionOf(id), online: channel.isOnline(id) })));
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
      handler: async (request): Promise<MediaMissing> => ({ missing: await media.missing(parsed(MediaCheck, request.body, '').sha256) }),
    },
    {
      method: 'PUT',
      url: '/api/media/:sha256',
      access: rule('media.upload', 'any'),
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
      handler: async (request): Promise<WaitComparison> => {
        const { id: site } = parsed(IdParam, request.params, 'url');
        return { points: await stores.queue.waitComparison(site, parsed(WaitComparisonQuery, request.query ?? {}, 'query')) };
      },
    },
    {
      method: 'POST',
      url: '/api/sites/:id/token',
      access: rule('sites.token', siteParam),
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
      handler: async (request): Promise<AccuracyList> => ({ accuracy: await stores.queue.accuracy(parsed(IdParam, request.params, 'url').id) }),
    },
    {
      method: 'GET',
      url: '/api/screens/:id/wait',
      access: rule('screens.read', screenParam),
      handler: async (request): Promise<WaitEstimateList> => ({ estimates: await stores.waits.ofScreen(parsed(IdParam, request.params, 'url').id) }),
    },
    {
      method: 'GET',
      url: '/api/alerts',
      access: rule('alerts.read', 'any'),
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
      handler: async (request): Promise<CommandResult> => {
        const { screen, type } = parsed(CommandRequest, request.body, '');
        const info = await stores.screens.get(screen);
        if (!info) throw new HubError(404, `screen: "${screen}" does not exist`);
        const id = await stores.commands.create(screen, type, Date.now());
        const ack = await channel.command(screen, { id, type });
        await stores.commands.recordAck(id, ack, Date.now());
        const png = type === 'screenshot' && ack.ok ? ScreenshotData.safeParse(ack.data) : null;
        if (png?.success) await stores.commands.recordScreenshot(screen, Buffer.from(png.data.png, 'base64'), Date.now());
        await audit(request, { action: 'command.send', target: `screen:${screen}`, site: info.site, after: ack.ok ? 'ok' : `refused: ${ack.error ?? ''}`.slice(0, 200), detail: type });
        return { id, screen, type, ...ack };
      },
    },
    {
      method: 'GET',
      url: '/api/screens/:id/screenshot',
      access: rule('screens.read', screenParam),
      handler: async (request, reply) => {
        const { id } = parsed(IdParam, request.params, 'url');
        const shot = await stores.commands.lastScreenshot(id);
        if (!shot) throw new HubError(404, `screen "${id}" has no screenshot yet (send it the screenshot command)`);
        reply.header('content-type', 'image/png');
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
    ...powerRouteTable({ stores, channel, audit, scopes: { ofTarget: siteOfTarget, bodyTarget, screenParam } }),
  ];
}

export const adminRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  // Uploads are streamed to disk, not parsed.
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  for (const route of adminRouteTable(deps)) {
    app.route({ method: route.method, url: route.url, config: { access: route.access }, ...(route.bodyLimit === undefined ? {} : { bodyLimit: route.bodyLimit }), handler: route.handler });
  }
};
