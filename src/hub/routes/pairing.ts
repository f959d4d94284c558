import type { FastifyPluginAsync } from 'fastify';
import { PairingCode, PairingPollQuery, type PairingStarted, type PairingState } from '../../shared/adminApi.js';
import { z } from 'zod';
import { PAIRING_BODY_BYTES, PAIRING_POLLS_PER_MINUTE, PAIRING_STARTS_PER_MINUTE } from '../requestLimits.js';
import type { PairingStore } from '../stores/index.js';
import { parsed } from './requestParsing.js';

export const CodeParam = z.object({ code: PairingCode });

/**
 * Pairing, for players with no token yet: they ask for a code and poll it, from any origin (web
 * players), each under its own rate limit. The admin's claim of a code is an admin route.
 */
export const pairingRoutes: FastifyPluginAsync<{ pairings: PairingStore }> = async (app, { pairings }) => {
  app.post('/api/pairing', { bodyLimit: PAIRING_BODY_BYTES, config: { rateLimit: { max: PAIRING_STARTS_PER_MINUTE, timeWindow: 60_000 } } }, async (_request, reply): Promise<PairingStarted> => {
    reply.header('access-control-allow-origin', '*');
    reply.code(201);
    return pairings.start(Date.now());
  });
  app.get('/api/pairing/:code', { bodyLimit: PAIRING_BODY_BYTES, config: { rateLimit: { max: PAIRING_POLLS_PER_MINUTE, timeWindow: 60_000 } } }, async (request, reply): Promise<PairingState> => {
    reply.header('access-control-allow-origin', '*');
    reply.header('cache-control', 'no-store');
    const { code } = parsed(CodeParam, request.params, 'url');
    return pairings.poll(code, parsed(PairingPollQuery, request.query ?? {}, 'query').secret, Date.now());
  });
};
