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
import { filesOf, isRemoteSrc } from '../../shared/playlist.js';
import { HubError } from '../hubError.js';
import { reachCsv, reachReport } from '../reachReport.js';
import { impressionsCsv } from '../impressionsCsv.js';
import type { MediaFiles } from '../mediaFiles.js';
import { PAIRING_BODY_BYTES } from '../requestLimits.js';
import type { ScreenChannel } from '../screenChannel.js';
import { toAlert } from '../stores/alertMessage.js';
import type { HubStores } from '../stores/index.js';
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

/** What an admin route needs: today the admin token grants them all. */
export const ADMIN_PERMISSIONS = [
  'screens:read',
  'screens:write',
  'playlists:read',
  'playlists:push',
  'media:write',
  'sites:read',
  'sites:write',
  'alerts:read',
  'alerts:write',
  'commands:send',
  'impressions:read',
  'feeds:read',
  'feeds:write',
] as const;
export type AdminPermission = (typeof ADMIN_PERMISSIONS)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Admin routes: the permission a caller needs (routes/admin.ts). */
    permission?: AdminPermission;
  }
}

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  permission: AdminPermission;
  /** Uploads: larger than the root's JSON body limit. */
  bodyLimit?: number;
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

export interface AdminDeps {
  stores: HubStores;
  channel: ScreenChannel;
  media: MediaFiles;
  /** The feeds' poller (src/hub/feeds/), for the feed routes. */
  feeds: FeedPoller;
  mediaFacts: MediaFacts;
  /**
   * Refuses (throws a 401 HubError) a request that may not take this route; runs before the body
   * is read. Today: the admin token, for every permission.
   */
  authorize: (request: FastifyRequest, permission: AdminPermission) => void | Promise<void>;
}

/** What `channel.command`'s screenshot answer carries (src/renderer/screenCommands.ts). */
const ScreenshotData = z.object({ png: z.string().min(1) });

