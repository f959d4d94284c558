import type * as Oidc from 'openid-client';
import { z } from 'zod';
import { GrantText, type Grant } from '../shared/access.js';
import { Email } from '../shared/accounts.js';
import type { OidcSettings } from '../shared/singleSignOn.js';
import type { AccessStores } from './access.js';
import { HubError } from './hubError.js';

/**
 * OpenID Connect with `openid-client` (the certified client for Node): authorization code with
 * PKCE, state and nonce; the ID token checked by the library (issuer, audience, signature,
 * expiry). A user is found by the provider's subject, else by a verified email (an account an
 * admin made beforehand is linked), else made. Roles come from the roles claim when the token has
 * it (then they replace the user's), else stay as assigned in the dashboard.
 *
 * The library is imported by `discover`, when single sign-on is configured: a hub without it
 * (and every start of one) does not load it.
 */

/** A sign-in started and not finished: 10 minutes at most. */
export const PENDING_MS = 10 * 60_000;

/**
 * A sign-in under way, kept by the browser (an HttpOnly cookie of the callback's path) rather than
 * by the node that started it: behind a balancer, the provider's answer may reach another node of
 * the cluster. The state in the callback must be this one's (a callback this browser did not start
 * is refused); the PKCE verifier proves the code was asked for by this browser's sign-in.
 */
const Pending = z.object({ state: z.string().min(1).max(200), verifier: z.string().min(1).max(200), nonce: z.string().min(1).max(200), since: z.number().int() });
type Pending = z.infer<typeof Pending>;

function readPending(cookie: string | undefined): Pending | null {
  if (!cookie) return null;
  try {
    const parsed = Pending.safeParse(JSON.parse(Buffer.from(cookie, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export class SingleSignOn {
  private constructor(
    private readonly oidc: typeof Oidc,
    private readonly config: Oidc.Configuration,
    readonly settings: OidcSettings,
  ) {}

  /** Reads the provider's configuration. Plain HTTP only for a provider on this machine (loopback): anywhere else, HTTPS. */
  static async discover(settings: OidcSettings): Promise<SingleSignOn> {
    const oidc = await import('openid-client');
    let config: Oidc.Configuration;
    const issuer = new URL(settings.issuer);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
    try {
      config = await oidc.discovery(issuer, settings.clientId, settings.clientSecret, undefined, loopback && issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {});
    } catch (error) {
      throw new Error(`single sign-on: cannot read the provider's configuration at ${settings.issuer} (${error instanceof Error ? error.message : String(error)})`);
    }
    return new SingleSignOn(oidc, config, settings);
  }

  /** Where to send the browser to sign in, and the sign-in under way for its cookie (`pending`, given back to `finish`). */
  async start(now: number): Promise<{ url: URL; pending: string }> {
    const verifier = this.oidc.randomPKCECodeVerifier();
    const state = this.oidc.randomState();
    const nonce = this.oidc.randomNonce();
    const pending = Buffer.from(JSON.stringify({ state, verifier, nonce, since: now } satisfies Pending)).toString('base64url');
    const url = this.oidc.buildAuthorizationUrl(this.config, {
      redirect_uri: this.settings.redirectUrl,
      scope: 'openid email profile',
      code_challenge: await this.oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, pending };
  }

  /** The provider's answer (the callback's query): the user it proves, made or updated. */
  async finish(query: URLSearchParams, pendingCookie: string | undefined, stores: AccessStores, now: number, log: (line: string) => void): Promise<{ userId: string; subject: string }> {
    const state = query.get('state') ?? '';
    const entry = readPending(pendingCookie);
    if (!entry || entry.state !== state || now - entry.since >= PENDING_MS || entry.since > now + 60_000) {
      throw new HubError(400, 'single sign-on: unknown or expired sign-in (start again from the sign-in page)');
    }
    const callback = new URL(this.settings.redirectUrl);
    callback.search = query.toString();
    let claims: Record<string, unknown> & { iss: string; sub: string };
    try {
      const tokens = await this.oidc.authorizationCodeGrant(this.config, callback, { pkceCodeVerifier: entry.verifier, expectedState: state, expectedNonce: entry.nonce, idTokenExpected: true });
      const idToken = tokens.claims();
      if (!idToken) throw new Error('no ID token');
      // Providers put email, name and custom claims in the ID token (Keycloak, Azure AD) or only in UserInfo
      // (strict OpenID Connect): both are read, the ID token's subject must match UserInfo's, the ID token wins.
      const userInfo = await this.oidc.fetchUserInfo(this.config, tokens.access_token, idToken.sub).catch(() => ({}));
      claims = { ...userInfo, ...idToken };
    } catch (error) {
      throw new HubError(401, `single sign-on: the provider's answer was refused (${error instanceof Error ? error.message : String(error)})`);
    }
    const subject = `${claims.iss} ${claims.sub}`;
    const grants = this.grantsOf(claims[this.settings.rolesClaim], log);
    const email = Email.safeParse(claims['email']);
    const name = typeof claims['name'] === 'string' && claims['name'].trim() ? claims['name'].trim().slice(0, 120) : email.success ? email.data : claims.sub;
    let user = await stores.accounts.byOidcSubject(subject);
    if (!user && email.success && claims['email_verified'] === true) {
      user = await stores.accounts.byEmail(email.data);
      if (user) await stores.accounts.update(user.id, { oidcSubject: subject });
    }
    if (!user) {
      if (!email.success) throw new HubError(401, 'single sign-on: the provider sent no usable email for this new user');
      user = await stores.accounts.add({ email: email.data, name, passwordHash: null, grants: grants ?? [], source: 'oidc', oidcSubject: subject }, now);
      await stores.audit.append({ actor: null, address: null, action: 'user.add', target: `user:${user.id}`, after: (grants ?? []).map((g) => `${g.role}@${g.site ?? '*'}`).join(' '), detail: 'made at its first single sign-on' }, now);
    } else if (grants !== null) {
      const { before, after } = await stores.accounts.update(user.id, { grants });
      const text = (list: Grant[]): string => list.map((g) => `${g.role}@${g.site ?? '*'}`).join(' ');
      if (text(before.grants) !== text(after.grants)) {
        await stores.audit.append({ actor: null, address: null, action: 'user.change', target: `user:${user.id}`, before: text(before.grants), after: text(after.grants), detail: `roles from the ${this.settings.rolesClaim} claim` }, now);
      }
    }
    return { userId: user.id, subject };
  }

  /** The roles claim as grants (null: the token has no such claim); values that do not read are logged and skipped. */
  private grantsOf(value: unknown, log: (line: string) => void): Grant[] | null {
    if (value === undefined) return null;
    const values = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];
    const grants: Grant[] = [];
    for (const text of values) {
      const parsed = GrantText.safeParse(text);
      if (parsed.success) grants.push(parsed.data);
      else log(`single sign-on: claim ${this.settings.rolesClaim}: "${String(text).slice(0, 80)}" is not a role (expected role@site or role@*), skipped`);
    }
    return grants;
  }
}
