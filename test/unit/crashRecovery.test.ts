import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CrashRecovery, DEFAULT_RECOVERY, type RecoverableApp, type RecoverableContents } from '../../src/main/crashRecovery.js';

type Listener = (...args: unknown[]) => void;

/** A stand-in for Electron's webContents and app: their events are fired by hand. */
function fakeContents() {
  const listeners = new Map<string, Listener>();
  const calls: string[] = [];
  const contents: RecoverableContents = {
    on: (event: string, listener: Listener) => listeners.set(event, listener),
    reload: () => calls.push('reload'),
    forcefullyCrashRenderer: () => calls.push('crash'),
  } as RecoverableContents;
  return {
    contents,
    calls,
    crash: (reason = 'crashed') => listeners.get('render-process-gone')!({}, { reason, exitCode: 139 }),
    fire: (event: 'unresponsive' | 'responsive') => listeners.get(event)!(),
  };
}

function fakeApp() {
  let listener: Listener | null = null;
  const app: RecoverableApp = { on: (_event: string, l: Listener) => (listener = l) } as RecoverableApp;
  return { app, gone: (type: string, reason: string) => listener!({}, { type, reason, exitCode: 1 }) };
}

function setUp(mayRelaunch?: () => boolean) {
  const events: [string, string][] = [];
  const relaunches: string[] = [];
  const recovery = new CrashRecovery({ record: (kind, detail) => events.push([kind, detail]), relaunch: (reason) => relaunches.push(reason), ...(mayRelaunch ? { mayRelaunch } : {}) }, DEFAULT_RECOVERY, () => Date.now());
  const page = fakeContents();
  recovery.watchContents(page.contents);
  return { recovery, page, events, relaunches };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-12-01T09:00:00.000Z'));
});
afterEach(() => vi.useRealTimers());

describe('crash recovery (fake timers, Electron API faked)', () => {
  it('reloads a crashed page after 1 s, then 2 s, then 4 s, and relaunches when 3 reloads in 10 min did not help', () => {
    const { page, events, relaunches } = setUp();
    const delays: number[] = [];
    for (let n = 0; n < 3; n++) {
      page.crash();
      const start = Date.now();
      vi.advanceTimersByTime(500);
      expect(page.calls.filter((c) => c === 'reload')).toHaveLength(n);
      while (page.calls.filter((c) => c === 'reload').length === n) vi.advanceTimersByTime(100);
      delays.push(Date.now() - start);
      vi.advanceTimersByTime(60_000); // the page ran a minute, then died again
    }
    expect(delays).toEqual([1_000, 2_000, 4_000]);
    expect(relaunches).toEqual([]);
    page.crash();
    expect(relaunches).toEqual(['renderer gone: 3 reloads within 10 min did not help']);
    vi.advanceTimersByTime(60_000);
    expect(page.calls.filter((c) => c === 'reload')).toHaveLength(3);
    expect(events.map(([kind]) => kind)).toEqual(['renderer-gone', 'reload', 'renderer-gone', 'reload', 'renderer-gone', 'reload', 'renderer-gone']);
    expect(events[0]![1]).toBe('reason crashed, exit code 139');
  });

  it('when the app relaunched too often lately, keeps reloading every 5 minutes instead of relaunching again', () => {
    const { page, events, relaunches } = setUp(() => false);
    for (let n = 0; n < 3; n++) {
      page.crash();
      vi.advanceTimersByTime(10_000);
    }
    expect(page.calls.filter((c) => c === 'reload')).toHaveLength(3);
    page.crash();
    expect(relaunches).toEqual([]);
    expect(events.at(-1)![0]).toBe('relaunch-held');
    vi.advanceTimersByTime(5 * 60_000 - 1);
    expect(page.calls.filter((c) => c === 'reload')).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(page.calls.filter((c) => c === 'reload')).toHaveLength(4);
  });

  it('forgets reloads older than 10 minutes: rare crashes never relaunch the app', () => {
    const { page, relaunches } = setUp();
    for (let n = 0; n < 6; n++) {
      page.crash();
      vi.advanceTimersByTime(6 * 60_000);
    }
    expect(relaunches).toEqual([]);
    expect(page.calls.filter((c) => c === 'reload')).toHaveLength(6);
  });

  it('one reload for a burst of crash reports', () => {
    const { page } = setUp();
    page.crash();
    page.crash('oom');
    vi.advanceTimersByTime(10_000);
    expect(page.calls).toEqual(['reload']);
  });

  it('takes a page unresponsive for 15 s as hung: kills its renderer and reloads it', () => {
    const { page, events } = setUp();
    page.fire('unresponsive');
    vi.advanceTimersByTime(14_000);
    expect(page.calls).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(page.calls).toEqual(['crash']);
    // The killed renderer reports itself gone: still one reload.
    page.crash('killed');
    vi.advanceTimersByTime(1_000);
    expect(page.calls).toEqual(['crash', 'reload']);
    expect(events.map(([kind]) => kind)).toEqual(['hang', 'renderer-gone', 'reload']);
  });

  it('leaves alone a page that answers again within the grace period', () => {
    const { page, events } = setUp();
    page.fire('unresponsive');
    vi.advanceTimersByTime(10_000);
    page.fire('responsive');
    vi.advanceTimersByTime(60_000);
    expect(page.calls).toEqual([]);
    expect(events).toEqual([]);
  });

  it('reloads the page after a GPU process crash, ignores a clean exit and other processes', () => {
    const { recovery, page, events } = setUp();
    const app = fakeApp();
    recovery.watchApp(app.app);
    app.gone('GPU', 'clean-exit');
    app.gone('Utility', 'crashed');
    vi.advanceTimersByTime(10_000);
    expect(page.calls).toEqual([]);
    app.gone('GPU', 'crashed');
    vi.advanceTimersByTime(1_000);
    expect(page.calls).toEqual(['reload']);
    expect(events[0]).toEqual(['gpu-gone', 'reason crashed, exit code 1']);
  });

  it('does nothing once the app is quitting', () => {
    const { recovery, page, relaunches } = setUp();
    page.crash();
    recovery.stop();
    page.crash();
    page.fire('unresponsive');
    vi.advanceTimersByTime(60_000);
    expect(page.calls).toEqual([]);
    expect(relaunches).toEqual([]);
  });
});
