import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { grantsAllow, grantText, type Grant } from '../../shared/access.js';
import {
  ApiTokenCreated,
  ApiTokenInfo,
  ApiTokenList,
  AuditList,
  PasswordResetDone,
  SignedOut,
  UserCreated,
  UserInfo,
  UserList,
  ApiTokenCreate,
  AuditQuery,
  PasswordReset,
  UserCreate,
  UserPatch,
} from '../../shared/accounts.js';
import type { Access } from '../access.js';
import { HubError } from '../hubError.js';
import { hashPassword, newPassword } from '../passwords.js';
import { callerOf } from '../routeAccess.js';
import { errors } from './apiDocs.js';
import { IdParam, parsed } from './requestParsing.js';
import { auditCsv } from '../auditCsv.js';

/**
 * Users, their roles and API tokens, and the audit log (admin API). Users are never deleted (the
 * audit log names them): they are disabled, which ends their sessions and refuses their tokens.
 */

const grantsText = (grants: readonly Grant[]): string => grants.map(grantText).join(' ');

export async function accountRoutes(app: FastifyInstance, deps: { access: Access }): Promise<void> {
  const { access } = deps;
  const { accounts, sessions, tokens, audit } = access.stores;

  /** The hub keeps at least one enabled administrator of every site: the last one cannot be disabled or demoted. */
  const keepsAnAdmin = async (changed: string, after: { disabled: boolean; grants: readonly Grant[] }): Promise<void> => {
    const admins = (await accounts.list()).filter((user) => (user.id === changed ? !after.disabled && grantsAllow(after.grants, 'users.manage', 'all') : !user.disabled && grantsAllow(user.grants, 'users.manage', 'all')));
    if (admins.length === 0) throw new HubError(409, 'users: this would leave the hub without an administrator of every site');
  };

  app.get('/api/users', { config: { access: { action: 'users.read', scope: 'all' } }, schema: { summary: 'Utilisateurs et leurs rôles / Users and their roles', tags: ['users'], response: { 200: UserList, ...errors(401, 403) } } }, async (): Promise<UserList> => ({ users: await accounts.list() }));

  app.post('/api/users', { config: { access: { action: 'users.manage', scope: 'all' } }, schema: { summary: 'Ajouter un utilisateur (mot de passe affiché une fois) / Add a user (password shown once)', tags: ['users'], response: { 201: UserCreated, ...errors(400, 401, 403, 409) } } }, async (request, reply): Promise<UserCreated> => {
    const body = parsed(UserCreate, request.body, '');
    const password = body.password ?? newPassword();
    const now = Date.now();
    const user = await accounts.add({ email: body.email, name: body.name, passwordHash: await hashPassword(password), grants: body.grants, source: 'local' }, now);
    await access.audit(callerOf(request), { action: 'user.add', target: `user:${user.id}`, after: grantsText(user.grants), detail: user.email }, now);
    reply.code(201);
    return { user, ...(body.password === undefined ? { password } : {}) };
  });

  app.patch('/api/users/:id', { config: { access: { action: 'users.manage', scope: 'all' } }, schema: { summary: 'Nom, rôles, désactivation / Name, roles, disabling', tags: ['users'], response: { 200: UserInfo, ...errors(400, 401, 403, 404, 409) } } }, async (request): Promise<UserInfo> => {
    const { id } = parsed(IdParam, request.params, 'url');
    const patch = parsed(UserPatch, request.body, '');
    const current = await accounts.get(id);
    if (!current) throw new HubError(404, `user "${id}" does not exist`);
    await keepsAnAdmin(id, { disabled: patch.disabled ?? current.disabled, grants: patch.grants ?? current.grants });
    const now = Date.now();
    const { before, after } = await accounts.update(id, patch);
    const caller = callerOf(request);
    if (patch.disabled === true) await sessions.endAllOf(id);
    const changes: string[] = [];
    if (before.name !== after.name) changes.push(`name: ${before.name} -> ${after.name}`);
    if (before.disabled !== after.disabled) changes.push(after.disabled ? 'disabled' : 'enabled');
    await access.audit(
      caller,
      { action: 'user.change', target: `user:${id}`, before: `${before.disabled ? 'disabled ' : ''}${grantsText(before.grants)}`, after: `${after.disabled ? 'disabled ' : ''}${grantsText(after.grants)}`, detail: changes.join('; ') || null },
      now,
    );
    return after;
  });

  app.post('/api/users/:id/password', { config: { access: { action: 'users.manage', scope: 'all' } }, schema: { summary: 'Nouveau mot de passe (ses sessions prennent fin) / A new password (their sessions end)', tags: ['users'], response: { 200: PasswordResetDone, ...errors(400, 401, 403, 404) } } }, async (request): Promise<PasswordResetDone> => {
    const { id } = parsed(IdParam, request.params, 'url');
    const body = parsed(PasswordReset, request.body ?? {}, '');
    const password = body.password ?? newPassword();
    const { after } = await accounts.update(id, { passwordHash: await hashPassword(password) });
    // A reset is what follows a leak: the sessions opened with the old password end; an
    // administrator resetting their own keeps the one they did it from (it shows them the new password).
    const caller = callerOf(request);
    const kept = caller.user.id === id && caller.via === 'session' ? caller.sessionToken : undefined;
    const ended = await sessions.endAllOf(id, kept);
    await access.audit(caller, { action: 'user.password', target: `user:${id}`, detail: `password reset; ${ended} ${kept ? 'other ' : ''}session(s) ended` }, Date.now());
    return { user: after, ...(body.password === undefined ? { password } : {}) };
  });

  // Signs a user out everywhere (a departing employee, a lost laptop).
  app.post('/api/users/:id/signout', { config: { access: { action: 'users.manage', scope: 'all' } }, schema: { summary: 'Déconnecter un utilisateur partout / Sign a user out everywhere', tags: ['users'], response: { 200: SignedOut, ...errors(400, 401, 403, 404) } } }, async (request) => {
    const { id } = parsed(IdParam, request.params, 'url');
    if (!(await accounts.get(id))) throw new HubError(404, `user "${id}" does not exist`);
    const ended = await sessions.endAllOf(id);
    await access.audit(callerOf(request), { action: 'session.signout', target: `user:${id}`, detail: `everywhere, by an administrator: ${ended} session(s)` }, Date.now());
    return { signedOut: ended };
  });

  // API tokens: each user lists, makes and revokes their own; an administrator sees and revokes everyone's.
  app.get('/api/tokens', { config: { access: 'signedIn' }, schema: { summary: "Jetons d'API (les siens ; tous pour un administrateur) / API tokens (one's own; all for an administrator)", tags: ['users'], response: { 200: ApiTokenList, ...errors(401) } } }, async (request): Promise<ApiTokenList> => {
    const caller = callerOf(request);
    return { tokens: await tokens.list(grantsAllow(caller.user.grants, 'users.manage', 'all') ? undefined : caller.user.id) };
  });

  app.post('/api/tokens', { config: { access: 'signedIn' }, schema: { summary: "Créer un jeton d'API (affiché une fois) / Make an API token (shown once)", tags: ['users'], response: { 201: ApiTokenCreated, ...errors(400, 401, 403) } } }, async (request, reply): Promise<ApiTokenCreated> => {
    const caller = callerOf(request);
    const { name } = parsed(ApiTokenCreate, request.body, '');
    const now = Date.now();
    const created = await tokens.create(caller.user.id, name, now);
    await access.audit(caller, { action: 'token.create', target: `token:${created.info.id}`, detail: name }, now);
    reply.code(201);
    return created;
  });

  app.delete('/api/tokens/:id', { config: { access: 'signedIn' }, schema: { summary: "Révoquer un jeton d'API / Revoke an API token", tags: ['users'], response: { 200: ApiTokenInfo, ...errors(400, 401, 403, 404) } } }, async (request): Promise<ApiTokenInfo> => {
    const caller = callerOf(request);
    const { id } = parsed(IdParam, request.params, 'url');
    const token = await tokens.get(id);
    if (!token || (token.userId !== caller.user.id && !grantsAllow(caller.user.grants, 'users.manage', 'all'))) throw new HubError(404, `token "${id}" does not exist`);
    const now = Date.now();
    const revoked = await tokens.revoke(id, now);
    await access.audit(caller, { action: 'token.revoke', target: `token:${id}`, detail: `${token.name} (user ${token.userId})` }, now);
    return revoked;
  });

  app.get('/api/audit', { config: { access: { action: 'audit.read', scope: 'all' } }, schema: { summary: 'Journal des modifications (JSON ou CSV) / The audit log (JSON or CSV)', tags: ['users'], response: { 200: { description: 'JSON, or CSV with format=csv', content: { 'application/json': { schema: AuditList }, 'text/csv': { schema: z.string() } } }, ...errors(400, 401, 403) } } }, async (request, reply): Promise<AuditList | string> => {
    const { format, ...rest } = (request.query ?? {}) as Record<string, unknown>;
    const entries = await audit.query(parsed(AuditQuery, rest, 'query'));
    if (format === 'csv') {
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="antichambre-audit.csv"');
      return auditCsv(entries);
    }
    return { entries };
  });
}
