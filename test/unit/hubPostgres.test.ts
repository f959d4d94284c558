import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/hub/cli.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { POSTGRES_MIGRATIONS } from '../../src/hub/stores/postgres/migrations.js';
import type { ImpressionList, ScreenList, ScreenToken } from '../../src/shared/adminApi.js';
import type { AuditList, SessionState, UserList } from '../../src/shared/accounts.js';
import { PlaylistsMessage } from '../../src/shared/protocol.js';
import type { Impression } from '../../src/shared/impression.js';
import { usePostgres } from '../support/postgresServer.js';
import { adminApi, connectScreen, keepingSets } from '../support/hubClient.js';

/** The whole hub on a real PostgreSQL (`--db postgres://…`): players over socket.io, the admin API, the CLI's migrate. */

const postgres = usePostgres();
const ADMIN = 'unit-admin-token-postgres-0123456789';
let hub: RunningHub;
let url: string;

const api = adminApi(() => hub.url, ADMIN);

const player = (created: ScreenToken, received: PlaylistsMessage[]): Promise<Socket> => connectScreen(hub.url, created, keepingSets(received));

function impression(screenId: string, k: number): Impression {
  const start = Date.UTC(2026, 10, 2, 8) + k * 8_000;
  return { id: uuidv7(), screenId, playlistId: 'p', itemId: 'i', revision: 'r', start: new Date(start).toISOString(), end: new Date(start + 8_000).toISOString(), durationMs: 8_000, complete: true };
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

beforeAll(async () => {
  url = await postgres.freshDatabase();
  hub = await startHub({ db: url, mediaDir: mkdtempSync(join(tmpdir(), 'antichambre-pg-media-')), port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
});
afterAll(async () => {
  await hub?.close();
});

describe('the hub on PostgreSQL', () => {
  it('serves players and the admin API: impressions acked once committed and stored once, a push delivered and acked, status from the database', async () => {
    const created = (await api<ScreenToken>('POST', '/api/screens', { id: 'accueil', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris' })).body;
    expect(created.screen.id).toBe('accueil');
    const received: PlaylistsMessage[] = [];
    const socket = await player(created, received);
    await socket.emitWithAck('hello', { revision: null, version: 'unit', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } });

    const batch = Array.from({ length: 300 }, (_, k) => impression('accueil', k));
    expect(await socket.emitWithAck('impressions', { impressions: batch })).toEqual({ ok: true, stored: 300, duplicates: 0 });
    // Acked means committed: another connection sees all of it at once.
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    expect((await check.query<{ n: string }>('SELECT COUNT(*) AS n FROM impressions')).rows[0]!.n).toBe('300');
    await check.end();
    expect(await socket.emitWithAck('impressions', { impressions: batch.slice(0, 10) })).toEqual({ ok: true, stored: 0, duplicates: 10 });
    const listed = (await api<ImpressionList>('GET', '/api/impressions?screen=accueil&limit=5')).body.impressions;
    expect(listed.map((i) => i.id)).toEqual(batch.slice(0, 5).map((i) => i.id));

    const push = await api<{ screens: { id: string; revision: string; online: boolean }[] }>('POST', '/api/playlists', {
      playlists: [{ id: 'infos', items: [{ id: 't', type: 'text', duration: 5, title: 'Bonjour' }] }],
      target: { site: 'mairie' },
    });
    expect(push.status).toBe(200);
    expect(push.body.screens).toEqual([{ id: 'accueil', revision: expect.stringMatching(/^[0-9a-f]{16}$/), online: true }]);
    await until(() => received.length === 1);
    expect(received[0]!.revision).toBe(push.body.screens[0]!.revision);
    await until(async () => (await api<ScreenList>('GET', '/api/screens')).body.screens[0]!.ackedRevision === push.body.screens[0]!.revision);
    const state = (await api<ScreenList>('GET', '/api/screens')).body.screens[0]!;
    expect(state).toMatchObject({ id: 'accueil', online: true, revision: push.body.screens[0]!.revision });
    expect(state.lastSeen).not.toBeNull();
    socket.close();
  });

  it('antichambre-hub migrate brings a new database to the schema, then finds nothing to do; the password never printed', async () => {
    const fresh = await postgres.freshDatabase();
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      await run(['migrate', '--db', fresh]);
      await run(['migrate', '--db', fresh]);
    } finally {
      log.mockRestore();
    }
    expect(lines[0]).toMatch(new RegExp(`^PostgreSQL postgres://antichambre:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/test_\\d+_\\d+: schema migrated from version 0 to ${POSTGRES_MIGRATIONS.length}$`));
    expect(lines[1]).toMatch(new RegExp(`: schema already at version ${POSTGRES_MIGRATIONS.length}$`));
    expect(lines.join('\n')).not.toContain('antichambre-test');
  });

  it('first start on a new database: two nodes at once make one administrator (its password answered by one), who signs in through either; the audit log says so', async () => {
    const fresh = await postgres.freshDatabase();
    const mediaDir = mkdtempSync(join(tmpdir(), 'antichambre-pg-media-'));
    const nodes = await Promise.all([0, 1].map(() => startHub({ db: fresh, mediaDir, port: 0, host: '127.0.0.1', log: () => {} })));
    try {
      const made = nodes.map((node) => node.firstAdministrator).filter((administrator) => administrator !== null);
      expect(made).toHaveLength(1);
      expect(made[0]!.email).toBe('admin@localhost');
      const password = made[0]!.password!;
      expect(password.length).toBeGreaterThanOrEqual(24);
      for (const node of nodes) {
        const signedIn = await fetch(new URL('/api/session', node.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@localhost', password }) });
        expect(signedIn.status).toBe(200);
        const state = (await signedIn.json()) as SessionState;
        expect(state.user.grants).toEqual([{ role: 'admin', site: null }]);
        // The session made on one node is known to the other (the sessions are in the shared database).
        const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
        const other = nodes[1 - nodes.indexOf(node)]!;
        const users = await fetch(new URL('/api/users', other.url), { headers: { cookie } });
        expect(users.status).toBe(200);
        expect(((await users.json()) as UserList).users.map((user) => user.email)).toEqual(['admin@localhost']);
      }
      const wrong = await fetch(new URL('/api/session', nodes[0]!.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@localhost', password: 'not-the-password' }) });
      expect(wrong.status).toBe(401);
      const token = (await nodes[0]!.stores.tokens.create((await nodes[0]!.stores.accounts.firstAdmin())!.id, 'test', Date.now())).token;
      const audit = await fetch(new URL('/api/audit', nodes[1]!.url), { headers: { authorization: `Bearer ${token}` } });
      const actions = ((await audit.json()) as AuditList).entries.map((entry) => entry.action);
      expect(actions.filter((action) => action === 'user.add')).toHaveLength(1);
      expect(actions.filter((action) => action === 'session.signin')).toHaveLength(2);
      expect(actions).toContain('session.signin-failed');
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
    }
    // Started again: the administrator exists, none is made.
    const again = await startHub({ db: fresh, mediaDir, port: 0, host: '127.0.0.1', log: () => {} });
    expect(again.firstAdministrator).toBeNull();
    await again.close();
  });

  it('a PostgreSQL hub of before accounts (its admin token in settings) keeps that token as an administrator\'s API token', async () => {
    const old = await postgres.freshDatabase();
    const OLD = 'the-admin-token-of-a-postgres-hub-before-accounts';
    const client = new pg.Client({ connectionString: old });
    await client.connect();
    try {
      await client.query('CREATE TABLE antichambre_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      const accounts = POSTGRES_MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE users'));
      expect(accounts).toBeGreaterThan(0);
      for (const [version, sql] of POSTGRES_MIGRATIONS.slice(0, accounts).entries()) {
        await client.query(sql);
        await client.query('INSERT INTO antichambre_migrations (version) VALUES ($1)', [version + 1]);
      }
      await client.query("INSERT INTO settings (key, value) VALUES ('admin_token_hash', $1)", [createHash('sha256').update(OLD).digest('hex')]);
    } finally {
      await client.end();
    }
    const upgraded = await startHub({ db: old, mediaDir: mkdtempSync(join(tmpdir(), 'antichambre-pg-media-')), port: 0, host: '127.0.0.1', log: () => {} });
    try {
      expect(upgraded.firstAdministrator).toBeNull();
      const users = await fetch(new URL('/api/users', upgraded.url), { headers: { authorization: `Bearer ${OLD}` } });
      expect(users.status).toBe(200);
      expect(((await users.json()) as UserList).users).toMatchObject([{ id: 'u-admin', email: 'admin@localhost', grants: [{ role: 'admin', site: null }] }]);
      expect(await upgraded.stores.settings.get('admin_token_hash')).toBeNull();
      expect((await upgraded.stores.tokens.list()).map((t) => [t.id, t.name, t.createdAt])).toEqual([['t-admin-token', 'admin token (before accounts)', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)]]);
    } finally {
      await upgraded.close();
    }
  });
});
