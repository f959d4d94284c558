import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { HubError } from '../hubError.js';
import type { MediaFiles } from '../mediaFiles.js';
import { SERVED_INLINE } from '../mediaSniff.js';
import { z } from 'zod';
import { errors } from './apiDocs.js';
import { parsed, ShaParam } from './requestParsing.js';

/**
 * The media files (`/media/<sha256>`), for players: public by content address (a sha256 cannot
 * be guessed), readable cross-origin by web players, with Range; never rate limited.
 */
export const mediaRoutes: FastifyPluginAsync<{ media: MediaFiles }> = async (app, { media }) => {
  await app.register(fastifyStatic, { root: media.dir, serve: false });

  const mediaHeaders = (reply: FastifyReply): void => {
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', 'content-length, content-range, accept-ranges, etag');
  };
  // On every answer, refusals included (a bad digest is answered before the handler runs).
  app.addHook('onRequest', async (_request, reply) => mediaHeaders(reply));
  app.options('/media/:sha256', { schema: { summary: 'CORS pour les lecteurs web / CORS preflight for web players', tags: ['media'], security: [], params: ShaParam, response: { 204: z.null().describe('No content'), ...errors(400) } } }, (_request, reply) => {
    reply.header('access-control-allow-headers', 'range');
    reply.header('access-control-allow-methods', 'GET, HEAD');
    return reply.code(204).send();
  });
  const mediaFile = { description: 'Le fichier (Range accepté) / the file (Range supported)', content: { 'application/octet-stream': { schema: z.string().describe('binary') } } };
  app.get('/media/:sha256', { schema: { summary: 'Un média par son sha256 (public) / A media file by its sha256 (public)', tags: ['media'], security: [], params: ShaParam, response: { 200: mediaFile, ...errors(400, 404) } } }, async (request, reply) => {
    const { sha256 } = parsed(ShaParam, request.params, 'url');
    const info = await media.info(sha256);
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
};
