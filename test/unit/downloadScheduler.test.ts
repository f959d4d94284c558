import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DownloadScheduler, type DownloadAttempt, type DownloadStorage, type SchedulerClock, type SchedulerOptions } from '../../src/shared/downloadScheduler.js';
import type { PlannedFile } from '../../src/shared/mediaPlan.js';
import type { RetryKind } from '../../src/shared/mediaStatus.js';

/**
 * The scheduling shared by the kiosk's file store and the web player's cache, on a storage kept
 * in memory whose downloads the test settles by hand, and on fake timers (the clock and every
 * timer the scheduler starts).
 */

class Refused extends Error {
  constructor(
    message: string,
    readonly retry: RetryKind,
  ) {
    super(message);
  }
}

interface Pending {
  attempt: DownloadAttempt<AbortController>;
  succeed(): void;
  fail(error: Error): void;
}

const sha = (n: number) => n.toString(16).padStart(64, '0');
const file = (n: number, bytes?: number): PlannedFile => ({ sha256: sha(n).toUpperCase(), src: `https://cdn.example/${n}.png`, firstPlay: 0, ...(bytes === undefined ? {} : { bytes }) });

const OPTIONS: SchedulerOptions = { maxConcurrent: 2, stallMs: 1_000, backoffBaseMs: 2_000, backoffMaxMs: 60_000, refusedRetryMs: 30 * 60_000, random: () => 0.5 };

