import { z } from 'zod';
import { Action, Grant, Grants } from './access.js';
import { Id, UtcTime } from './ids.js';

/**
 * Accounts, sessions, API tokens and the audit log (issue 18): the bodies of the admin API's
 * `/api/users`, `/api/session`, `/api/tokens` and `/api/audit`, shared by the hub, its CLI
 * and the dashboard.
 */

export const Email = z
  .string({ error: 'expected an email address' })
  .trim()
  .toLowerCase()
  .max(254, { error: 'expected at most 254 characters' })
  .regex(/^[^\s@]+@[^\s@]+$/, { error: 'expected an email address like name@mairie.fr' });
export type Email = z.infer<typeof Email>;

export const DisplayName = z.string({ error: 'expected a name' }).trim().min(1, { error: 'expected a non-empty name' }).max(120, { error: 'expected at most 120 characters' });

/** At least 12 characters (ANSSI's guidance for a password alone), at most 256 (hashing a megabyte is a denial of service). */
export const MIN_PASSWORD_LENGTH = 12;
export const Password = z
  .string({ error: 'expected a password' })
  .min(MIN_PASSWORD_LENGTH, { error: `expected at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(256, { error: 'expected at most 256 characters' });

export const UserId = Id;

/** A user as the API shows it: never a hash. */
export const UserInfo = z.object({
  id: UserId,
  email: Email,
  name: DisplayName,
  disabled: z.boolean(),
  grants: Grants,
  /** `local`: signs in with a password; `oidc`: through the town's identity provider. */
  source: z.enum(['local', 'oidc']),
  createdAt: UtcTime,
  lastSignIn: UtcTime.nullable(),
});
export type UserInfo = z.infer<typeof UserInfo>;
export const UserList = z.object({ users: z.array(UserInfo) });
export type UserList = z.infer<typeof UserList>;

export const UserCreate = z
  .object({
    email: Email,
    name: DisplayName,
    /** Absent: the hub makes one and answers it, once. */
    password: Password.optional(),
    grants: Grants.default([]),
  })
  .strict();
export type UserCreate = z.input<typeof UserCreate>;
/** The new user, with the password the hub made when none was given (shown once). */
export const UserCreated = z.object({ user: UserInfo, password: z.string().optional() });
export type UserCreated = z.infer<typeof UserCreated>;

export const UserPatch = z
  .object({
    name: DisplayName.optional(),
    disabled: z.boolean().optional(),
    grants: Grants.optional(),
  })
  .strict();
export type UserPatch = z.infer<typeof UserPatch>;

/** A user changing their own password: the current one, and the new one. */
export const PasswordChange = z.object({ current: z.string({ error: 'expected the current password' }).max(256), password: Password }).strict();
export type PasswordChange = z.infer<typeof PasswordChange>;

export const PasswordReset = z.object({ password: Password.optional() }).strict();
export type PasswordReset = z.infer<typeof PasswordReset>;
export const PasswordResetDone = z.object({ user: UserInfo, password: z.string().optional() });
export type PasswordResetDone = z.infer<typeof PasswordResetDone>;

/** Signing in to the dashboard. */
export const SignInRequest = z.object({ email: Email, password: z.string({ error: 'expected a password' }).max(256, { error: 'expected at most 256 characters' }) }).strict();
export type SignInRequest = z.infer<typeof SignInRequest>;

/**
 * Who is calling (`GET /api/session`): the user, their grants, what they may do, and, for a
 * cookie session, the CSRF token every state-changing request must carry as `x-csrf-token`.
 */
export const SessionState = z.object({
  user: UserInfo,
  actions: z.array(Action),
  /** null: the caller used an API token (no cookie, no CSRF). */
  csrfToken: z.string().nullable(),
  /** When the session ends if idle (null for an API token). */
  idleUntil: UtcTime.nullable(),
});
export type SessionState = z.infer<typeof SessionState>;

/** Sign-out (here, everywhere, or a user's every session): how many sessions ended. */
export const SignedOut = z.object({ signedOut: z.number().int() });
export type SignedOut = z.infer<typeof SignedOut>;

/** What the sign-in page offers: a password form always, a single sign-on button when configured. */
export const SignInOptions = z.object({ oidc: z.object({ label: z.string() }).nullable() });
export type SignInOptions = z.infer<typeof SignInOptions>;

export const ApiTokenInfo = z.object({
  id: Id,
  userId: UserId,
  name: z.string(),
  createdAt: UtcTime,
  lastUsedAt: UtcTime.nullable(),
  revokedAt: UtcTime.nullable(),
});
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;
export const ApiTokenList = z.object({ tokens: z.array(ApiTokenInfo) });
export type ApiTokenList = z.infer<typeof ApiTokenList>;
export const ApiTokenCreate = z.object({ name: z.string({ error: 'expected a name for the token' }).trim().min(1).max(120) }).strict();
export type ApiTokenCreate = z.infer<typeof ApiTokenCreate>;
/** The token itself is shown once; the hub keeps its hash. */
export const ApiTokenCreated = z.object({ token: z.string(), info: ApiTokenInfo });
export type ApiTokenCreated = z.infer<typeof ApiTokenCreated>;

/** What the audit log records. */
export const AUDIT_ACTIONS = [
  'playlist.push',
  'layout.set',
  'media.upload',
  'alert.send',
  'alert.clear',
  'command.send',
  'screen.add',
  'screen.token',
  'pairing.claim',
  'power.schedule',
  'screen.watts',
  'screen.viewing',
  'feed.add',
  'feed.poll',
  'feed.remove',
  'site.token',
  'user.add',
  'user.change',
  'user.password',
  'token.create',
  'token.revoke',
  'session.signin',
  'session.signin-failed',
  'session.signout',
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

/** One audit entry: who (a user id, or null with the address for a failed sign-in), when, what, the target, before and after. */
export const AuditEntry = z.object({
  id: z.number().int(),
  at: UtcTime,
  actor: UserId.nullable(),
  /** The actor's email when the entry was written (users may be renamed, never deleted). */
  actorEmail: z.string().nullable(),
  address: z.string().nullable(),
  action: AuditAction,
  /** `screen:ecran-1`, `site:mairie`, `user:u-…`, `media:<sha256>`, … */
  target: z.string(),
  site: Id.nullable(),
  /** The target's revision (or state) before and after, when it has one. */
  before: z.string().nullable(),
  after: z.string().nullable(),
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditList = z.object({ entries: z.array(AuditEntry) });
export type AuditList = z.infer<typeof AuditList>;

export const AuditQuery = z.object({
  since: UtcTime.optional(),
  until: UtcTime.optional(),
  actor: UserId.optional(),
  action: AuditAction.optional(),
  site: Id.optional(),
  limit: z.coerce.number().int().positive().max(100_000).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export type { Grant };
