import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { z } from 'zod';
import { PasswordChange, SessionState, SignedOut, SignInOptions, SignInRequest } from '../../shared/accounts.js';
import { toUtcTime } from '../../shared/ids.js';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE, type Access } from '../access.js';
import { HubError } from '../hubError.js';
import { hashPassword, passwordMatches } from '../passwords.js';
import { callerOf } from '../routeAccess.js';
import { errors } from './apiDocs.js';
import { parsed } from './requestParsing.js';
import { PENDING_MS, type SingleSignOn } from '../singleSignOn.js';

/**
 * The dashboard's sign-in (one audience: people at a browser): with a password or through the
 * town's identity provider, sign-out, sign-out everywhere. The session cookie is HttpOnly,
 * SameSite=Strict, on `/`, and over HTTPS Secure with the `__Host-` prefix; it carries no
 * expiry (gone with the browser) and the hub ends it when idle (SessionStore).
 */

export interface SessionDeps {
  access: Access;
  sso: SingleSignOn | null;
  log: (line: string) => void;
}

/** Sign-in bodies are an email and a password. */
const SIGN_IN_BODY_BYTES = 4_096;

/** The sign-in under way with the identity provider (singleSignOn.ts), kept by the browser for the callback. */
const OIDC_PENDING_COOKIE = 'antichambre_oidc';
const OIDC_CALLBACK_PATH = '/api/session/oidc/callback';

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = request.protocol === 'https';
  reply.setCookie(secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure });
}

function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
  reply.clearCookie(SECURE_SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: true });
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** What the browser shows when single sign-on fails: why, in French and English, and the way back to the sign-in page. */
function signInFailedPage(reason: string): string {
  const why = reason.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
  return `<!doctype html><html lang="fr"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Antichambre : connexion impossible</title>
<h1>La connexion unique a échoué</h1><p lang="en">Single sign-on failed.</p>
<p>Raison / reason : <code data-reason>${why}</code></p>
<p><a href="/#/">Revenir à la page de connexion / Back to the sign-in page</a></p>`;
}

