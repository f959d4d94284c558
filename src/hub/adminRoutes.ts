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
import { tokenMatches } from './secrets.js';
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
  adminTokenHash: () => string;
  /** Requests a minute per address without the admin token (default ANONYMOUS_REQUESTS_PER_MINUTE). */
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

  const isAdmin = (request: FastifyRequest): boolean => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    return token !== undefined && tokenMatches(token, deps.adminTokenHash());
  };
  await limitRequests(app, { isAdmin, ...(deps.anonymousPerMinute ? { perMinute: deps.anonymousPerMinute } : {}) });
  await app.register(fastifyStatic, { root: media.dir, serve: false });
  if (deps.dashboardDir) await app.register(fastifyStatic, { root: deps.dashboardDir, prefix: '/', wildcard: false, decorateReply: false });

  // Media are public by content address (a sha256 cannot be guessed), readable cross-origin by web players.
  const mediaHeaders = (reply: FastifyReply): void => {
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', 'content-length, content-range, accept-ranges, etag');
  };
  app.options('/media/:sha256', (_request, reply) => {
    mediaHeaders(reply);
    reply.header('access-control-allow-headers', 'range');
    reply.header('access-control-allow-methods', 'GET, HEAD');
    return reply.code(204).send();
  });
  app.get('/media/:sha256', (request, reply) => {
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
  app.post('/api/sites/:id/queue', { bodyLimit: QUEUE_BODY_BYTES, preParsing: verifySite }, async (request) => {
    const { id: site } = parsed(IdParam, request.params, 'url');
    const { events } = parsed(QueueMessage, request.body, '');
    const fresh = stores.queue.store(site, events);
    await stores.wal.durable();
    const screens = stores.screens.idsOf({ site });
    if (fresh.length > 0) channel.queue(site, fresh, screens);
    return { stored: fresh.length, duplicates: events.length - fresh.length, screens: screens.filter((s) => channel.isOnline(s)).length };
  });

  // Pairing: players with no token yet ask for a code and poll it, from any origin (web players).
  app.post('/api/pairing', { bodyLimit: PAIRING_BODY_BYTES, config: { rateLimit: { max: PAIRING_STARTS_PER_MINUTE, timeWindow: 60_000 } } }, async (_request, reply): Promise<PairingStarted> => {
    reply.header('access-control-allow-origin', '*');
    reply.code(201);
    return deps.pairings.start(Date.now());
  });
  app.get('/api/pairing/:code', { bodyLimit: PAIRING_BODY_BYTES, config: { rateLimit: { max: PAIRING_POLLS_PER_MINUTE, timeWindow: 60_000 } } }, async (request, reply): Promise<PairingState> => {
    reply.header('access-control-allow-origin', '*');
    reply.header('cache-control', 'no-store');
    const { code } = parsed(CodeParam, request.params, 'url');
    return deps.pairings.poll(code, parsed(PairingPollQuery, request.query ?? {}, 'query').secret, Date.now());
  });

  await app.register(async (api) => {
    // After the rate limit (onRequest), before any body is read.
    api.addHook('preParsing', async (request: FastifyRequest) => {
      if (!isAdmin(request)) throw new HubError(401, 'unauthorized: expected "Authorization: Bearer <admin token>" (printed at the hub\'s first start)');
    });
    // Uploads are streamed to disk, not parsed.
    api.addContentTypeParser('*', (_request, _payload, done) => done(null));

    api.get('/api/screens', async (): Promise<ScreenList> => ({
      screens: channel.screenStates(),
    }));

    api.post('/api/screens', async (request, reply): Promise<ScreenToken> => {
      const created = stores.screens.add(parsed(ScreenCreate, request.body, ''));
      reply.code(201);
      return created;
    });

    api.get('/api/screens/:id/playlists', async (request): Promise<ScreenSet> => {
      const { id } = parsed(IdParam, request.params, 'url');
      const screen = stores.screens.get(id);
      if (!screen) throw new HubError(404, `screen "${id}" does not exist`);
      const set = stores.playlists.setFor(screen);
      return { revision: set?.revision ?? null, timezone: screen.timezone, playlists: set?.playlists ?? [], layout: set?.layout ?? null };
    });

    api.post('/api/pairing/:code/claim', { bodyLimit: PAIRING_BODY_BYTES }, async (request, reply): Promise<PairingClaimed> => {
      const { code } = parsed(CodeParam, request.params, 'url');
      const screen = deps.pairings.claim(code, parsed(PairingClaim, request.body, ''), Date.now());
      reply.code(201);
      return { screen };
    });

    api.post('/api/screens/:id/token', async (request): Promise<ScreenToken> => {
      const rotated = stores.screens.rotateToken(parsed(IdParam, request.params, 'url').id);
      // The old token stops working now, for connections already open too.
      channel.disconnectScreen(rotated.screen.id);
      return rotated;
    });

    api.get('/api/playlists/:id/history', async (request) => ({ versions: stores.playlists.history(parsed(IdParam, request.params, 'url').id) }));

    api.post('/api/playlists', async (request): Promise<PushResult> => {
      const push = parsed(PushRequest, request.body, '');
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
      const { versions, screens: changed } = stores.playlists.push(push);
      channel.pushSets(changed);
      return {
        playlists: versions,
        screens: screenIds.map((id) => {
          const screen = stores.screens.get(id)!;
          return { id, revision: stores.playlists.setFor(screen)?.revision ?? null, online: channel.isOnline(id) };
        }),
      };
    });

    api.post('/api/media/missing', async (request): Promise<MediaMissing> => ({ missing: media.missing(parsed(MediaCheck, request.body, '').sha256) }));

    api.put('/api/media/:sha256', { bodyLimit: MAX_MEDIA_BYTES }, async (request, reply) => {
      const { sha256 } = parsed(ShaParam, request.params, 'url');
      const type = (request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
      const stored = await media.store(sha256, type, request.raw as Readable, MAX_MEDIA_BYTES);
      reply.code(201);
      return { sha256: stored.sha256, bytes: stored.bytes };
    });

    // The dashboard's upload: the hub computes the digest.
    api.post('/api/media', { bodyLimit: MAX_MEDIA_BYTES }, async (request, reply): Promise<MediaStored> => {
      const type = (request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
      const stored = await media.store(null, type, request.raw as Readable, MAX_MEDIA_BYTES);
      reply.code(201);
      return { sha256: stored.sha256, bytes: stored.bytes, url: `/media/${stored.sha256}` };
    });

    api.get('/api/sites/:id/waits', async (request): Promise<WaitComparison> => {
      const { id: site } = parsed(IdParam, request.params, 'url');
      return { points: stores.queue.waitComparison(site, parsed(WaitComparisonQuery, request.query ?? {}, 'query')) };
    });

    api.post('/api/sites/:id/token', async (request) => {
      const { id: site } = parsed(IdParam, request.params, 'url');
      return { site, token: stores.queue.newSiteToken(site) } satisfies SiteToken;
    });

    api.get('/api/sites/:id/accuracy', async (request): Promise<AccuracyList> => ({ accuracy: stores.queue.accuracy(parsed(IdParam, request.params, 'url').id) }));

    api.get('/api/screens/:id/wait', async (request): Promise<WaitEstimateList> => ({ estimates: stores.waits.ofScreen(parsed(IdParam, request.params, 'url').id) }));

    api.get('/api/alerts', async (): Promise<AlertList> => ({ alerts: stores.alerts.list() }));

    api.post('/api/alerts', async (request, reply) => {
      const alertRequest = parsed(AlertRequest, request.body, '');
      if (Date.parse(alertRequest.until) <= Date.now()) throw new HubError(400, `until: ${alertRequest.until} is already past`);
      const screenIds = stores.screens.targetIds(alertRequest.target);
      const record = stores.alerts.create(alertRequest, Date.now());
      channel.alert(toAlert(record), screenIds);
      reply.code(201);
      return record;
    });

    api.delete('/api/alerts/:id', async (request) => {
      const record = stores.alerts.clear(parsed(IdParam, request.params, 'url').id, Date.now());
      channel.clearAlert({ id: record.id }, stores.screens.idsOf(record.target));
      return record;
    });

    api.post('/api/commands', async (request): Promise<CommandResult> => {
      const { screen, type } = parsed(CommandRequest, request.body, '');
      if (!stores.screens.get(screen)) throw new HubError(404, `screen: "${screen}" does not exist`);
      const id = stores.commands.create(screen, type, Date.now());
      const ack = await channel.command(screen, { id, type });
      stores.commands.recordAck(id, ack, Date.now());
      const png = type === 'screenshot' && ack.ok ? ScreenshotData.safeParse(ack.data) : null;
      if (png?.success) stores.commands.recordScreenshot(screen, Buffer.from(png.data.png, 'base64'), Date.now());
      return { id, screen, type, ...ack };
    });

    api.get('/api/screens/:id/screenshot', async (request, reply) => {
      const { id } = parsed(IdParam, request.params, 'url');
      const shot = stores.commands.lastScreenshot(id);
      if (!shot) throw new HubError(404, `screen "${id}" has no screenshot yet (send it the screenshot command)`);
      reply.header('content-type', 'image/png');
      reply.header('x-taken-at', shot.takenAt);
      reply.header('cache-control', 'no-store');
      return reply.send(shot.png);
    });

    api.get('/api/impressions', async (request, reply): Promise<ImpressionList | string> => {
      const { format, ...rest } = (request.query ?? {}) as Record<string, unknown>;
      const impressions = stores.impressions.query(parsed(ImpressionQuery, rest, 'query'));
      if (format === 'csv') {
        reply.header('content-type', 'text/csv; charset=utf-8');
        return impressionsCsv(impressions);
      }
      return { impressions };
    });
  });
}
