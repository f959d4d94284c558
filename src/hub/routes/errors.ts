import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../hubError.js';
import { dataException, storageKind, type StorageFaultLog } from '../storageFault.js';

/**
 * How every route's errors are answered, set once at the root (plugins inherit it): a HubError
 * with its status; a storage failure (full disk, busy or read-only database) 503 with
 * Retry-After, counted and logged once per kind, the client keeping its data; a body too large
 * 413; a rate limit 429; a value PostgreSQL cannot store 400; anything else a 500 that says to
 * look at the hub's log, and is logged there (`log`: fastify's own logger is off), with the
 * route's pattern rather than the URL asked (a query string may carry a pairing's secret).
 */
export function answerErrors(app: FastifyInstance, faults: StorageFaultLog, log: (line: string) => void): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof HubError) return reply.code(error.status).send({ error: error.message });
    // A full disk, a busy or read-only database: 503, the client keeps its data and retries; the hub serves on.
    const storage = storageKind(error);
    if (storage) return reply.code(503).header('retry-after', '30').send({ error: faults.record(storage, `${request.method} ${request.routeOptions.url ?? request.url}`, error) });
    // A value the database cannot store: the caller's to mend, logged all the same (the schemas should have refused it).
    const refused = dataException(error);
    if (refused) {
      log(`hub: ${request.method} ${request.routeOptions.url ?? '(no route)'}: the database refused a value: ${refused}`);
      return reply.code(400).send({ error: `request: a value the database cannot store: ${refused}` });
    }
    const fastifyError = error as { statusCode?: number; code?: string; message?: string };
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: `body: larger than the ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes ${request.method} ${request.routeOptions.url ?? request.url} accepts` });
    // Keys that could reach a prototype are dropped by the parser (hubServer.ts), not refused.
    if (fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return reply.code(400).send({ error: 'body: not valid JSON' });
    const limited = (error as { error?: unknown }).error;
    if (fastifyError.statusCode === 429 && typeof limited === 'string') return reply.code(429).send({ error: limited });
    if (fastifyError.statusCode && fastifyError.statusCode < 500) return reply.code(fastifyError.statusCode).send({ error: `body: ${fastifyError.message ?? 'bad request'}` });
    log(`hub: ${request.method} ${request.routeOptions.url ?? '(no route)'} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return reply.code(500).send({ error: 'hub: internal error (see the hub log)' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `${request.method} ${request.url}: no such route` }));
}

/**
 * What fastify answers itself, before any route or hook (its `frameworkErrors` option): a path
 * that does not decode (`%ZZ`), a part of the path over its 100 characters. In the hub's own
 * shape (`{ error }`, naming the URL), not fastify's (`{ error: "Bad Request", code, … }`).
 */
export function answerFrameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : error.code === 'FST_ERR_BAD_URL' ? 400 : (error.statusCode ?? 500);
  const why = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a part of the path is longer than 100 characters (an id has at most 64)' : error.code === 'FST_ERR_BAD_URL' ? 'the path is not valid percent-encoding' : error.message;
  void reply.code(status).send({ error: `url: ${why}` });
}