const clock: SchedulerClock = {
  performance: { now: () => Date.now() },
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  setInterval: (run, ms) => setInterval(run, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

function setUp(options: { room?: boolean } = {}) {
  const stored = new Set<string>();
  const pending = new Map<string, Pending>();
  const started: string[] = [];
  const sources: string[] = [];
  const failures: { sha: string; kind: RetryKind; abandoned: boolean }[] = [];
  const events = { ready: [] as string[], settled: 0, changed: 0, states: [] as string[] };
  const storage: DownloadStorage<AbortController> = {
    has: (s) => stored.has(s),
    keptBytes: () => 0,
    storedBytes: (s) => (stored.has(s) ? 100 : null),
    budget: () => 500,
    makeRoom: (f) => {
      if (options.room === false) return false;
      scheduler.reserve(f.sha256, f.bytes);
      return true;
    },
    download: (f, attempt) =>
      new Promise<void>((resolve, reject) => {
        started.push(f.sha256);
        sources.push(f.src);
        pending.set(f.sha256, {
          attempt,
          succeed: () => {
            stored.add(f.sha256);
            resolve();
          },
          fail: reject,
        });
      }),
    retryKind: (error) => (error instanceof Refused ? error.retry : 'soon'),
    failed: (f, _status, attempt, kind) => void failures.push({ sha: f.sha256, kind, abandoned: attempt.abandoned }),
  };
  const scheduler = new DownloadScheduler<AbortController>({
    storage,
    options: OPTIONS,
    clock,
    newController: () => new AbortController(),
    changed: () => {
      events.changed++;
      events.states.push(...scheduler.files().map((f) => f.state));
    },
    ready: (s) => void events.ready.push(s),
    settled: () => void events.settled++,
  });
  const settle = async (s: string, outcome: 'ok' | Error) => {
    const p = pending.get(s);
    if (!p) throw new Error(`no download of ${s} under way`);
    pending.delete(s);
    if (outcome === 'ok') p.succeed();
    else p.fail(outcome);
    await vi.advanceTimersByTimeAsync(0);
  };
  const state = (s: string) => scheduler.files().find((f) => f.sha256 === s);
  return { scheduler, stored, pending, started, sources, failures, events, settle, state };
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 11, 2, 9) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('DownloadScheduler', () => {
  it('fetches in the order wanted, two at a time, each ready once stored (sha256 in lower case)', async () => {
    const { scheduler, started, settle, events, state } = setUp();
    scheduler.want([file(1), file(2), file(3)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([sha(1), sha(2)]);
    expect(state(sha(1))).toMatchObject({ state: 'downloading', attempts: 0 });
    expect(state(sha(3))).toMatchObject({ state: 'queued' });
    expect(scheduler.missing()).toBe(3);

    await settle(sha(2), 'ok');
    expect(started).toEqual([sha(1), sha(2), sha(3)]);
    expect(events.ready).toEqual([sha(2)]);
    expect(state(sha(2))).toMatchObject({ state: 'ready', done: 100, total: 100 });
    await settle(sha(1), 'ok');
    await settle(sha(3), 'ok');
    expect(events.ready).toEqual([sha(2), sha(1), sha(3)]);
    expect(events.settled).toBe(3);
    expect(scheduler.missing()).toBe(0);
    // The stuck check ends at its next turn with nothing under way.
    await vi.advanceTimersByTimeAsync(250);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('retries a failure by its own timer after the backoff; a refusal only after the refusal delay', async () => {
    const { scheduler, started, settle, failures, state } = setUp();
    scheduler.want([file(1), file(2)]);
    await vi.advanceTimersByTimeAsync(0);
    await settle(sha(1), new Error('connection reset'));
    await settle(sha(2), new Refused('404', 'later'));
    expect(failures).toEqual([
      { sha: sha(1), kind: 'soon', abandoned: false },
      { sha: sha(2), kind: 'later', abandoned: false },
    ]);
    expect(state(sha(1))).toMatchObject({ state: 'waiting', attempts: 1, error: 'connection reset', nextTry: Date.now() + 2_000 });
    expect(state(sha(2))).toMatchObject({ state: 'failed', attempts: 1, error: '404', nextTry: Date.now() + 30 * 60_000 });
    expect(scheduler.hasFailed(sha(1))).toBe(true);
    // Not before its delay (base 2 s, jitter ×1), then at once.
    await vi.advanceTimersByTimeAsync(1_999);
    expect(started).toEqual([sha(1), sha(2)]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([sha(1), sha(2), sha(1)]);
    expect(state(sha(1))).toMatchObject({ state: 'downloading' });
    expect(state(sha(1))!.nextTry).toBeUndefined();
    await settle(sha(1), 'ok');
    expect(state(sha(1))).toMatchObject({ state: 'ready' });
    expect(state(sha(1))!.error).toBeUndefined();
    expect(scheduler.hasFailed(sha(1))).toBe(false);
    // The refused one waits its 30 minutes.
    await vi.advanceTimersByTimeAsync(30 * 60_000 - 2_001);
    expect(started.filter((s) => s === sha(2))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(started.filter((s) => s === sha(2))).toHaveLength(2);
  });

  it('a file waiting for the retry of a refused source is fetched at once from a new source (a new set mending the link)', async () => {
    const { scheduler, started, settle, state } = setUp();
    scheduler.want([file(1)]);
    await vi.advanceTimersByTimeAsync(0);
    await settle(sha(1), new Refused('wrong bytes', 'later'));
    expect(state(sha(1))).toMatchObject({ state: 'failed', nextTry: Date.now() + 30 * 60_000 });
    // The same source wanted again: it waits its delay.
    scheduler.want([file(1)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([sha(1)]);
    // Another source: at once, and the old retry timer gone (one download, not two).
    scheduler.want([{ ...file(1), src: 'https://cdn.example/1-fixed.png' }]);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([sha(1), sha(1)]);
    expect(state(sha(1))).toMatchObject({ state: 'downloading', src: 'https://cdn.example/1-fixed.png' });
    expect(state(sha(1))!.nextTry).toBeUndefined();
    await settle(sha(1), 'ok');
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(started).toEqual([sha(1), sha(1)]);
  });

  it('a download refused while a new source was wanted is fetched again at once, from the new source: no refusal delay', async () => {
    const { scheduler, started, sources, settle, state } = setUp();
    scheduler.want([file(1)]);
    await vi.advanceTimersByTimeAsync(0);
    // A new set mends the link while the old one is still being fetched.
    scheduler.want([{ ...file(1), src: 'https://cdn.example/1-fixed.png' }]);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([sha(1)]);
    await settle(sha(1), new Refused('wrong bytes', 'later'));
    expect(started).toEqual([sha(1), sha(1)]);
    expect(sources).toEqual(['https://cdn.example/1.png', 'https://cdn.example/1-fixed.png']);
    expect(state(sha(1))).toMatchObject({ state: 'downloading', src: 'https://cdn.example/1-fixed.png', attempts: 1 });
    expect(state(sha(1))!.nextTry).toBeUndefined();
    await settle(sha(1), 'ok');
    expect(state(sha(1))).toMatchObject({ state: 'ready' });
    // No retry timer left from the old source's refusal.
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(started).toEqual([sha(1), sha(1)]);
  });

  it('gives up an attempt that sees nothing for twice the stall time, saying what it waited for, aborts it and tries again; its late success still counts', async () => {
    const { scheduler, started, pending, failures, events, state } = setUp();
    scheduler.want([file(1)]);
    await vi.advanceTimersByTimeAsync(0);
    const first = pending.get(sha(1))!;
    first.attempt.step('the response headers');
    first.attempt.progress(40, 100);
    expect(state(sha(1))).toMatchObject({ done: 40, total: 100 });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(first.attempt.abandoned).toBe(false);
    await vi.advanceTimersByTimeAsync(250);
    expect(first.attempt.abandoned).toBe(true);
    expect(first.attempt.controller.signal.aborted).toBe(true);
    expect(failures).toEqual([{ sha: sha(1), kind: 'soon', abandoned: true }]);
    expect(state(sha(1))).toMatchObject({ state: 'waiting', attempts: 1 });
    expect(state(sha(1))!.error).toMatch(/^https:\/\/cdn\.example\/1\.png: nothing for 2 s while waiting for bytes from the server; given up, will try again$/);
    // Bytes the abandoned attempt still reports change nothing.
    first.attempt.progress(90, 100);
    expect(state(sha(1))).toMatchObject({ done: 40 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(started).toEqual([sha(1), sha(1)]);
    const second = pending.get(sha(1))!;
    expect(second.attempt).not.toBe(first.attempt);
    // The abandoned attempt's file arrives after all: ready; the new attempt's success then is not announced twice.
    first.succeed();
    await vi.advanceTimersByTimeAsync(0);
    expect(state(sha(1))).toMatchObject({ state: 'ready' });
    second.succeed();
    await vi.advanceTimersByTimeAsync(0);
    expect(events.ready).toEqual([sha(1)]);
  });

  it('a file that finds no room waits for room, named with the budget, retried later', async () => {
    const { scheduler, started, state, failures, events } = setUp({ room: false });
    scheduler.want([file(1, 800)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([]);
    expect(failures).toEqual([]);
    expect(state(sha(1))).toMatchObject({ state: 'no-room', error: 'not enough room for 800 bytes within the budget of 500', nextTry: Date.now() + 2_000 });
    expect(scheduler.reserved.size).toBe(0);
    // Its retry finds no room either: never said to be downloading, as nothing was.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(events.states).not.toContain('downloading');
  });

  it('reserves room for a download under way and gives it back when it ends', async () => {
    const { scheduler, settle } = setUp();
    scheduler.want([file(1, 300)]);
    await vi.advanceTimersByTimeAsync(0);
    expect([...scheduler.reserved]).toEqual([[sha(1), 300]]);
    await settle(sha(1), 'ok');
    expect(scheduler.reserved.size).toBe(0);
  });

  it('counts how long the oldest wanted file has been missing, again from its eviction', async () => {
    const { scheduler, settle, stored } = setUp();
    scheduler.want([file(1), file(2)]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(scheduler.oldestMissingS()).toBe(5);
    await settle(sha(1), 'ok');
    await settle(sha(2), 'ok');
    expect(scheduler.oldestMissingS()).toBe(0);
    stored.delete(sha(2));
    scheduler.requeue(sha(2));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(scheduler.oldestMissingS()).toBe(3);
    expect(scheduler.files().find((f) => f.sha256 === sha(2))).toMatchObject({ state: 'queued', done: 0 });
  });

  it('stop() aborts what is under way and ends every timer; nothing starts again', async () => {
    const { scheduler, started, pending, settle } = setUp();
    scheduler.want([file(1), file(2), file(3)]);
    await vi.advanceTimersByTimeAsync(0);
    await settle(sha(1), new Error('cut'));
    expect(vi.getTimerCount()).toBe(2); // the retry and the stuck check
    const running = [...pending.values()];
    scheduler.stop();
    expect(running.every((p) => p.attempt.controller.signal.aborted)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    running[0]!.fail(new Error('aborted'));
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(vi.getTimerCount()).toBe(0);
    expect(started).toEqual([sha(1), sha(2), sha(3)]);
  });

  it('clear() aborts, wipes the storage, and fetches everything again at once: no retry kept from before', async () => {
    const { scheduler, started, pending, settle, stored, failures, state } = setUp();
    scheduler.want([file(1), file(2)]);
    await vi.advanceTimersByTimeAsync(0);
    await settle(sha(1), 'ok');
    await settle(sha(2), new Error('cut'));
    expect(state(sha(2))).toMatchObject({ state: 'waiting' });
    await vi.advanceTimersByTimeAsync(2_000);
    const second = pending.get(sha(2))!;
    // Wiping the storage takes a while; the aborted attempt fails meanwhile: no retry scheduled for it, no failure reported.
    let wipe!: () => void;
    const wiped = new Promise<void>((resolve) => (wipe = resolve));
    const cleared = scheduler.clear(async () => {
      await wiped;
      stored.clear();
    });
    expect(second.attempt.controller.signal.aborted).toBe(true);
    pending.delete(sha(2));
    second.fail(new Error('aborted'));
    await vi.advanceTimersByTimeAsync(0);
    wipe();
    await cleared;
    expect(failures).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(started.slice(-2)).toEqual([sha(1), sha(2)]);
    expect(scheduler.files().map((f) => [f.state, f.attempts])).toEqual([
      ['downloading', 0],
      ['downloading', 0],
    ]);
  });

  it('clear(): a plan made while the storage is wiped is fetched again after it, and a wipe that fails leaves every wanted file with a status', async () => {
    const { scheduler, started, settle, stored, state } = setUp();
    scheduler.want([file(1)]);
    await vi.advanceTimersByTimeAsync(0);
    await settle(sha(1), 'ok');
    // The storage forgets its files at the start of the wipe (as the web player's cache does), then waits.
    let wipe!: () => void;
    const wiped = new Promise<void>((resolve) => (wipe = resolve));
    const cleared = scheduler.clear(async () => {
      stored.clear();
      await wiped;
    });
    scheduler.want([file(1), file(2)]);
    await vi.advanceTimersByTimeAsync(0);
    wipe();
    await cleared;
    await vi.advanceTimersByTimeAsync(0);
    expect(state(sha(1))?.state).toBe('downloading');
    await settle(sha(1), 'ok');
    await settle(sha(2), 'ok');
    expect([state(sha(1))?.state, state(sha(2))?.state]).toEqual(['ready', 'ready']);
    // A wipe that fails: the error goes to the caller, and the files are wanted and fetched as before.
    const before = started.length;
    stored.clear();
    await expect(scheduler.clear(() => Promise.reject(new Error('disk')))).rejects.toThrow('disk');
    await vi.advanceTimersByTimeAsync(0);
    expect(scheduler.files().map((f) => f.state)).toEqual(['downloading', 'downloading']);
    expect(started.length).toBe(before + 2);
  });
});
