import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/hub/cli.js';
import { PowerReport, ScreenList, ScreenSet, type ScreenToken } from '../../src/shared/adminApi.js';
import { PlaylistsMessage, type StatusMessage } from '../../src/shared/protocol.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { statusTable } from '../../src/hub/statusTable.js';
import { usePostgres } from '../support/postgresServer.js';
import { adminApi, connectScreen, keepingSets } from '../support/hubClient.js';

/**
 * The hub in this process with a real socket.io client as the player: power schedules to screens, display states back, hours off and energy in the report;
 * on SQLite and on a real PostgreSQL alike.
 */

const ADMIN = 'unit-admin-token';
let hub: RunningHub;

const api = adminApi(() => hub.url, ADMIN);

const player = (created: ScreenToken, received: PlaylistsMessage[]): Promise<Socket> => connectScreen(hub.url, created, keepingSets(received));

const OPENING_HOURS = { open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '17:30' }] }], wakeBeforeMinutes: 5 };
/** Off from Tuesday 17:30 to the last status that said so, Wednesday 08:24:30 (Paris): 14 h 54 min 30 s. */
const OFF_HOURS = 14 + 54.5 / 60;
const status = (at: string, power: StatusMessage['power']): StatusMessage => ({ at, revision: null, playing: null, cache: { bytes: 0, files: 0, missing: 0 }, outbox: 0, uptimeS: 1, version: 'unit', ...(power ? { power } : {}) });

const postgres = usePostgres();
const ENGINES = [
  { engine: 'SQLite', db: async () => join(mkdtempSync(join(tmpdir(), 'antichambre-hub-power-')), 'hub.db') },
  { engine: 'PostgreSQL', db: () => postgres.freshDatabase() },
] as const;

