import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import {
  AlertRequest,
  CommandRequest,
  ImpressionQuery,
  MediaCheck,
  PairingClaim,
  PairingCode,
  PairingPollQuery,
  PushRequest,
  ScreenCreate,
  Target,
  WaitComparisonQuery,
  type MediaStored,
  type PairingClaimed,
  type PairingStarted,
  type PairingState,
  type ScreenSet,
  type WaitComparison,
  type AccuracyList,
  type AlertList,
  type SiteToken,
  type WaitEstimateList,
  type CommandResult,
  type ImpressionList,
  type MediaMissing,
  type PushResult,
  type ScreenList,
  type ScreenToken,
} from '../shared/adminApi.js';
import { sitesAllowed, type Action, type Scope } from '../shared/access.js';
import { Id, Sha256 } from '../shared/ids.js';
import { filesOf, isRemoteSrc } from '../shared/playlist.js';
import { QueueMessage } from '../shared/protocol.js';
import { parseWith } from '../shared/validationError.js';
import { toAlert } from './alertStore.js';
import { HubError } from './hubError.js';
import { SERVED_INLINE } from './mediaSniff.js';
import { impressionsCsv } from './impressionStore.js';
import type { MediaFiles } from './mediaFiles.js';
import type { PairingStore } from './pairingStore.js';
import type { HubStores, ScreenChannel } from './screenChannel.js';
import { limitRequests, PAIRING_BODY_BYTES, PAIRING_POLLS_PER_MINUTE, PAIRING_STARTS_PER_MINUTE, QUEUE_BODY_BYTES } from './requestLimits.js';
import type { Access } from './access.js';
import { callerOf, type ScopeOf } from './routeAccess.js';
import { storageKind, type StorageFaultLog } from './storageFault.js';

/** The admin HTTP API (`/api`, Bearer admin token) and the public media files (`/media/<sha256>`). */

export const MAX_MEDIA_BYTES = 2_000_000_000;

function parsed<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = parseWith(schema, input);
  if (!result.ok) throw new HubError(400, where ? `${where}: ${result.error}` : result.error);
  return result.value;
}

const IdParam = z.object({ id: Id });
const ShaParam = z.object({ sha256: Sha256 });
const CodeParam = z.object({ code: PairingCode });
/** What the Electron player answers to `screenshot` (src/renderer/screenCommands.ts). */
const ScreenshotData = z.object({ png: z.string().min(1) });

export interface AdminDeps {
  stores: HubStores;
  channel: ScreenChannel;
  media: MediaFiles;
  /** Who calls, and may they (access.ts); every route says what it needs (routeAccess.ts). */
  access: Access;
  /** Requests a minute per address without a valid API token or session (default ANONYMOUS_REQUESTS_PER_MINUTE). */
  anonymousPerMinute?: number;
  pairings: PairingStore;
  /** The built dashboard (dist/dashboard), served at `/`; null: not served. */
  dashboardDir: string | null;
  /** Where storage failures are counted and logged (once per kind). */
  faults: StorageFaultLog;
}

