import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { createHash, timingSafeEqual } from 'node:crypto';
import { actionsAllowed, grantsAllow, type Action, type Grant, type Scope } from '../shared/access.js';
import type { SessionState, UserInfo } from '../shared/accounts.js';
import { HubError } from './hubError.js';
import { LoginThrottle } from './loginThrottle.js';
import { hashPassword, newPassword, passwordMatches } from './passwords.js';
import { bearerToken } from './secrets.js';
import type { AccountStore, ApiTokenStore, AuditLog, AuditRecord, SessionStore } from './stores/index.js';

/**
 * Who is calling, and may they: an API token (`Authorization: Bearer`, CLI and scripts) or a
 * dashboard session (its cookie, and for every state-changing request the session's CSRF token
 * as `x-csrf-token`); each resolved to a user whose grants are checked against the target's
 * site (shared/access.ts). Sign-in with a password is throttled per account and per address,
 * and every sign-in, failed or not, goes to the audit log.
 */

export interface AccessStores {
  accounts: AccountStore;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  audit: AuditLog;
}

export type Caller = {
  user: UserInfo;
  address: string;
} & ({ via: 'token'; tokenId: string } | { via: 'session'; sessionToken: string; lastSeen: string });

export const SESSION_COOKIE = 'antichambre_session';
/** The cookie's name over HTTPS: `__Host-` makes the browser refuse it unless Secure, for this host only, on `/`. */
export const SECURE_SESSION_COOKIE = '__Host-antichambre_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The session's CSRF token: derived from the cookie's secret (nothing more to store), useless without the cookie. */
export function csrfTokenOf(sessionToken: string): string {
  return createHash('sha256').update(`antichambre csrf\0${sessionToken}`, 'utf8').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class Access {
  readonly throttle: LoginThrottle;

  constructor(
    readonly stores: AccessStores,
    private readonly idleMs: number,
    throttle?: LoginThrottle,
  ) {
    this.throttle = throttle ?? new LoginThrottle();
  }

  private readonly resolved = new WeakMap<FastifyRequest, Promise<Caller | null>>();

  /** The caller of a request, or null (no credentials, or they are not valid: unknown, revoked, ended, user disabled); looked up once per request. */
  caller(request: FastifyRequest, now: number): Promise<Caller | null> {
    let found = this.resolved.get(request);
    if (!found) {
      found = this.lookUp(request, now);
      this.resolved.set(request, found);
    }
    return found;
  }

  private async lookUp(request: FastifyRequest, now: number): Promise<Caller | null> {
    const bearer = bearerToken(request.headers.authorization);
    if (bearer !== null) {
      const found = await this.stores.tokens.verify(bearer, now);
      const user = found ? await this.stores.accounts.get(found.userId) : null;
      return found && user && !user.disabled ? { user, address: request.ip, via: 'token', tokenId: found.tokenId } : null;
    }
    const cookies = request.cookies ?? {};
    const sessionToken = cookies[SECURE_SESSION_COOKIE] ?? cookies[SESSION_COOKIE];
    if (!sessionToken) return null;
    const session = await this.stores.sessions.touch(sessionToken, now);
    const user = session ? await this.stores.accounts.get(session.userId) : null;
    return session && user && !user.disabled ? { user, address: request.ip, via: 'session', sessionToken, lastSeen: session.lastSeen } : null;
  }

  /**
   * A session's state-changing request must carry its CSRF token (SameSite=Strict already keeps
   * other sites' requests from carrying the cookie; this holds for a sibling subdomain or an old
   * browser too) and, when the browser says where it comes from, come from this hub's own origin.
   */
  checkCsrf(caller: Caller, request: FastifyRequest): void {
    if (caller.via !== 'session' || SAFE_METHODS.has(request.method)) return;
    const given = request.headers[CSRF_HEADER];
    if (typeof given !== 'string' || !sameText(given, csrfTokenOf(caller.sessionToken))) {
      throw new HubError(403, `csrf: ${request.method} with a session needs the session's token in the ${CSRF_HEADER} header (GET /api/session answers it)`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      // Behind a reverse proxy (--trust-proxy), the host the browser used is X-Forwarded-Host's (fastify's request.host).
      const host = request.host;
      let originHost: string | null = null;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = null;
      }
      if (!host || originHost !== host) throw new HubError(403, `csrf: a request from ${origin} cannot use this hub's session`);
    }
  }

  /** Whether the caller's grants allow the action on the scope (no caller: never). */
  allows(caller: Caller | null, action: Action, scope: Scope): boolean {
    return caller !== null && grantsAllow(caller.user.grants, action, scope);
  }

  /** Throws 401 without a caller, 403 when its grants do not allow the action on the scope. */
  require(caller: Caller | null, action: Action, scope: Scope): Caller {
    if (!caller) throw new HubError(401, 'unauthorized: sign in, or send "Authorization: Bearer <API token>"');
    if (!grantsAllow(caller.user.grants, action, scope)) {
      const where = scope === 'all' ? 'every site' : scope === 'any' ? 'any site' : `site "${scope.site}"`;
      throw new HubError(403, `forbidden: ${caller.user.email} may not ${action} on ${where}`);
    }
    return caller;
  }

  state(caller: Caller): SessionState {
    return {
      user: caller.user,
      actions: actionsAllowed(caller.user.grants),
      csrfToken: caller.via === 'session' ? csrfTokenOf(caller.sessionToken) : null,
      idleUntil: caller.via === 'session' ? new Date(Date.parse(caller.lastSeen) + this.idleMs).toISOString() : null,
    };
  }

  async audit(caller: Caller | null, record: Omit<AuditRecord, 'actor' | 'address'> & { address?: string | null }, now: number): Promise<void> {
    await this.stores.audit.append({ ...record, actor: caller ? { id: caller.user.id, email: caller.user.email } : null, address: record.address ?? caller?.address ?? null }, now);
  }

  /** A password sign-in: the new session's cookie value, or 401 (always the same answer: no hint whether the email exists), or 429 while throttled. */
  async signIn(email: string, password: string, address: string, now: number): Promise<{ user: UserInfo; sessionToken: string }> {
    const wait = await this.throttle.waitSeconds(email, address, now);
    if (wait > 0) {
      await this.stores.audit.append({ actor: null, address, action: 'session.signin-failed', target: `email:${email}`, detail: 'throttled' }, now);
      throw new HubError(429, `sign-in: too many failed attempts for this account or from this address; retry in ${wait} s`);
    }
    const user = await this.stores.accounts.byEmail(email);
    const stored = user ? await this.stores.accounts.passwordHashOf(user.id) : null;
    const matches = await passwordMatches(password, stored);
    if (!user || !matches || user.disabled) {
      await this.throttle.failed(email, address, now);
      await this.stores.audit.append(
        { actor: user ? { id: user.id, email: user.email } : null, address, action: 'session.signin-failed', target: `email:${email}`, detail: !user ? 'unknown email' : user.disabled && matches ? 'account disabled' : 'wrong password' },
        now,
      );
      throw new HubError(401, 'sign-in: wrong email or password (or the account is disabled)');
    }
    await this.throttle.succeeded(email);
    return { user, sessionToken: await this.openSession(user, address, 'password', now) };
  }

  /** A session for a user already proven (password, single sign-on). */
  async openSession(user: UserInfo, address: string, how: 'password' | 'oidc', now: number): Promise<string> {
    const sessionToken = await this.stores.sessions.create(user.id, address, now);
    await this.stores.accounts.signedIn(user.id, now);
    await this.stores.audit.append({ actor: { id: user.id, email: user.email }, address, action: 'session.signin', target: `user:${user.id}`, detail: how }, now);
    return sessionToken;
  }
}

export interface FirstStart {
  /** The administrator this start made, with the password made for them (null when given from the environment). */
  administrator: { email: string; password: string | null } | null;
}

/**
 * At start: a hub without any user gets its first administrator (email and password from the
 * environment, or admin@localhost with a password made now and printed once); an admin token
 * given from the environment (ANTICHAMBRE_ADMIN_TOKEN, as before accounts) is kept as an API
 * token of the first administrator, unless that token was revoked.
 */
export async function firstStart(
  stores: AccessStores,
  options: { adminToken?: string; adminEmail?: string; adminPassword?: string },
  now: number,
): Promise<FirstStart> {
  let administrator: FirstStart['administrator'] = null;
  if ((await stores.accounts.count()) === 0) {
    const email = options.adminEmail ?? 'admin@localhost';
    const password = options.adminPassword ?? newPassword();
    const admin: Grant = { role: 'admin', site: null };
    const made = await stores.accounts.add({ email, name: 'Administrateur', passwordHash: await hashPassword(password), grants: [admin], source: 'local' }, now).catch(async (error: unknown) => {
      // Nodes of a cluster starting together on a new database: one of them made the administrator (and shows its password).
      if (error instanceof HubError && error.status === 409 && (await stores.accounts.count()) > 0) return null;
      throw error;
    });
    if (made) {
      await stores.audit.append({ actor: null, address: null, action: 'user.add', target: `user:${made.id}`, after: 'admin@*', detail: 'first administrator, made at first start' }, now);
      administrator = { email, password: options.adminPassword === undefined ? password : null };
    }
  }
  if (options.adminToken) {
    const admin = await stores.accounts.firstAdmin();
    if (admin) await stores.tokens.adopt(admin.id, options.adminToken, 'ANTICHAMBRE_ADMIN_TOKEN', now);
  }
  return { administrator };
}
