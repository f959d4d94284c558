import type { FastifyPluginAsync } from 'fastify';
import { PairingCode, PairingPollQuery, PairingStarted, PairingState } from '../../shared/pairing.js';
import { z } from 'zod';
import { PAIRING_BODY_BYTES, PAIRING_POLLS_PER_MINUTE, PAIRING_STARTS_PER_MINUTE } from '../requestLimits.js';
import type { PairingStore } from '../stores/index.js';
import { errors } from './apiDocs.js';
import { parsed } from './requestParsing.js';
import { HubError } from '../hubError.js';

export const CodeParam = z.object({ code: PairingCode });
/** The code a screen polls: any text (one no screen could show is as unknown as any other: 404, §3). */
const PolledCode = z.object({ code: z.string() });

/**
 * Pairing, for players with no token yet: they ask for a code and poll it, from any origin (web
 * players), each under its own rate limit. The admin's claim of a code is an admin route.
 */
export const pairingRoutes: FastifyPluginAsync<{ pairings: PairingStore }> = async (app, { pairings }) => {
  // Readable from any origin, refusals included (a bad code is answered before the handler runs).
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*');
  });
  app.post(
    '/api/pairing',
    {
      bodyLimit: PAIRING_BODY_BYTES,
      config: { access: 'public', rateLimit: { max: PAIRING_STARTS_PER_MINUTE, timeWindow: 60_000 } },
      schema: { summary: "Un écran sans jeton demande un code d'appairage / A screen without a token asks for a pairing code", tags: ['pairing'], security: [], response: { 201: PairingStarted, ...errors(429) } },
    },
    async (_request, reply): Promise<PairingStarted> => {
    reply.code(201);
    return pairings.start(Date.now());
    },
  );
  app.get(
    '/api/pairing/:code',
    {
      bodyLimit: PAIRING_BODY_BYTES,
      config: { access: 'public', rateLimit: { max: PAIRING_POLLS_PER_MINUTE, timeWindow: 60_000 } },
      schema: { summary: "L'écran attend que son code soit appairé / The screen polls its code until it is claimed", tags: ['pairing'], security: [], params: PolledCode, querystring: PairingPollQuery, response: { 200: PairingState, ...errors(400, 404, 410, 429) } },
    },
    async (request, reply): Promise<PairingState> => {
    reply.header('cache-control', 'no-store');
    // §3: an unknown code gets the same 404 as a wrong secret, also one no screen could show (not of the code's alphabet).
    const code = CodeParam.safeParse(request.params);
    // Not of the code's alphabet: no screen was shown it; not looked up, not echoed.
    if (!code.success) throw new HubError(404, 'pairing: code is unknown or expired; ask for a new one');
    return pairings.poll(code.data.code, parsed(PairingPollQuery, request.query ?? {}, 'query').secret, Date.now());
    },
  );
};
