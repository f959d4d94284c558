import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real OpenID Connect provider (`oidc-provider`, the certified one) on loopback for the tests:
 * discovery, authorization with PKCE, tokens signed with its own keys, UserInfo. Only its login
 * page is scripted: the interaction signs in as `nextUser` and grants consent, as a person
 * typing at the town's identity provider would.
 */

export interface TestAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
  /** The roles claim (absent: the provider sends none). */
  antichambre_roles?: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next sign-in is. */
  nextUser: TestAccount;
  close(): Promise<void>;
}

/** A port free now on loopback (for a hub whose callback URL the provider must know before the hub starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startOidcProvider(redirectUris: string[], first: TestAccount): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'antichambre-hub';
  const clientSecret = 'a-test-client-secret-0123456789abcdef';
  const state: TestProvider = { issuer, clientId, clientSecret, nextUser: first, close: async () => {} };
  const accounts = new Map<string, TestAccount>();
  // Its own signing key, made now (RS256, what providers sign ID tokens with by default).
  const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' };
  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey as never] },
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris, grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'antichambre_roles'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      return account ? { accountId: sub, claims: () => ({ ...account }) } : undefined;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key-0123456789'] },
  });
  const callback = provider.callback();
  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith('/interaction/')) {
      void (async () => {
        const details = await provider.interactionDetails(request, response);
        const user = state.nextUser;
        accounts.set(user.sub, user);
        const grant = new provider.Grant({ accountId: user.sub, clientId });
        grant.addOIDCScope('openid email profile');
        const grantId = await grant.save();
        await provider.interactionFinished(request, response, { login: { accountId: user.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
        void details;
      })().catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
      return;
    }
    callback(request, response);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
