import { describe, expect, it } from 'vitest';
import { ACTIONS, actionsAllowed, GrantText, grantsAllow, grantText, roleAllows, ROLES, sitesAllowed, type Action, type Grant } from '../../src/shared/access.js';

/** Roles per site (issue 18): the pure permission function the hub and the dashboard ask. */

const ALL_ACTIONS = Object.keys(ACTIONS) as Action[];

describe('roles and sites', () => {
  it('gives each role exactly its actions, on its own site', () => {
    const expected: Record<(typeof ROLES)[number], Action[]> = {
      viewer: ['screens.read', 'reports.read', 'alerts.read'],
      operator: ['screens.read', 'reports.read', 'alerts.read', 'alerts.send', 'commands.send'],
      editor: ['screens.read', 'reports.read', 'alerts.read', 'alerts.send', 'commands.send', 'playlists.push', 'layouts.set', 'media.upload'],
      admin: ['screens.read', 'reports.read', 'alerts.read', 'alerts.send', 'commands.send', 'playlists.push', 'layouts.set', 'media.upload', 'screens.manage', 'sites.token'],
    };
    for (const role of ROLES) {
      const allowed = ALL_ACTIONS.filter((action) => roleAllows(role, 'annexe', action, { site: 'annexe' }));
      expect(allowed.sort(), role).toEqual([...expected[role]].sort());
    }
  });

  it('refuses every action on another site, and on every site at once, to a role of one site', () => {
    for (const role of ROLES) {
      for (const action of ALL_ACTIONS) {
        expect(roleAllows(role, 'annexe', action, { site: 'mairie' }), `${role}@annexe ${action} on mairie`).toBe(false);
        expect(roleAllows(role, 'annexe', action, 'all'), `${role}@annexe ${action} on all`).toBe(false);
      }
    }
  });

  it('keeps users and the audit log to an administrator of every site', () => {
    for (const action of ['users.read', 'users.manage', 'audit.read'] as const) {
      expect(roleAllows('admin', null, action, 'all')).toBe(true);
      expect(roleAllows('admin', 'mairie', action, 'all')).toBe(false);
      expect(roleAllows('admin', 'mairie', action, { site: 'mairie' })).toBe(false);
      expect(roleAllows('editor', null, action, 'all')).toBe(false);
    }
  });

  it('lets a role of any site do what is not site-bound (a media upload), and only from its role up', () => {
    expect(roleAllows('editor', 'annexe', 'media.upload', 'any')).toBe(true);
    expect(roleAllows('operator', 'annexe', 'media.upload', 'any')).toBe(false);
    expect(roleAllows('operator', null, 'media.upload', 'any')).toBe(false);
  });

  it('combines grants: the receptionist of the annex who only views the town hall', () => {
    const receptionist: Grant[] = [
      { role: 'operator', site: 'annexe' },
      { role: 'viewer', site: 'mairie' },
    ];
    expect(grantsAllow(receptionist, 'alerts.send', { site: 'annexe' })).toBe(true);
    expect(grantsAllow(receptionist, 'alerts.send', { site: 'mairie' })).toBe(false);
    expect(grantsAllow(receptionist, 'screens.read', { site: 'mairie' })).toBe(true);
    expect(grantsAllow(receptionist, 'playlists.push', { site: 'annexe' })).toBe(false);
    expect(grantsAllow([], 'screens.read', { site: 'annexe' })).toBe(false);
    expect(sitesAllowed(receptionist, 'screens.read')).toEqual(['annexe', 'mairie']);
    expect(sitesAllowed(receptionist, 'alerts.send')).toEqual(['annexe']);
    expect(sitesAllowed([{ role: 'viewer', site: null }], 'screens.read')).toBe('all');
    expect(actionsAllowed(receptionist).sort()).toEqual(['alerts.read', 'alerts.send', 'commands.send', 'reports.read', 'screens.read']);
  });

  it('reads and writes grants as role@site', () => {
    expect(GrantText.parse('editor@mairie')).toEqual({ role: 'editor', site: 'mairie' });
    expect(GrantText.parse(' admin@* ')).toEqual({ role: 'admin', site: null });
    expect(grantText({ role: 'viewer', site: null })).toBe('viewer@*');
    for (const bad of ['editor', 'boss@mairie', 'editor@', 'editor@a b', '@mairie']) expect(GrantText.safeParse(bad).success, bad).toBe(false);
  });
});