describe.each(ENGINES)('screens asleep when the building is closed, at the hub on $engine', ({ db }) => {
  beforeAll(async () => {
    hub = await startHub({ db: await db(), port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('sends a site power schedule to its screens (a screen own wins), keeps the states they report, and reports hours off and energy saved', async () => {
    const tokens: ScreenToken[] = [];
    for (const id of ['hall-1', 'hall-2']) tokens.push((await api<ScreenToken>('POST', '/api/screens', { id, name: id, site: 'mairie', timezone: 'Europe/Paris' })).body);
    expect((await api('POST', '/api/playlists', { target: { site: 'mairie' }, playlists: [{ id: 'accueil', items: [{ id: 't', type: 'text', duration: 10, title: 'Bienvenue' }] }] })).status).toBe(200);

    // The stated wattage, checked.
    expect(await api('PUT', '/api/screens/hall-1/watts', { watts: 120 })).toEqual({ status: 200, body: { screen: 'hall-1', watts: 120 } });
    expect(await api('PUT', '/api/screens/hall-1/watts', { watts: -5 })).toEqual({ status: 400, body: { error: 'watts: expected watts > 0' } });
    expect((await api('PUT', '/api/screens/nope/watts', { watts: 80 })).status).toBe(404);

    // The player gets its set, then the same set with the site's power schedule, under a new revision.
    const received: PlaylistsMessage[] = [];
    const socket = await player(tokens[0]!, received);
    await socket.emitWithAck('hello', { revision: null, version: 'unit', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } });
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(1);
    expect(received[0]!.power).toBeUndefined();
    const bad = await api<{ error: string }>('PUT', '/api/power/schedule', { target: { site: 'mairie' }, power: { open: [{ days: [8] }] } });
    expect(bad).toEqual({ status: 400, body: { error: 'power.open[0].days[0]: expected an ISO weekday 1 (Monday) to 7 (Sunday)' } });
    const set = await api<{ screens: { id: string; revision: string }[] }>('PUT', '/api/power/schedule', { target: { site: 'mairie' }, power: OPENING_HOURS });
    expect(set.status).toBe(200);
    expect(set.body.screens.map((s) => s.id)).toEqual(['hall-1', 'hall-2']);
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(2);
    expect(received[1]).toMatchObject({ revision: set.body.screens[0]!.revision, power: OPENING_HOURS });
    expect(received[1]!.revision).not.toBe(received[0]!.revision);

    // hall-2's own schedule wins over the site's; removing it gives it the site's again.
    const own = { open: 'playlists' };
    await api('PUT', '/api/power/schedule', { target: { screen: 'hall-2' }, power: own });
    expect(ScreenSet.parse((await api('GET', '/api/screens/hall-2/playlists')).body).power).toEqual(own);
    expect(ScreenSet.parse((await api('GET', '/api/screens/hall-1/playlists')).body).power).toEqual(OPENING_HOURS);
    await api('PUT', '/api/power/schedule', { target: { screen: 'hall-2' }, power: null });
    expect(ScreenSet.parse((await api('GET', '/api/screens/hall-2/playlists')).body).power).toEqual(OPENING_HOURS);

    // Tuesday: on from 08:25, black at 17:30 then off once the display said so, on again Wednesday 08:25.
    const reports: [string, StatusMessage['power']][] = [
      ['2026-12-01T07:25:00.000Z', { state: 'on', since: '2026-12-01T07:25:00.000Z', until: '2026-12-01T16:30:00.000Z' }],
      ['2026-12-01T16:29:30.000Z', { state: 'on', since: '2026-12-01T07:25:00.000Z', until: '2026-12-01T16:30:00.000Z' }],
      ['2026-12-01T16:30:00.000Z', { state: 'black', since: '2026-12-01T16:30:00.000Z', until: '2026-12-02T07:25:00.000Z' }],
      ['2026-12-01T16:30:02.000Z', { state: 'off', since: '2026-12-01T16:30:00.000Z', until: '2026-12-02T07:25:00.000Z' }],
      ['2026-12-01T22:00:00.000Z', { state: 'off', since: '2026-12-01T16:30:00.000Z', until: '2026-12-02T07:25:00.000Z' }],
      ['2026-12-02T07:24:30.000Z', { state: 'off', since: '2026-12-01T16:30:00.000Z', until: '2026-12-02T07:25:00.000Z' }],
    ];
    for (const [at, power] of reports) socket.emit('status', status(at, power));
    const report = async (since: string, until: string, site = '') => PowerReport.parse((await api('GET', `/api/power/report?since=${since}&until=${until}${site}`)).body);
    await expect.poll(async () => (await report('2026-12-01T00:00:00.000Z', '2026-12-03T00:00:00.000Z')).screens[0]!.hoursOff, { timeout: 5_000 }).toBeCloseTo(OFF_HOURS, 9);
    const twoDays = await report('2026-12-01T00:00:00.000Z', '2026-12-03T00:00:00.000Z');
    expect(twoDays.screens[0]).toMatchObject({ screen: 'hall-1', site: 'mairie', watts: 120, hoursBlack: 0 }); // the black stretch became off (same since)
    expect(twoDays.screens[0]!.hoursOn).toBeCloseTo(9.075, 9);
    expect(twoDays.screens[0]!.kWhSaved).toBeCloseTo(OFF_HOURS * 0.12, 9);
    // hall-2 reported nothing: no hours, no energy, while its schedule says it should have slept (off line, or not sleeping).
    expect(twoDays.screens[1]).toEqual({ screen: 'hall-2', site: 'mairie', watts: null, hoursOn: 0, hoursOff: 0, hoursBlack: 0, kWhSaved: null, scheduledHoursAsleep: twoDays.screens[0]!.scheduledHoursAsleep });
    expect(twoDays.totals.hoursOff).toBeCloseTo(OFF_HOURS, 9);
    expect(twoDays.totals.kWhSaved).toBeCloseTo(OFF_HOURS * 0.12, 9);
    // Within Tuesday only: off from 17:30 to midnight.
    const tuesday = await report('2026-12-01T00:00:00.000Z', '2026-12-01T23:00:00.000Z');
    expect(tuesday.screens[0]!.hoursOff).toBeCloseTo(6.5, 9);
    expect(tuesday.screens[0]!.kWhSaved).toBeCloseTo(0.78, 9);
    expect((await report('2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z', '&site=ailleurs')).screens).toEqual([]);
    expect((await api<{ error: string }>('GET', '/api/power/report?since=2026-12-02T00:00:00.000Z&until=2026-12-01T00:00:00.000Z')).body.error).toBe('query: until: must be after since');
    expect((await api<{ error: string }>('GET', '/api/power/report?since=2020-12-02T00:00:00.000Z&until=2026-12-01T00:00:00.000Z')).body.error).toBe('query: until: expected at most 400 days after since');
    // What the schedule says they should have slept: Tuesday and Wednesday open 08:25–17:30 (Paris), 48 h less twice 9 h 05.
    expect(twoDays.screens[0]!.scheduledHoursAsleep).toBeCloseTo(48 - 2 * (9 + 5 / 60), 9);

    // `antichambre-hub status` and the dashboard read the state from the screen list.
    const screens = ScreenList.parse((await api('GET', '/api/screens')).body).screens;
    expect(screens.find((s) => s.id === 'hall-1')).toMatchObject({ watts: 120, status: { power: { state: 'off', until: '2026-12-02T07:25:00.000Z' } } });
    const [header, row] = statusTable(screens, Date.parse('2026-12-02T07:24:40.000Z')).split('\n');
    const column = header!.indexOf('power');
    expect(column).toBeGreaterThan(0);
    expect(row!.slice(column)).toMatch(/^off until Wed 08:25 /);
    socket.close();
  });

  it('the CLI sets a schedule from a file (naming the field of a bad one), a wattage, and prints the report', async () => {
    const cli = async (...args: string[]): Promise<{ out: string; err: string; code: number }> => {
      const out: string[] = [];
      const err: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
      const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void err.push(String(line)));
      process.exitCode = 0;
      try {
        await main([...args, '--hub', hub.url, '--token', ADMIN]);
      } finally {
        log.mockRestore();
        error.mockRestore();
      }
      const code = Number(process.exitCode ?? 0);
      process.exitCode = 0;
      return { out: out.join('\n'), err: err.join('\n'), code };
    };
    const dir = mkdtempSync(join(tmpdir(), 'antichambre-power-cli-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ open: [{ hours: [{ start: '8h30', end: '17:30' }] }] }));
    writeFileSync(join(dir, 'horaires.json'), JSON.stringify({ open: [{ days: [1, 2, 3, 4, 5, 6], hours: [{ start: '09:00', end: '12:00' }] }], closed: [{ from: '2026-12-25T00:00', until: '2026-12-26T00:00' }] }));
    const bad = await cli('power', 'schedule', join(dir, 'bad.json'), '--site', 'mairie');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad.json: open[0].hours[0].start: expected a local time like 08:30');
    const good = await cli('power', 'schedule', join(dir, 'horaires.json'), '--site', 'mairie');
    expect(good).toMatchObject({ code: 0 });
    expect(good.out).toContain('power schedule set: 1 opening schedule(s), 1 closure(s)');
    expect(good.out).toMatch(/screen hall-2: revision \w{16}, offline: gets it when it connects/);
    expect(ScreenSet.parse((await api('GET', '/api/screens/hall-2/playlists')).body).power?.closed).toHaveLength(1);
    expect(await cli('screen', 'watts', 'hall-2', '45')).toMatchObject({ code: 0, out: 'hall-2: 45 W' });
    expect((await cli('screen', 'watts', 'hall-2', 'lots')).code).toBe(64);
    const report = await cli('power', 'report', '--since', '2026-12-01T00:00:00.000Z', '--until', '2026-12-03T00:00:00.000Z');
    expect(report.code).toBe(0);
    const lines = report.out.split('\n');
    expect(lines[1]).toMatch(/^screen\s+site\s+hours on\s+hours off\s+hours black\s+by schedule\s+watts\s+kWh saved$/);
    // By the site's schedule now (Monday to Saturday 09:00–12:00): 48 h less twice 3 h.
    expect(lines[2]).toMatch(/^hall-1\s+mairie\s+9\.1\s+14\.9\s+0\.0\s+42\.0\s+120\s+1\.79$/);
    expect(lines[3]).toMatch(/^hall-2\s+mairie\s+0\.0\s+0\.0\s+0\.0\s+42\.0\s+45\s+0\.00$/);
    expect(lines[4]).toMatch(/^total\s+14\.9\s+0\.0\s+1\.79$/);
  });

  it('stores a burst of statuses from one screen in the order it sent them: the last one stands', async () => {
    const token = (await api<ScreenToken>('POST', '/api/screens', { id: 'burst-1', name: 'burst-1', site: 'burst', timezone: 'Europe/Paris' })).body;
    const socket = await player(token, []);
    await socket.emitWithAck('hello', { revision: null, version: 'unit', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } });
    // A display that went black at 17:30, then off, reported 40 times in one burst (as after a reconnection): black, off, black, …, off.
    const since = '2026-12-01T16:30:00.000Z';
    const last = Date.parse(since) + 39_000;
    for (let k = 0; k < 40; k++) socket.emit('status', status(new Date(Date.parse(since) + k * 1_000).toISOString(), { state: k % 2 === 1 ? 'off' : 'black', since, until: '2026-12-02T07:25:00.000Z' }));
    const burst = async () => ScreenList.parse((await api('GET', '/api/screens')).body).screens.find((s) => s.id === 'burst-1')!;
    await expect.poll(async () => (await burst()).status?.at, { timeout: 10_000 }).toBe(new Date(last).toISOString());
    expect((await burst()).status?.power?.state).toBe('off');
    const report = PowerReport.parse((await api('GET', `/api/power/report?since=2026-12-01T00:00:00.000Z&until=2026-12-03T00:00:00.000Z&site=burst`)).body);
    expect(report.screens[0]).toMatchObject({ screen: 'burst-1', hoursBlack: 0 });
    expect(report.screens[0]!.hoursOff).toBeCloseTo(39 / 3600, 9);
    socket.close();
  });
});
