import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECK_EVERY_MS, FIRST_CHECK_MS, startAutoUpdate, type Updater } from '../../src/main/autoUpdate.js';

function fakeUpdater() {
  const listeners = new Map<string, (arg: never) => void>();
  const calls: unknown[][] = [];
  let fail: Error | null = null;
  const updater = {
    autoDownload: false,
    autoInstallOnAppQuit: true,
    setFeedURL: (options: unknown) => calls.push(['setFeedURL', options]),
    checkForUpdates: async () => {
      calls.push(['check']);
      if (fail) {
        listeners.get('error')?.(fail as never);
        throw fail;
      }
      return null;
    },
    quitAndInstall: (silent?: boolean, runAfter?: boolean) => calls.push(['quitAndInstall', silent, runAfter]),
    on: (event: string, listener: (arg: never) => void) => listeners.set(event, listener),
  } as Updater;
  return {
    updater,
    calls,
    downloaded: (version: string) => listeners.get('update-downloaded')!({ version } as never),
    failWith: (error: Error) => (fail = error),
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('auto-update from a generic URL (fake timers, updater faked)', () => {
  it('uses the generic provider, downloads by itself and never installs on a plain quit', () => {
    const fake = fakeUpdater();
    startAutoUpdate(fake.updater, 'https://maj.mairie.example/antichambre/', () => {});
    expect(fake.calls).toEqual([['setFeedURL', { provider: 'generic', url: 'https://maj.mairie.example/antichambre/' }]]);
    expect(fake.updater.autoDownload).toBe(true);
    expect(fake.updater.autoInstallOnAppQuit).toBe(false);
  });

  it('checks a minute after start, then once a day', async () => {
    const fake = fakeUpdater();
    const updates = startAutoUpdate(fake.updater, 'https://maj.example/', () => {});
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_MS - 1);
    expect(fake.calls.filter(([c]) => c === 'check')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls.filter(([c]) => c === 'check')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS * 2);
    expect(fake.calls.filter(([c]) => c === 'check')).toHaveLength(3);
    updates.stop();
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS * 2);
    expect(fake.calls.filter(([c]) => c === 'check')).toHaveLength(3);
  });

  it('installs a downloaded update only when asked (at the quiet-hour restart), and records it', () => {
    const fake = fakeUpdater();
    const events: [string, string][] = [];
    const updates = startAutoUpdate(fake.updater, 'https://maj.example/', (kind, detail) => events.push([kind, detail]));
    expect(updates.installNow()).toBe(false);
    fake.downloaded('0.2.0');
    fake.downloaded('0.2.0');
    expect(updates.downloaded()).toBe('0.2.0');
    expect(fake.calls.some(([c]) => c === 'quitAndInstall')).toBe(false);
    expect(updates.installNow()).toBe(true);
    expect(fake.calls.at(-1)).toEqual(['quitAndInstall', true, true]);
    expect(events).toEqual([
      ['update-downloaded', 'version 0.2.0, installed at the next daily restart'],
      ['update-install', 'version 0.2.0'],
    ]);
  });

  it('records a failed check once, and goes on', async () => {
    const fake = fakeUpdater();
    const events: [string, string][] = [];
    startAutoUpdate(fake.updater, 'https://maj.example/', (kind, detail) => events.push([kind, detail]));
    fake.failWith(new Error('net::ERR_NAME_NOT_RESOLVED'));
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_MS);
    expect(events).toEqual([['update-error', 'net::ERR_NAME_NOT_RESOLVED']]);
  });
});