export async function registerRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { stores, channel, media } = deps;

  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof HubError) return reply.code(error.status).send({ error: error.message });
    // A full disk, a busy or read-only database: 503, the client keeps its data and retries; the hub serves on.
    const storage = storageKind(error);
    if (storage) return reply.code(503).header('retry-after', '30').send({ error: deps.faults.record(storage, `${request.method} ${request.routeOptions.url ?? request.url}`, error) });
    const fastifyError = error as { statusCode?: number; code?: string; message?: string };
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: `body: larger than the ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes ${request.method} ${request.routeOptions.url ?? request.url} accepts` });
    const limited = (error as { error?: unknown }).error;
    if (fastifyError.statusCode === 429 && typeof limited === 'string') return reply.code(429).send({ error: limited });
    if (fastifyError.statusCode && fastifyError.statusCode < 500) return reply.code(fastifyError.statusCode).send({ error: `body: ${fastifyError.message ?? 'bad request'}` });
    app.log.error(error);
    return reply.code(500).send({ error: 'hub: internal error (see the hub log)' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `${request.method} ${request.url}: no such route` }));

  const { access } = deps;
  const isAdmin = async (request: FastifyRequest): Promise<boolean> => (await access.caller(request, Date.now())) !== null;
  await limitRequests(app, { isAdmin, ...(deps.anonymousPerMinute ? { perMinute: deps.anonymousPerMinute } : {}) });
  await app.register(fastifyStatic, { root: media.dir, serve: false });
  if (deps.dashboardDir) await app.register(fastifyStatic, { root: deps.dashboardDir, prefix: '/', wildcard: false, decorateReply: false });

  // Media are public by content address (a sha256 cannot be guessed), readable cross-origin by web players.
  const mediaHeaders = (reply: FastifyReply): void => {
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', 'content-length, content-range, accept-ranges, etag');
  };
  app.options('/media/:sha256', { config: { access: 'public' } }, (_request, reply) => {
    mediaHeaders(reply);
    reply.header('access-control-allow-headers', 'range');
    reply.header('access-control-allow-methods', 'GET, HEAD');
    return reply.code(204).send();
  });
  app.get('/media/:sha256', { config: { access: 'public' } }, (request, reply) => {
    mediaHeaders(reply);
    const { sha256 } = parsed(ShaParam, request.params, 'url');
    const info = media.info(sha256);
    if (!info) throw new HubError(404, `media ${sha256} is not on this hub`);
    // Served on the dashboard's origin: never sniffed by the browser, never able to run script,
    // and anything not a known media type (stored before uploads were checked) only as a download.
    reply.header('x-content-type-options', 'nosniff');
    reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    if (SERVED_INLINE.has(info.type)) reply.header('content-type', info.type);
    else {
      reply.header('content-type', 'application/octet-stream');
      reply.header('content-disposition', `attachment; filename="${sha256.toLowerCase()}"`);
    }
    return reply.sendFile(sha256.toLowerCase(), { immutable: true, maxAge: 365 * 86_400_000, contentType: false });
  });

  // The ticket system of a site posts its events with the site's own token (not the admin's).
  // The site token is checked before the body is read (preParsing), and the body is at most QUEUE_BODY_BYTES.
  const verifySite = async (request: FastifyRequest): Promise<void> => {
    const { id: site } = parsed(IdParam, request.params, 'url');
    stores.queue.verifySite(site, /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
  };
  app.post('/api/sites/:id/queue', { bodyLimit: QUEUE_BODY_BYTES, preParsing: verifySite, config: { access: 'public' } }, async (request) => {
    const { id: site } = parsed(IdParam, request.params, 'url');
    const { events } = parsed(QueueMessage, request.body, '');
    const fresh = stores.queue.store(site, events);
    await stores.wal.durable();
    const screens = stores.screens.idsOf({ site });
    if (fresh.length > 0) channel.queue(fresh, screens);
    return { stored: fresh.length, duplicates: events.length - fresh.length, screens: screens.filter((s) => channel.isOnline(s)).length };
  });

  // Pairing: players with no token yet ask for a code and poll it, from any origin (web players).
  app.post('/api/pairing', { bodyLimit: PAIRING_BODY_BYTES, config: { access: 'public', rateLimit: { max: PAIRING_STARTS_PER_MINUTE, timeWindow: 60_000 } } }, async (_request, reply): Promise<PairingStarted> => {
    reply.header('access-control-allow-origin', '*');
    reply.code(201);
    return deps.pairings.start(Date.now());
  });
  app.get('/api/pairing/:code', { bodyLimit: PAIRING_BODY_BYTES, config: { access: 'public', rateLimit: { max: PAIRING_POLLS_PER_MINUTE, timeWindow: 60_000 } } }, async (request, reply): Promise<PairingState> => {
    reply.header('access-control-allow-origin', '*');
    reply.header('cache-control', 'no-store');
    const { code } = parsed(CodeParam, request.params, 'url');
    return deps.pairings.poll(code, parsed(PairingPollQuery, request.query ?? {}, 'query').secret, Date.now());
  });

  // Where each route's target is: the site of the screen, alert or target it names (shared/access.ts Scope).
  // An unknown screen or alert is scoped to every site: only a role on every site gets as far as the 404.
  const siteOfScreen = (id: string): Scope => {
    const screen = stores.screens.get(id);
    return screen ? { site: screen.site } : 'all';
  };
  const siteOfTarget = (target: { screen: string } | { site: string }): Scope => ('site' in target ? { site: target.site } : siteOfScreen(target.screen));
  const screenParam: ScopeOf = (request) => siteOfScreen(parsed(IdParam, request.params, 'url').id);
  const siteParam: ScopeOf = (request) => ({ site: parsed(IdParam, request.params, 'url').id });
  /** The body's target (`{ target }`), its site (`{ site }`) or its screen (`{ screen }`); a body that does not read is answered 400 by the handler, after a role on every site. */
  const bodyTarget: ScopeOf = (request) => {
    const body = (request.body ?? {}) as { target?: unknown; site?: unknown; screen?: unknown };
    const target = Target.safeParse(body.target);
    if (target.success) return siteOfTarget(target.data);
    const site = Id.safeParse(body.site);
    if (site.success) return { site: site.data };
    const screen = Id.safeParse(body.screen);
    return screen.success ? siteOfScreen(screen.data) : 'all';
  };
  const rule = (action: Action, scope: ScopeOf) => ({ access: { action, scope } });
  /** Keeps what the caller may see of a listing: everything, or what is on its sites. */
  const visible = <T>(request: FastifyRequest, action: Action, items: T[], siteOf: (item: T) => string | null): T[] => {
    const sites = sitesAllowed(callerOf(request).user.grants, action);
    if (sites === 'all') return items;
    return items.filter((item) => {
      const site = siteOf(item);
      return site !== null && sites.includes(site);
    });
  };
  const audit = (request: FastifyRequest, record: Parameters<Access['audit']>[1]): Promise<void> => access.audit(callerOf(request), record, Date.now());

  await app.register(async (api) => {
    // Who calls is checked after the rate limit (onRequest), before any body is read; what they may do once it is parsed (routeAccess.ts).
    // Uploads are streamed to disk, not parsed.
    api.addContentTypeParser('*', (_request, _payload, done) => done(null));

    api.get('/api/screens', { config: rule('screens.read', 'any') }, async (request): Promise<ScreenList> => ({
      screens: visible(
        request,
        'screens.read',
        stores.screens.states((id) => channel.isOnline(id), (screen) => stores.playlists.setFor(screen)?.revision ?? null),
        (screen) => screen.site,
      ),
    }));

    api.post('/api/screens', { config: rule('screens.manage', bodyTarget) }, async (request, reply): Promise<ScreenToken> => {
      const created = stores.screens.add(parsed(ScreenCreate, request.body, ''));
      await audit(request, { action: 'screen.add', target: `screen:${created.screen.id}`, site: created.screen.site, detail: created.screen.name });
      reply.code(201);
      return created;
    });

    api.get('/api/screens/:id/playlists', { config: rule('screens.read', screenParam) }, async (request): Promise<ScreenSet> => {
      const { id } = parsed(IdParam, request.params, 'url');
      const screen = stores.screens.get(id);
      if (!screen) throw new HubError(404, `screen "${id}" does not exist`);
      const set = stores.playlists.setFor(screen);
      return { revision: set?.revision ?? null, timezone: screen.timezone, playlists: set?.playlists ?? [], layout: set?.layout ?? null };
    });

    api.post('/api/pairing/:code/claim', { bodyLimit: PAIRING_BODY_BYTES, config: rule('screens.manage', bodyTarget) }, async (request, reply): Promise<PairingClaimed> => {
      const { code } = parsed(CodeParam, request.params, 'url');
      const screen = deps.pairings.claim(code, parsed(PairingClaim, request.body, ''), Date.now());
      await audit(request, { action: 'pairing.claim', target: `screen:${screen.id}`, site: screen.site, detail: `code ${code}` });
      reply.code(201);
      return { screen };
    });

    api.post('/api/screens/:id/token', { config: rule('screens.manage', screenParam) }, async (request): Promise<ScreenToken> => {
      const rotated = stores.screens.rotateToken(parsed(IdParam, request.params, 'url').id);
      // The old token stops working now, for connections already open too.
      channel.disconnectScreen(rotated.screen.id);
      await audit(request, { action: 'screen.token', target: `screen:${rotated.screen.id}`, site: rotated.screen.site });
      return rotated;
    });

    api.get('/api/playlists/:id/history', { config: rule('screens.read', 'any') }, async (request) => ({ versions: stores.playlists.history(parsed(IdParam, request.params, 'url').id) }));

    api.post('/api/playlists', { config: rule('playlists.push', bodyTarget) }, async (request): Promise<PushResult> => {
      const push = parsed(PushRequest, request.body, '');
      if (push.layout !== undefined) access.require(callerOf(request), 'layouts.set', siteOfTarget(push.target));
      const screenIds = stores.screens.targetIds(push.target);
      const local: string[] = [];
      push.playlists.forEach((playlist, p) =>
        playlist.items.forEach((item, i) => {
          for (const file of filesOf(item)) {
            if (!isRemoteSrc(file.src)) local.push(`playlists[${p}].items[${i}]: "${file.src}" is a local path; the hub needs http(s) URLs (the CLI's playlist push uploads local files)`);
          }
        }),
      );
      if (local.length) throw new HubError(400, local.join('; '));
      const revisionOf = (id: string): string | null => {
        const screen = stores.screens.get(id);
        return screen ? (stores.playlists.setFor(screen)?.revision ?? null) : null;
      };
      const before = new Map(screenIds.map((id) => [id, revisionOf(id)]));
      const { versions, screens: changed } = stores.playlists.push(push);
      channel.pushSets(changed);
      const screens = screenIds.map((id) => ({ id, revision: revisionOf(id), online: channel.isOnline(id) }));
      const target = 'screen' in push.target ? `screen:${push.target.screen}` : `site:${push.target.site}`;
      const site = siteOfTarget(push.target);
      const revisions = (pick: (screen: { id: string; revision: string | null }) => string | null): string => screens.map((screen) => `${screen.id}=${pick(screen) ?? '-'}`).join(' ');
      await audit(request, {
        action: 'playlist.push',
        target,
        site: typeof site === 'object' ? site.site : null,
        before: revisions((screen) => before.get(screen.id) ?? null),
        after: revisions((screen) => screen.revision),
        detail: `${versions.map((v) => `${v.id} v${v.version}`).join(', ')}${push.replace ? ' (replace)' : ''}`,
      });
      if (push.layout !== undefined) {
        await audit(request, { action: 'layout.set', target, site: typeof site === 'object' ? site.site : null, after: push.layout ? push.layout.id : 'none' });
      }
      return { playlists: versions, screens };
    });

    api.post('/api/media/missing', { config: rule('media.upload', 'any') }, async (request): Promise<MediaMissing> => ({ missing: media.missing(parsed(MediaCheck, request.body, '').sha256) }));

    api.put('/api/media/:sha256', { bodyLimit: MAX_MEDIA_BYTES, config: rule('media.upload', 'any') }, async (request, reply) => {
      const { sha256 } = parsed(ShaParam, request.params, 'url');
      const type = (request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
      const stored = await media.store(sha256, type, request.raw as Readable, MAX_MEDIA_BYTES);
      await audit(request, { action: 'media.upload', target: `media:${stored.sha256}`, detail: `${type}, ${stored.bytes} bytes` });
      reply.code(201);
      return { sha256: stored.sha256, bytes: stored.bytes };
    });

    // The dashboard's upload: the hub computes the digest.
    api.post('/api/media', { bodyLimit: MAX_MEDIA_BYTES, config: rule('media.upload', 'any') }, async (request, reply): Promise<MediaStored> => {
      const type = (request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
      const stored = await media.store(null, type, request.raw as Readable, MAX_MEDIA_BYTES);
      await audit(request, { action: 'media.upload', target: `media:${stored.sha256}`, detail: `${type}, ${stored.bytes} bytes` });
      reply.code(201);
      return { sha256: stored.sha256, bytes: stored.bytes, url: `/media/${stored.sha256}` };
    });

    api.get('/api/sites/:id/waits', { config: rule('reports.read', siteParam) }, async (request): Promise<WaitComparison> => {
      const { id: site } = parsed(IdParam, request.params, 'url');
      return { points: stores.queue.waitComparison(site, parsed(WaitComparisonQuery, request.query ?? {}, 'query')) };
    });

    api.post('/api/sites/:id/token', { config: rule('sites.token', siteParam) }, async (request) => {
      const { id: site } = parsed(IdParam, request.params, 'url');
      const token = stores.queue.newSiteToken(site);
      await audit(request, { action: 'site.token', target: `site:${site}`, site });
      return { site, token } satisfies SiteToken;
    });

    api.get('/api/sites/:id/accuracy', { config: rule('reports.read', siteParam) }, async (request): Promise<AccuracyList> => ({ accuracy: stores.queue.accuracy(parsed(IdParam, request.params, 'url').id) }));

    api.get('/api/screens/:id/wait', { config: rule('screens.read', screenParam) }, async (request): Promise<WaitEstimateList> => ({ estimates: stores.waits.ofScreen(parsed(IdParam, request.params, 'url').id) }));

    api.get('/api/alerts', { config: rule('alerts.read', 'any') }, async (request): Promise<AlertList> => ({
      alerts: visible(request, 'alerts.read', stores.alerts.list(), (alert) => {
        const scope = siteOfTarget(alert.target);
        return typeof scope === 'object' ? scope.site : null;
      }),
    }));

    api.post('/api/alerts', { config: rule('alerts.send', bodyTarget) }, async (request, reply) => {
      const alertRequest = parsed(AlertRequest, request.body, '');
      if (Date.parse(alertRequest.until) <= Date.now()) throw new HubError(400, `until: ${alertRequest.until} is already past`);
      const screenIds = stores.screens.targetIds(alertRequest.target);
      const previous = alertRequest.id ? stores.alerts.get(alertRequest.id) : null;
      // Sending again with an alert's id replaces it: the one replaced must be within the caller's sites too.
      if (previous) access.require(callerOf(request), 'alerts.send', siteOfTarget(previous.target));
      const record = stores.alerts.create(alertRequest, Date.now());
      channel.alert(toAlert(record), screenIds);
      const site = siteOfTarget(record.target);
      await audit(request, {
        action: 'alert.send',
        target: `alert:${record.id}`,
        site: typeof site === 'object' ? site.site : null,
        before: previous ? `${previous.level} until ${previous.until}${previous.clearedAt ? ' (cleared)' : ''}` : null,
        after: `${record.level} until ${record.until}`,
        detail: record.text.slice(0, 200),
      });
      reply.code(201);
      return record;
    });

    api.delete(
      '/api/alerts/:id',
      {
        config: rule('alerts.send', (request) => {
          const alert = stores.alerts.get(parsed(IdParam, request.params, 'url').id);
          return alert ? siteOfTarget(alert.target) : 'all';
        }),
      },
      async (request) => {
        const record = stores.alerts.clear(parsed(IdParam, request.params, 'url').id, Date.now());
        channel.clearAlert({ id: record.id }, stores.screens.idsOf(record.target));
        const site = siteOfTarget(record.target);
        await audit(request, { action: 'alert.clear', target: `alert:${record.id}`, site: typeof site === 'object' ? site.site : null, before: `${record.level} until ${record.until}`, after: 'cleared' });
        return record;
      },
    );

    api.post('/api/commands', { config: rule('commands.send', bodyTarget) }, async (request): Promise<CommandResult> => {
      const { screen, type } = parsed(CommandRequest, request.body, '');
      const info = stores.screens.get(screen);
      if (!info) throw new HubError(404, `screen: "${screen}" does not exist`);
      const id = stores.commands.create(screen, type, Date.now());
      const ack = await channel.command(screen, { id, type });
      stores.commands.recordAck(id, ack, Date.now());
      const png = type === 'screenshot' && ack.ok ? ScreenshotData.safeParse(ack.data) : null;
      if (png?.success) stores.commands.recordScreenshot(screen, Buffer.from(png.data.png, 'base64'), Date.now());
      await audit(request, { action: 'command.send', target: `screen:${screen}`, site: info.site, after: ack.ok ? 'ok' : `refused: ${ack.error ?? ''}`.slice(0, 200), detail: type });
      return { id, screen, type, ...ack };
    });

    api.get('/api/screens/:id/screenshot', { config: rule('screens.read', screenParam) }, async (request, reply) => {
      const { id } = parsed(IdParam, request.params, 'url');
      const shot = stores.commands.lastScreenshot(id);
      if (!shot) throw new HubError(404, `screen "${id}" has no screenshot yet (send it the screenshot command)`);
      reply.header('content-type', 'image/png');
      reply.header('x-taken-at', shot.takenAt);
      reply.header('cache-control', 'no-store');
      return reply.send(shot.png);
    });

    api.get(
      '/api/impressions',
      {
        config: rule('reports.read', (request) => {
          const screen = Id.safeParse((request.query as { screen?: unknown } | undefined)?.screen);
          return screen.success ? siteOfScreen(screen.data) : 'any';
        }),
      },
      async (request, reply): Promise<ImpressionList | string> => {
        const { format, ...rest } = (request.query ?? {}) as Record<string, unknown>;
        const siteOf = new Map(stores.screens.all().map((screen) => [screen.id, screen.site]));
        const impressions = visible(request, 'reports.read', stores.impressions.query(parsed(ImpressionQuery, rest, 'query')), (impression) => siteOf.get(impression.screenId) ?? null);
        if (format === 'csv') {
          reply.header('content-type', 'text/csv; charset=utf-8');
          return impressionsCsv(impressions);
        }
        return { impressions };
      },
    );
  });
}
