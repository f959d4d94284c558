import { z } from 'zod';

/**
 * Single sign-on (OpenID Connect, issue 18), configured from the environment: the town's
 * identity provider (the state's agent federation, a Keycloak, an Azure AD). Roles come from a
 * claim whose values read `editor@mairie` or `admin@*` (shared/access.ts's GrantText) when the
 * provider sends it; otherwise they are those assigned in the dashboard.
 */
export const OidcSettings = z.object({
  /** The issuer's URL (its `/.well-known/openid-configuration` is read at start). */
  issuer: z.url({ error: 'expected the issuer URL, like https://sso.mairie.fr/realms/agents' }),
  clientId: z.string().min(1, { error: 'expected the client id registered at the provider' }),
  clientSecret: z.string().min(1, { error: 'expected the client secret' }),
  /** The hub's public URL of `/api/session/oidc/callback`, as registered at the provider. */
  redirectUrl: z.url({ error: 'expected the callback URL, like https://hub.mairie.fr/api/session/oidc/callback' }),
  /** The claim that carries roles (absent from the token: the roles assigned in the dashboard stay). */
  rolesClaim: z.string().min(1).default('antichambre_roles'),
  /** The sign-in button's text. */
  label: z.string().min(1).max(80).default('Connexion avec le compte de la collectivité'),
});
export type OidcSettings = z.infer<typeof OidcSettings>;

/** The environment variables each setting is read from (`antichambre-hub serve`). */
export const OIDC_ENV = {
  issuer: 'ANTICHAMBRE_OIDC_ISSUER',
  clientId: 'ANTICHAMBRE_OIDC_CLIENT_ID',
  clientSecret: 'ANTICHAMBRE_OIDC_CLIENT_SECRET',
  redirectUrl: 'ANTICHAMBRE_OIDC_REDIRECT_URL',
  rolesClaim: 'ANTICHAMBRE_OIDC_ROLES_CLAIM',
  label: 'ANTICHAMBRE_OIDC_LABEL',
} as const satisfies Record<keyof OidcSettings, string>;
