import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Action, Scope } from '../shared/access.js';
import type { Access, Caller } from './access.js';
import { HubError } from './hubError.js';
import { API_DOCS_PREFIX } from './routes/apiDocs.js';

/**
 * Every route of the hub says who may call it, in its `config.access`:
 * - `public`: anyone (media files, pairing codes, sign-in), each limited otherwise;
 * - `signedIn`: any user (their own session and API tokens);
 * - `{ action, scope }`: a user whose grants allow the action on the scope, the scope read from
 *   the request (the site of the screen, alert or target it names).
 * A route without it is refused when registered (`guardRoutes`): the hub does not start, and the
 * role-matrix test (test/unit/hubRoles.test.ts) names it. The caller is known before the body
 * is read (preParsing: no body is read for nobody); the scope, which may be in the body, is
 * checked once it is parsed (preHandler), before the handler.
 */

export type ScopeOf = 'all' | 'any' | ((request: FastifyRequest) => Scope | Promise<Scope>);
export type RouteAccess = 'public' | 'signedIn' | { action: Action; scope: ScopeOf };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export interface RouteRule {
  method: string;
  url: string;
  access: RouteAccess;
}

const callers = new WeakMap<FastifyRequest, Caller>();

/** The caller of a guarded route (set before its handler runs). */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (!caller) throw new HubError(401, 'unauthorized: sign in, or send "Authorization: Bearer <API token>"');
  return caller;
}

/**
 * Installs the checks on `app` (call it before any route is added, on the root instance so
 * that it sees every plugin's routes) and answers the table of rules, filled as routes are added.
 */
export function guardRoutes(app: FastifyInstance, access: Access): RouteRule[] {
  const table: RouteRule[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // Outside /api (the dashboard's files, /media): public unless the route says otherwise.
    // The API's documentation (/api/docs, routes/apiDocs.ts) is public, as its pages say nothing secret.
    const rule = route.config?.access ?? (route.url.startsWith('/api/') && route.url !== API_DOCS_PREFIX && !route.url.startsWith(`${API_DOCS_PREFIX}/`) ? undefined : 'public');
    if (rule === undefined) {
      throw new Error(`route ${methods.join(',')} ${route.url}: no access rule (config.access: 'public', 'signedIn' or { action, scope }; see src/hub/routeAccess.ts)`);
    }
    for (const method of methods) if (method !== 'HEAD') table.push({ method, url: route.url, access: rule });
    if (rule === 'public') return;
    const preParsing = async (request: FastifyRequest): Promise<void> => {
      const caller = await access.caller(request, Date.now());
      if (!caller) throw new HubError(401, 'unauthorized: sign in, or send "Authorization: Bearer <API token>"');
      access.checkCsrf(caller, request);
      callers.set(request, caller);
    };
    // preValidation: the body is parsed, not yet checked against the route's schema (a refused role is told so before its input is judged).
    const preValidation = async (request: FastifyRequest): Promise<void> => {
      if (rule === 'signedIn') return;
      const scope = typeof rule.scope === 'function' ? await rule.scope(request) : rule.scope;
      access.require(callerOf(request), rule.action, scope);
    };
    route.preParsing = [preParsing, ...toArray(route.preParsing)] as typeof route.preParsing;
    route.preValidation = [preValidation, ...toArray(route.preValidation)] as typeof route.preValidation;
  });
  return table;
}

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
