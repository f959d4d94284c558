import { describe, expect, it } from 'vitest';
import type { ScreenState } from '../../src/shared/adminApi.js';
import { toUtcTime } from '../../src/shared/ids.js';
import type { StatusMessage } from '../../src/shared/protocol.js';
import { DEFAULT_HEALTH_RULES, HealthBoard, screenProblems, type ScreenObservation } from '../../src/shared/screenHealth.js';

/** The pure part of notifications: what is wrong with a screen, and the per-site digests of what changed. */

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const MIN = 60_000;
const rules = DEFAULT_HEALTH_RULES;

function status(overrides: Partial<StatusMessage> = {}): StatusMessage {
  return { at: toUtcTime(T0), revision: 'r1', playing: null, cache: { bytes: 0, files: 3, missing: 0 }, outbox: 0, uptimeS: 100, version: 'test', ...overrides };
}

function state(overrides: Partial<ScreenState> = {}): ScreenState {
  return { id: 'ecran-1', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris', online: true, lastSeen: toUtcTime(T0), revision: 'r1', ackedRevision: 'r1', refused: null, status: status(), ...overrides };
}

const offline = (screen: string, site = 'mairie'): ScreenObservation => ({ screen, name: screen, site, problems: { offline: 'last seen then' } });
const online = (screen: string, site = 'mairie'): ScreenObservation => ({ screen, name: screen, site, problems: { offline: null } });

describe('screenProblems', () => {
  it('calls a screen offline only past the threshold, counted from when the hub started watching, and never one not installed yet', () => {
    const gone = state({ online: false, lastSeen: toUtcTime(T0) });
    expect(screenProblems(gone, T0 + 9 * MIN, rules, 0).offline).toBeNull();
    expect(screenProblems(gone, T0 + 11 * MIN, rules, 0).offline).toBe(`last seen ${toUtcTime(T0)}`);
    // The hub itself was stopped until T0 + 5 min: the screen had no chance to connect before; neither offline nor back.
    expect(screenProblems(gone, T0 + 11 * MIN, rules, T0 + 5 * MIN)).not.toHaveProperty('offline');
    expect(screenProblems(gone, T0 + 16 * MIN, rules, T0 + 5 * MIN).offline).toBe(`last seen ${toUtcTime(T0)}`);
    expect(screenProblems(state({ online: false, lastSeen: null }), T0 + 60 * MIN, rules, 0).offline).toBeNull();
    // The last status of a screen that is gone says nothing about its cache or crashes now.
    expect(screenProblems(gone, T0 + 11 * MIN, rules, 0)).not.toHaveProperty('cache');
    expect(screenProblems(gone, T0 + 11 * MIN, rules, 0)).not.toHaveProperty('crashLoop');
  });

  it('sees a refused revision, a cache stuck with missing files, and a crash loop', () => {
    expect(screenProblems(state({ refused: { revision: 'r2', error: 'playlists[0]: disk full', at: toUtcTime(T0) } }), T0, rules, 0).refused).toBe('revision r2: playlists[0]: disk full');
    const stuck = state({ status: status({ cache: { bytes: 0, files: 1, missing: 2, oldestMissingS: 600, errors: ['HTTP 404'] } }) });
    expect(screenProblems(stuck, T0, rules, 0).cache).toBe('2 file(s) missing for 10 min (HTTP 404)');
    expect(screenProblems(state({ status: status({ cache: { bytes: 0, files: 1, missing: 2, oldestMissingS: 60 } }) }), T0, rules, 0).cache).toBeNull();
    const crash = (k: number, type = 'renderer-gone') => ({ id: `e${k}`, type, at: toUtcTime(T0 - k * MIN) });
    expect(screenProblems(state({ status: status({ events: [crash(1), crash(2)] }) }), T0, rules, 0).crashLoop).toBeNull();
    expect(screenProblems(state({ status: status({ events: [crash(1), crash(2), crash(3, 'hang')] }) }), T0, rules, 0).crashLoop).toBe('3 crashes in 15 min (last: hang)');
    // Three crashes, but one of them long ago: no loop. Daily relaunches are no crashes.
    expect(screenProblems(state({ status: status({ events: [crash(1), crash(2), crash(40), crash(3, 'relaunch')] }) }), T0, rules, 0).crashLoop).toBeNull();
    expect(screenProblems(state({ status: status({ events: [{ ...crash(1, 'relaunch-held'), detail: 'hang; the app relaunched too often lately' }] }) }), T0, rules, 0).crashLoop).toBe('hang; the app relaunched too often lately');
  });
});

describe('HealthBoard', () => {
  it('tells a problem once, after the window, and its end once', () => {
    const board = new HealthBoard(MIN);
    board.observe(T0, [offline('a')]);
    expect(board.due(T0 + 30_000)).toEqual([]);
    expect(board.nextDueAt()).toBe(T0 + MIN);
    // Seen again and again: still one message.
    board.observe(T0 + 30_000, [offline('a')]);
    const [digest, ...others] = board.due(T0 + MIN);
    expect(others).toEqual([]);
    expect(digest).toEqual({ site: 'mairie', changes: [{ screen: 'a', name: 'a', condition: 'offline', state: 'problem', at: T0, detail: 'last seen then' }] });
    for (let k = 2; k < 10; k++) board.observe(T0 + k * MIN, [offline('a')]);
    expect(board.due(T0 + 20 * MIN)).toEqual([]);
    expect(board.nextDueAt()).toBeNull();
    board.observe(T0 + 21 * MIN, [online('a')]);
    expect(board.due(T0 + 22 * MIN)).toEqual([{ site: 'mairie', changes: [{ screen: 'a', name: 'a', condition: 'offline', state: 'resolved', at: T0 + 21 * MIN, detail: 'last seen then' }] }]);
    board.observe(T0 + 23 * MIN, [online('a')]);
    expect(board.due(T0 + 30 * MIN)).toEqual([]);
  });

  it('groups the changes of a site within the window into one digest, each site its own', () => {
    const board = new HealthBoard(MIN);
    board.observe(T0, [offline('a'), online('b'), online('c', 'prefecture')]);
    board.observe(T0 + 20_000, [offline('a'), offline('b'), offline('c', 'prefecture')]);
    const digests = board.due(T0 + MIN);
    expect(digests.map((d) => [d.site, d.changes.map((c) => c.screen)])).toEqual([['mairie', ['a', 'b']]]);
    // The prefecture's window opened 20 s later, and closes 20 s later.
    expect(board.due(T0 + MIN + 20_000).map((d) => [d.site, d.changes.map((c) => c.screen)])).toEqual([['prefecture', ['c']]]);
  });

  it('tells nothing of a problem over before its window ended (a screen that flapped)', () => {
    const board = new HealthBoard(MIN);
    board.observe(T0, [offline('a')]);
    board.observe(T0 + 10_000, [online('a')]);
    board.observe(T0 + 20_000, [offline('a')]);
    board.observe(T0 + 30_000, [online('a')]);
    expect(board.due(T0 + MIN)).toEqual([]);
    expect(board.nextDueAt()).toBeNull();
  });

  it('keeps a condition it cannot judge now, and drops a removed screen', () => {
    const board = new HealthBoard(MIN);
    board.observe(T0, [{ screen: 'a', name: 'A', site: 's', problems: { offline: null, cache: '2 file(s) missing' } }]);
    expect(board.due(T0 + MIN)[0]!.changes.map((c) => [c.condition, c.state])).toEqual([['cache', 'problem']]);
    board.observe(T0 + 2 * MIN, [{ screen: 'a', name: 'A', site: 's', problems: { offline: null } }]);
    expect(board.due(T0 + 4 * MIN)).toEqual([]);
    expect(board.toldProblems()).toEqual([{ screen: 'a', condition: 'cache' }]);
    board.observe(T0 + 5 * MIN, []);
    expect(board.toldProblems()).toEqual([]);
    expect(board.due(T0 + 7 * MIN)).toEqual([]);
  });

  it('after a restart, does not tell again a problem already told, and tells its end', () => {
    const before = new HealthBoard(MIN);
    before.observe(T0, [offline('a'), { screen: 'b', name: 'b', site: 'mairie', problems: { refused: 'revision r2: bad' } }]);
    before.due(T0 + MIN);
    const after = new HealthBoard(MIN);
    after.restoreTold(before.toldProblems(), T0 + 10 * MIN);
    after.observe(T0 + 10 * MIN, [offline('a'), { screen: 'b', name: 'b', site: 'mairie', problems: { refused: null } }]);
    expect(after.due(T0 + 12 * MIN)).toEqual([{ site: 'mairie', changes: [{ screen: 'b', name: 'b', condition: 'refused', state: 'resolved', at: T0 + 10 * MIN, detail: 'told before the hub restarted' }] }]);
  });
});