export async function sessionRoutes(app: FastifyInstance, deps: SessionDeps): Promise<void> {
  const { access } = deps;

  app.get('/api/session/options', { config: { access: 'public' }, schema: { summary: 'Ce que propose la page de connexion / What the sign-in page offers', tags: ['session'], security: [], response: { 200: SignInOptions, ...errors(429) } } }, async (): Promise<SignInOptions> => ({ oidc: deps.sso ? { label: deps.sso.settings.label } : null }));

  app.post('/api/session', { bodyLimit: SIGN_IN_BODY_BYTES, config: { access: 'public' }, schema: { summary: 'Se connecter (cookie de session) / Sign in (session cookie)', tags: ['session'], security: [], body: SignInRequest, response: { 200: SessionState, ...errors(400, 401, 429) } } }, async (request, reply): Promise<SessionState> => {
    const body = parsed(SignInRequest, request.body, '');
    const now = Date.now();
    const { user, sessionToken } = await access.signIn(body.email, body.password, request.ip, now);
    setSessionCookie(request, reply, sessionToken);
    reply.header('cache-control', 'no-store');
    return access.state({ user, address: request.ip, via: 'session', sessionToken, lastSeen: toUtcTime(now) });
  });

  app.get('/api/session', { config: { access: 'signedIn' }, schema: { summary: 'Qui est connecté, ce que ses rôles permettent, son jeton CSRF / Who is signed in, what their roles allow, their CSRF token', tags: ['session'], response: { 200: SessionState, ...errors(401) } } }, async (request, reply): Promise<SessionState> => {
    reply.header('cache-control', 'no-store');
    return access.state(callerOf(request));
  });

  app.delete('/api/session', { config: { access: 'signedIn' }, schema: { summary: 'Se déconnecter / Sign out', tags: ['session'], response: { 200: SignedOut, ...errors(401, 403) } } }, async (request, reply) => {
    const caller = callerOf(request);
    if (caller.via === 'session') await access.stores.sessions.end(caller.sessionToken);
    await access.audit(caller, { action: 'session.signout', target: `user:${caller.user.id}` }, Date.now());
    clearSessionCookie(reply);
    return { signedOut: 1 };
  });

  // Sign-out everywhere: every session of this user (a lost laptop), this one included.
  app.post('/api/session/everywhere', { config: { access: 'signedIn' }, schema: { summary: 'Se déconnecter partout / Sign out everywhere', tags: ['session'], response: { 200: SignedOut, ...errors(401, 403) } } }, async (request, reply) => {
    const caller = callerOf(request);
    const ended = await access.stores.sessions.endAllOf(caller.user.id);
    await access.audit(caller, { action: 'session.signout', target: `user:${caller.user.id}`, detail: `everywhere: ${ended} session(s)` }, Date.now());
    clearSessionCookie(reply);
    return { signedOut: ended };
  });

  // A user changes their own password: the current one is checked (throttled like a sign-in); their other sessions end.
  app.post('/api/session/password', { bodyLimit: SIGN_IN_BODY_BYTES, config: { access: 'signedIn' }, schema: { summary: 'Changer son mot de passe / Change one\'s password', tags: ['session'], body: PasswordChange, response: { 200: SignedOut, ...errors(400, 401, 403, 409, 429) } } }, async (request) => {
    const caller = callerOf(request);
    const body = parsed(PasswordChange, request.body, '');
    const now = Date.now();
    if (caller.user.source !== 'local') throw new HubError(409, 'password: this account signs in through single sign-on; its password is the identity provider\'s');
    const wait = await access.throttle.waitSeconds(caller.user.email, request.ip, now);
    if (wait > 0) throw new HubError(429, `password: too many wrong current passwords; retry in ${wait} s`);
    const stored = await access.stores.accounts.passwordHashOf(caller.user.id);
    // No password yet (an administrator upgraded from before accounts): only an administrator's reset sets the first one.
    if (!(await passwordMatches(body.current, stored))) {
      await access.throttle.failed(caller.user.email, request.ip, now);
      throw new HubError(400, 'current: not the current password');
    }
    await access.stores.accounts.update(caller.user.id, { passwordHash: await hashPassword(body.password) });
    const ended = await access.stores.sessions.endAllOf(caller.user.id, caller.via === 'session' ? caller.sessionToken : undefined);
    await access.audit(caller, { action: 'user.password', target: `user:${caller.user.id}`, detail: `changed by the user; ${ended} other session(s) ended` }, now);
    return { signedOut: ended };
  });

  app.get('/api/session/oidc', { config: { access: 'public' }, schema: { summary: "Connexion unique : vers le fournisseur d'identité / Single sign-on: to the identity provider", tags: ['session'], security: [], response: { 302: { description: 'Redirection / redirect', content: { 'text/plain': { schema: z.string() } } }, ...errors(404, 503) } } }, async (request, reply) => {
    if (!deps.sso) throw new HubError(404, 'single sign-on: not configured on this hub (ANTICHAMBRE_OIDC_ISSUER, see the README)');
    const { url, pending } = await deps.sso.start(Date.now());
    // Lax: sent back with the provider's redirect to the callback (a top-level GET from its site); on the callback's path only.
    reply.setCookie(OIDC_PENDING_COOKIE, pending, { path: OIDC_CALLBACK_PATH, httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', maxAge: PENDING_MS / 1000 });
    return reply.redirect(url.href, 302);
  });

  // The browser comes back here from the provider: it is answered a page (on to the dashboard, or why not), never the API's JSON.
  const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
  const callbackResponses = {
    200: htmlPage('Page vers le tableau de bord / page on to the dashboard'),
    400: htmlPage('Page : connexion inconnue ou expirée / page: unknown or expired sign-in'),
    401: htmlPage("Page : réponse du fournisseur refusée, compte désactivé / page: the provider's answer refused, account disabled"),
    ...errors(404),
  };
  app.get('/api/session/oidc/callback', { config: { access: 'public' }, schema: { summary: "Connexion unique : retour du fournisseur d'identité / Single sign-on: back from the identity provider", tags: ['session'], security: [], response: callbackResponses } }, async (request, reply) => {
    if (!deps.sso) throw new HubError(404, 'single sign-on: not configured on this hub');
    const now = Date.now();
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    reply.header('cache-control', 'no-store');
    reply.header('content-type', 'text/html; charset=utf-8');
    reply.header('content-security-policy', "default-src 'none'");
    let userId: string;
    try {
      const pending = request.cookies[OIDC_PENDING_COOKIE];
      // Used once, whatever the outcome.
      if (pending !== undefined) reply.clearCookie(OIDC_PENDING_COOKIE, { path: OIDC_CALLBACK_PATH, httpOnly: true, sameSite: 'lax' });
      ({ userId } = await deps.sso.finish(query, pending, access.stores, now, deps.log));
    } catch (error) {
      await access.stores.audit.append({ actor: null, address: request.ip, action: 'session.signin-failed', target: 'oidc', detail: error instanceof Error ? error.message.slice(0, 300) : 'refused' }, now);
      reply.code(error instanceof HubError && error.status === 401 ? 401 : 400);
      return signInFailedPage(error instanceof HubError ? error.message : "single sign-on: the identity provider's answer could not be used");
    }
    const user = await access.stores.accounts.get(userId);
    if (!user || user.disabled) {
      await access.stores.audit.append({ actor: user ? { id: user.id, email: user.email } : null, address: request.ip, action: 'session.signin-failed', target: `user:${userId}`, detail: 'oidc: account disabled' }, now);
      reply.code(401);
      return signInFailedPage('sign-in: this account is disabled');
    }
    setSessionCookie(request, reply, await access.openSession(user, request.ip, 'oidc', now));
    // SameSite=Strict: a cookie set on a redirect that came from the provider's site is not sent with
    // that navigation; a page of our own (Lax-free) takes the browser on to the dashboard.
    return '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/#/screens"><title>Antichambre</title><a href="/#/screens">Continuer / Continue</a>';
  });
}
