import type { FastifyPluginAsync } from 'fastify';
import { PairingCode, PairingPollQuery, PairingStarted, PairingState } from '../../shared/pairing.js';
import { z } from 'zod';
import { PAIRING_BODY_BYTES, PAIRING_POLLS_PER_MINUTE, PAIRING_STARTS_PER_MINUTE } from '../requestLimits.js';
import type { PairingStore } from '../stores/index.js';
import { errors } from './apiDocs.js';
import { HubError } from '../hubError.js';
import { UNKNOWN_PAIRING } from '../stores/storeRules.js';

export const CodeParam = z.object({ code: PairingCode });
/** The code a screen polls: any text (one no screen could show is as unknown as any other: 404, §3). */
const PolledCode = z.object({ code: z.string() });
/** Its secret, documented here and checked in the handler: none, or several, is a wrong one (404, §3), not a bad request. */
const PolledQuery = z.object({ secret: z.unknown().optional().describe('the secret given with the code') });

/**
 * Pairing, for players with no token yet: they ask for a code and poll it, from any origin (web
 * players), each under its own rate limit. The admin's claim of a code is an admin route.
 */
export const pairingRoutes: FastifyPluginAsync<{ pairings: PairingStore }> = async (app, { pairings }) => {
  // Readable from any origin, refusals included (a bad code is answered before the handler runs).
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*');
  });
  // Nothing is read from a body here, whatever its type (protocol-notes: 200 whatever the body's
  // content): one sent empty with a JSON type (as fetch helpers do), a form, text (before, any type
  // but JSON was 415). Its size is still capped (PAIRING_BODY_BYTES).
  const ignored = (_request: unknown, _body: unknown, done: (error: null, body: undefined) => void): void => done(null, undefined);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, ignored);
  app.addContentTypeParser('*', { parseAs: 'string' }, ignored);
  // A player on another origin that posts with a JSON type asks first (a CORS preflight): allowed from any origin.
  for (const url of ['/api/pairing', '/api/pairing/:code']) {
    app.options(
      url,
      {
        config: { access: 'public', rateLimit: { max: PAIRING_POLLS_PER_MINUTE, timeWindow: 60_000 } },
        schema: { summary: 'CORS pour les lecteurs web / CORS preflight for web players', tags: ['pairing'], security: [], ...(url.endsWith(':code') ? { params: PolledCode } : {}), response: { 204: z.null().describe('No content'), ...errors(429) } },
      },
      (_request, reply) => {
        reply.header('access-control-allow-methods', 'GET, POST');
        reply.header('access-control-allow-headers', 'content-type');
        reply.header('access-control-max-age', '600');
        return reply.code(204).send();
      },
    );
  }
  app.post(
    '/api/pairing',
    {
      bodyLimit: PAIRING_BODY_BYTES,
      config: { access: 'public', rateLimit: { max: PAIRING_STARTS_PER_MINUTE, timeWindow: 60_000 } },
      schema: { summary: "Un écran sans jeton demande un code d'appairage / A screen without a token asks for a pairing code", tags: ['pairing'], security: [], response: { 200: PairingStarted, ...errors(429, 503) } },
    },
    // §3 names no status but the 404s: 200, as for every other answer of the contract.
    async (): Promise<PairingStarted> => pairings.start(Date.now()),
  );
  app.get(
    '/api/pairing/:code',
    {
      bodyLimit: PAIRING_BODY_BYTES,
      config: { access: 'public', rateLimit: { max: PAIRING_POLLS_PER_MINUTE, timeWindow: 60_000 } },
      schema: { summary: "L'écran attend que son code soit appairé / The screen polls its code until it is claimed", tags: ['pairing'], security: [], params: PolledCode, querystring: PolledQuery, response: { 200: PairingState, ...errors(404, 429) } },
    },
    async (request, reply): Promise<PairingState> => {
    reply.header('cache-control', 'no-store');
    // §3: an unknown code gets the same 404 as a wrong secret, also one no screen could show (not of the code's alphabet).
    const code = CodeParam.safeParse(request.params);
    // Not of the code's alphabet: no screen was shown it; not looked up, not echoed.
    if (!code.success) throw new HubError(404, UNKNOWN_PAIRING);
    // No secret, an empty one or several: a wrong secret, which the store answers with its 404.
    const query = PairingPollQuery.safeParse(request.query ?? {});
    return pairings.poll(code.data.code, query.success ? query.data.secret : '', Date.now());
    },
  );
};
