import { z } from 'zod';
import { Id } from './ids.js';

/**
 * Who may do what (issue 18): four roles, each granted for one site or for all of them, and one
 * pure function that answers whether a set of grants allows an action on a target. The hub asks
 * it on every admin route and CLI command; the dashboard asks it to hide what a role cannot do.
 *
 * - admin: everything, users and the audit log included;
 * - editor: playlists, layouts, media and alerts for its sites (and what an operator does);
 * - operator: alerts and screen commands for its sites (the receptionist);
 * - viewer: screens and reports.
 * Each role can do what the roles after it can (admin ⊃ editor ⊃ operator ⊃ viewer).
 */

export const ROLES = ['admin', 'editor', 'operator', 'viewer'] as const;
export const Role = z.enum(ROLES, { error: `expected a role: ${ROLES.join(', ')}` });
export type Role = z.infer<typeof Role>;

/** A role for one site, or for every site (`site: null`, shown as `*`). */
export const Grant = z.object({ role: Role, site: Id.nullable() }).strict();
export type Grant = z.infer<typeof Grant>;
export const Grants = z.array(Grant).max(200, { error: 'expected at most 200 grants' });
export type Grants = z.infer<typeof Grants>;

/** `editor@mairie`, `admin@*`: the form the CLI takes and prints. */
export const GrantText = z
  .string({ error: 'expected a role like editor@mairie or admin@*' })
  .transform((text, ctx) => {
    const match = /^([a-z]+)@(.+)$/.exec(text.trim());
    const role = Role.safeParse(match?.[1]);
    const site = match?.[2] === '*' ? null : Id.safeParse(match?.[2]);
    if (!match || !role.success || (site !== null && !site.success)) {
      ctx.addIssue({ code: 'custom', message: `"${text}": expected role@site or role@* with a role among ${ROLES.join(', ')}` });
      return z.NEVER;
    }
    return { role: role.data, site: site === null ? null : site.data } satisfies Grant;
  });

export function grantText(grant: Grant): string {
  return `${grant.role}@${grant.site ?? '*'}`;
}

/** Everything the admin API lets someone do, each with the least role that may do it. */
export const ACTIONS = {
  /** Screens, their states, playlists and screenshots; wait estimates. */
  'screens.read': 'viewer',
  /** Impressions, accuracy, wait comparisons. */
  'reports.read': 'viewer',
  /** Alerts, listed. */
  'alerts.read': 'viewer',
  'alerts.send': 'operator',
  'commands.send': 'operator',
  'playlists.push': 'editor',
  'layouts.set': 'editor',
  'media.upload': 'editor',
  /** Adding screens, pairing them, rotating their tokens. */
  'screens.manage': 'admin',
  /** A site's ticket-system token. */
  'sites.token': 'admin',
  'users.read': 'admin',
  'users.manage': 'admin',
  'audit.read': 'admin',
} as const satisfies Record<string, Role>;
export type Action = keyof typeof ACTIONS;
export const Action = z.enum(Object.keys(ACTIONS) as [Action, ...Action[]]);

/** Actions that reach beyond sites (users, the audit log): only for a grant on every site. */
const GLOBAL_ACTIONS: ReadonlySet<Action> = new Set(['users.read', 'users.manage', 'audit.read']);

/**
 * What an action is done to:
 * - `{ site }`: something of that site (a screen's site, an alert's site);
 * - `'all'`: every site at once (a listing not filtered, the users, the audit log);
 * - `'any'`: nothing site-bound (a media file, addressed by its content): the role on any site will do.
 */
export type Scope = { site: string } | 'all' | 'any';

const RANK: Record<Role, number> = { admin: 3, editor: 2, operator: 1, viewer: 0 };

export function roleAtLeast(role: Role, least: Role): boolean {
  return RANK[role] >= RANK[least];
}

/** One grant: does `role` on `grantSite` (null: all sites) allow `action` on `scope`? */
export function roleAllows(role: Role, grantSite: string | null, action: Action, scope: Scope): boolean {
  if (!roleAtLeast(role, ACTIONS[action])) return false;
  if (GLOBAL_ACTIONS.has(action) || scope === 'all') return grantSite === null;
  if (scope === 'any') return true;
  return grantSite === null || grantSite === scope.site;
}

export function grantsAllow(grants: readonly Grant[], action: Action, scope: Scope): boolean {
  return grants.some((grant) => roleAllows(grant.role, grant.site, action, scope));
}

/** The sites a set of grants allows an action on: `'all'`, or the list (maybe empty). */
export function sitesAllowed(grants: readonly Grant[], action: Action): 'all' | string[] {
  if (grantsAllow(grants, action, 'all')) return 'all';
  const sites = new Set<string>();
  for (const grant of grants) if (grant.site !== null && roleAllows(grant.role, grant.site, action, { site: grant.site })) sites.add(grant.site);
  return [...sites].sort();
}

/** The actions a set of grants allows on some site at least (the dashboard hides the others). */
export function actionsAllowed(grants: readonly Grant[]): Action[] {
  return (Object.keys(ACTIONS) as Action[]).filter((action) => grantsAllow(grants, action, GLOBAL_ACTIONS.has(action) ? 'all' : 'any'));
}
