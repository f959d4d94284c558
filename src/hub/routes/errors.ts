import type { FastifyInstance } from 'fastify';
import { HubError } from '../hubError.js';
import { storageKind, type StorageFaultLog } from '../storageFault.js';

/**
 * How every route's errors are answered, set once at the root (plugins inherit it): a HubError
 * with its status; a storage failure (full disk, busy or read-only database) 503 with
 * Retry-After, counted and logged once per kind, the client keeping its data; a body too large
 * 413; a rate limit 429; anything else a 500 that says to look at the hub's log.
 */
export function answerErrors(app: FastifyInstance, faults: StorageFaultLog): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof HubError) return reply.code(error.status).send({ error: error.message });
    // A full disk, a busy or read-only database: 503, the client keeps its data and retries; the hub serves on.
    const storage = storageKind(error);
    if (storage) return reply.code(503).header('retry-after', '30').send({ error: faults.record(storage, `${request.method} ${request.routeOptions.url ?? request.url}`, error) });
    const fastifyError = error as { statusCode?: number; code?: string; message?: string };
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: `body: larger than the ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes ${request.method} ${request.routeOptions.url ?? request.url} accepts` });
    const limited = (error as { error?: unknown }).error;
    if (fastifyError.statusCode === 429 && typeof limited === 'string') return reply.code(429).send({ error: limited });
    if (fastifyError.statusCode && fastifyError.statusCode < 500) return reply.code(fastifyError.statusCode).send({ error: `body: ${fastifyError.message ?? 'bad request'}` });
    app.log.error(error);
    return reply.code(500).send({ error: 'hub: internal error (see the hub log)' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `${request.method} ${request.url}: no such route` }));
}
