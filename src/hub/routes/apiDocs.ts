import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { ApiError } from '../../shared/adminApi.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { parseWith } from '../../shared/validationError.js';
import { HubError } from '../hubError.js';

/**
 * The API's documentation, made from the zod schemas the routes declare (`schema: { body,
 * params, querystring, response }`) and validate with: `GET /api/docs` is a readable page
 * (Swagger UI, served from the hub itself: no CDN), `GET /api/docs/json` the OpenAPI 3.1
 * document. Registered before any route (it collects them as they are declared).
 */

export const API_DOCS_PREFIX = '/api/docs';

const ERROR_MEANINGS = {
  400: 'Entrée refusée / bad input: `{ error: "<path>: <reason>" }`',
  401: 'Jeton absent ou faux / no or wrong token',
  403: 'Adresse non autorisée / address not allowed',
  404: 'Introuvable / not found',
  409: 'Conflit (déjà là, écran non connecté) / conflict (already there, screen not connected)',
  410: 'Expiré / expired',
  413: 'Trop grand / too large',
  415: 'Type de média refusé / media type refused',
  429: 'Trop de requêtes sans jeton valide / too many requests without a valid token',
  500: 'Erreur interne du hub (voir son journal) / internal error of the hub (see its log)',
  502: "Réponse de l'écran incomprise / the screen's answer was not understood",
  503: 'Stockage indisponible, réessayer (Retry-After) / storage unavailable, retry (Retry-After)',
  504: "L'écran n'a pas répondu à temps / the screen did not answer in time",
} as const;

/** An answer of a route: a zod schema (JSON), or per content type (a PNG, a CSV, the metrics' text). */
export type RouteAnswer = z.ZodType | { description: string; content: Record<string, { schema: z.ZodType }> };

/** A route's `schema`: zod schemas for what it takes (checked before its handler runs) and what it answers (documented). */
export interface RouteSchema {
  summary: string;
  description?: string;
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** A body that is not JSON (a media upload: `application/octet-stream`). */
  consumes?: string[];
  response: Record<number, RouteAnswer>;
  tags?: string[];
  security?: Record<string, string[]>[];
}

/** The error answers of a route, for its `schema.response`: each `{ error }` with what the status means here. */
export function errors(...statuses: (keyof typeof ERROR_MEANINGS)[]): Record<number, z.ZodType> {
  return Object.fromEntries(statuses.map((status) => [status, ApiError.describe(ERROR_MEANINGS[status])]));
}

/** Where a request part is named in an error (the admin API's convention: `url: …`, `query: …`, body errors bare). */
const PART_PREFIX: Record<string, string> = { body: '', params: 'url: ', querystring: 'query: ', headers: 'headers: ' };

/**
 * Route schemas are zod schemas: a request part is parsed with its schema (defaults and
 * transforms applied), and a bad one is answered 400 with the project's `<path>: <reason>`.
 */
export const zodValidator: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const prefix = PART_PREFIX[httpPart ?? 'body'] ?? '';
  return (data: unknown) => {
    const result = parseWith(schema, data);
    return result.ok ? { value: result.value } : { error: new HubError(400, `${prefix}${result.error}`) };
  };
};

/** Response schemas document; they do not filter (the handlers build their answers from the same types). */
export const plainSerializer = () => (data: unknown) => JSON.stringify(data);

/**
 * Sets zod as the routes' schema language, and documents every route declared after this (on
 * this instance and its plugins); answers the list of those routes, filled in as they are declared.
 */
export async function apiDocs(app: FastifyInstance): Promise<{ method: string; url: string }[]> {
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) routes.push({ method, url: route.url });
  });
  app.setValidatorCompiler(zodValidator);
  app.setSerializerCompiler(plainSerializer);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Antichambre hub API',
        version: String(PROTOCOL_VERSION),
        description:
          "L'API d'administration du hub Antichambre (jeton d'administration), l'appairage des écrans, les événements de file d'attente des sites (jeton du site) et les médias. / The Antichambre hub's admin API (admin token), screen pairing, the sites' queue events (site token) and media. Errors: `{ error: \"<path>: <reason>\" }` with a 4xx or 5xx status.",
      },
      components: {
        securitySchemes: {
          admin: { type: 'http', scheme: 'bearer', description: "Jeton d'administration / admin token (antichambre-hub serve prints it at first start)" },
          site: { type: 'http', scheme: 'bearer', description: 'Jeton du site / site token (antichambre-hub site token <site>)' },
          metrics: { type: 'http', scheme: 'bearer', description: 'Jeton de supervision / metrics token (--metrics-token)' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: API_DOCS_PREFIX, staticCSP: true, uiConfig: { docExpansion: 'list', deepLinking: true } });
  return routes;
}