/** Every admin route, in one list a role check (or a test) can walk. */
export function adminRouteTable({ stores, channel, media, feeds, mediaFacts }: Omit<AdminDeps, 'authorize'>): AdminRoute[] {
  return [
    ...feedRouteTable({ stores, feeds, mediaFacts }),
    {
      method: 'GET',
      url: '/api/screens',
      permission: 'screens:read',
      handler: async (): Promise<ScreenList> => {
        const [screens, online] = await Promise.all([stores.screens.list(), channel.onlineScreens()]);
        return { screens: await Promise.all(screens.map(async (screen) => ({ ...screen, online: online.has(screen.id), revision: (await stores.playlists.setFor(screen))?.revision ?? null }))) };
      },
    },
    {
      method: 'POST',
      url: '/api/screens',
      permission: 'screens:write',
      handler: async (request, reply): Promise<ScreenToken> => {
        const created = await stores.screens.add(parsed(ScreenCreate, request.body, ''));
        reply.code(201);
        return created;
      },
    },
    {
      method: 'GET',
      url: '/api/screens/:id/playlists',
      permission: 'screens:read',
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
      permission: 'screens:write',
      bodyLimit: PAIRING_BODY_BYTES,
      handler: async (request, reply): Promise<PairingClaimed> => {
        const { code } = parsed(CodeParam, request.params, 'url');
        const screen = await stores.pairings.claim(code, parsed(PairingClaim, request.body, ''), Date.now());
        reply.code(201);
        return { screen };
      },
    },
    {
      method: 'POST',
      url: '/api/screens/:id/token',
      permission: 'screens:write',
      handler: async (request): Promise<ScreenToken> => {
        const rotated = await stores.screens.rotateToken(parsed(IdParam, request.params, 'url').id);
        // The old token stops working now, for connections already open too.
        channel.disconnectScreen(rotated.screen.id);
        return rotated;
      },
    },
    {
      method: 'GET',
      url: '/api/playlists/:id/history',
      permission: 'playlists:read',
      handler: async (request) => ({ versions: await stores.playlists.history(parsed(IdParam, request.params, 'url').id) }),
    },
    {
      method: 'POST',
      url: '/api/playlists',
      permission: 'playlists:push',
      handler: async (request): Promise<PushResult> => {
        const push = parsed(PushRequest, request.body, '');
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
        const { versions, screens: changed } = await stores.playlists.push(push);
        await channel.pushSets(changed);
        const online = await channel.onlineAmong(screenIds);
        return {
          playlists: versions,
          screens: await Promise.all(
            screenIds.map(async (id) => {
              const screen = (await stores.screens.get(id))!;
              return { id, revision: (await stores.playlists.setFor(screen))?.revision ?? null, online: online.has(id) };
            }),
          ),
        };
      },
    },
    {
      method: 'POST',
      url: '/api/media/missing',
      permission: 'media:write',
      handler: async (request): Promise<MediaMissing> => ({ missing: await media.missing(parsed(MediaCheck, request.body, '').sha256) }),
    },
    {
      method: 'PUT',
      url: '/api/media/:sha256',
      permission: 'media:write',
      bodyLimit: MAX_MEDIA_BYTES,
      handler: async (request, reply) => {
        const { sha256 } = parsed(ShaParam, request.params, 'url');
        const type = (request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
        const stored = await media.store(sha256, type, request.raw as Readable, MAX_MEDIA_BYTES);
        reply.code(201);
        return { sha256: stored.sha256, bytes: stored.bytes };
      },
    },
    {
      // The dashboard's upload: the hub computes the digest.
      method: 'POST',
      url: '/api/media',
      permission: 'media:write',
      bodyLimit: MAX_MEDIA_BYTES,
      handler: async (request, reply): Promise<MediaStored> => {
        const type = (request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
        const stored = await media.store(null, type, request.raw as Readable, MAX_MEDIA_BYTES);
        reply.code(201);
        return { sha256: stored.sha256, bytes: stored.bytes, url: `/media/${stored.sha256}` };
      },
    },
    {
      method: 'GET',
      url: '/api/sites/:id/waits',
      permission: 'sites:read',
      handler: async (request): Promise<WaitComparison> => {
        const { id: site } = parsed(IdParam, request.params, 'url');
        return { points: await stores.queue.waitComparison(site, parsed(WaitComparisonQuery, request.query ?? {}, 'query')) };
      },
    },
    {
      method: 'POST',
      url: '/api/sites/:id/token',
      permission: 'sites:write',
      handler: async (request) => {
        const { id: site } = parsed(IdParam, request.params, 'url');
        return { site, token: await stores.queue.newSiteToken(site) } satisfies SiteToken;
      },
    },
    {
      // Issue 21: each item's reach and frequency among the people who waited at the site.
      method: 'GET',
      url: '/api/sites/:id/reach',
      permission: 'impressions:read',
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
      permission: 'sites:read',
      handler: async (request): Promise<AccuracyList> => ({ accuracy: await stores.queue.accuracy(parsed(IdParam, request.params, 'url').id) }),
    },
    {
      method: 'GET',
      url: '/api/screens/:id/wait',
      permission: 'screens:read',
      handler: async (request): Promise<WaitEstimateList> => ({ estimates: await stores.waits.ofScreen(parsed(IdParam, request.params, 'url').id) }),
    },
    {
      method: 'GET',
      url: '/api/alerts',
      permission: 'alerts:read',
      handler: async (): Promise<AlertList> => ({ alerts: await stores.alerts.list() }),
    },
    {
      method: 'POST',
      url: '/api/alerts',
      permission: 'alerts:write',
      handler: async (request, reply) => {
        const alertRequest = parsed(AlertRequest, request.body, '');
        if (Date.parse(alertRequest.until) <= Date.now()) throw new HubError(400, `until: ${alertRequest.until} is already past`);
        const screenIds = await stores.screens.targetIds(alertRequest.target);
        const record = await stores.alerts.create(alertRequest, Date.now());
        channel.alert(toAlert(record), screenIds);
        reply.code(201);
        return record;
      },
    },
    {
      method: 'DELETE',
      url: '/api/alerts/:id',
      permission: 'alerts:write',
      handler: async (request) => {
        const record = await stores.alerts.clear(parsed(IdParam, request.params, 'url').id, Date.now());
        channel.clearAlert({ id: record.id }, await stores.screens.idsOf(record.target));
        return record;
      },
    },
    {
      method: 'POST',
      url: '/api/commands',
      permission: 'commands:send',
      handler: async (request): Promise<CommandResult> => {
        const { screen, type } = parsed(CommandRequest, request.body, '');
        if (!(await stores.screens.get(screen))) throw new HubError(404, `screen: "${screen}" does not exist`);
        const id = await stores.commands.create(screen, type, Date.now());
        const ack = await channel.command(screen, { id, type });
        await stores.commands.recordAck(id, ack, Date.now());
        const png = type === 'screenshot' && ack.ok ? ScreenshotData.safeParse(ack.data) : null;
        if (png?.success) await stores.commands.recordScreenshot(screen, Buffer.from(png.data.png, 'base64'), Date.now());
        return { id, screen, type, ...ack };
      },
    },
    {
      method: 'GET',
      url: '/api/screens/:id/screenshot',
      permission: 'screens:read',
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
      permission: 'impressions:read',
      handler: async (request, reply): Promise<ImpressionList | string> => {
        const { format, ...rest } = (request.query ?? {}) as Record<string, unknown>;
        const impressions = await stores.impressions.query(parsed(ImpressionQuery, rest, 'query'));
        if (format === 'csv') {
          reply.header('content-type', 'text/csv; charset=utf-8');
          return impressionsCsv(impressions);
        }
        return { impressions };
      },
    },
    ...powerRouteTable({ stores, channel }),
  ];
}

export const adminRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  // After the rate limit (onRequest), before any body is read.
  app.addHook('preParsing', async (request: FastifyRequest) => {
    const permission = request.routeOptions.config.permission;
    if (permission === undefined) throw new HubError(401, 'unauthorized: this route names no permission');
    await deps.authorize(request, permission);
  });
  // Uploads are streamed to disk, not parsed.
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  for (const route of adminRouteTable(deps)) {
    app.route({ method: route.method, url: route.url, config: { permission: route.permission }, ...(route.bodyLimit === undefined ? {} : { bodyLimit: route.bodyLimit }), handler: route.handler });
  }
};
