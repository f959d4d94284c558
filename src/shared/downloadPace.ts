import { z } from 'zod';
import type { SchedulerClock } from './downloadScheduler.js';

/**
 * One pace for the downloads under way, in the web player's cache and in the kiosk's file store
 * alike. While a video plays, all of them together go at most VIDEO_PACE: hashing and storing at
 * full speed take a core and a half of a 2-core screen, and the video drops frames
 * (bench/mediaCache.ts: 4 of 230 before the pace, as many as with nothing to cache after it).
 * 100 Mbit/s is more than most waiting rooms' lines bring anyway.
 */

/** Bytes per second all downloads together may take while a video plays. */
export const VIDEO_PACE = 12_500_000;

/**
 * Time left unused by paced downloads (a slow line, a write, a timer that fired late) that they
 * may make up for: enough to absorb a late timer, small enough that a download starting after a
 * quiet while passes at most 1.25 MB at once at VIDEO_PACE (250 ms let 3 MB through in a burst).
 */
export const PACE_CREDIT_MS = 100;

/** The pace asked for (bytes per second), or null: as fast as they come. Checked where it crosses the kiosk's bridge. */
export const DownloadPaceCap = z.number().positive().max(1e12).nullable();
export type DownloadPaceCap = z.infer<typeof DownloadPaceCap>;

/** The clock a pace runs on: `globalThis`, the page's or Node's. */
export type PaceClock = Pick<SchedulerClock, 'performance' | 'setTimeout' | 'clearTimeout'>;

/** A download's stop signal, as the pace sees it (src/shared has neither the page's nor Node's types). */
export interface StopSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export class DownloadPace {
  private cap: DownloadPaceCap = null;
  /** When the next byte of the paced downloads is due (on the clock's performance.now()). */
  private due = 0;

  constructor(private readonly clock: PaceClock) {}

  /** From now on, at most `cap` bytes per second together (null: no pace). */
  set(cap: DownloadPaceCap): void {
    this.cap = cap;
  }

  /** How long a download waits after receiving `received` bytes (ms; 0: it goes on at once). */
  wait(received: number): number {
    if (this.cap === null) return 0;
    const now = this.clock.performance.now();
    this.due = Math.max(this.due, now - PACE_CREDIT_MS) + (received / this.cap) * 1000;
    return Math.max(0, this.due - now);
  }

  /**
   * Takes `received` bytes from the pace: when it is not their turn, waits for it (or for `signal`),
   * naming the wait to `onStep` and then the read that comes next (a stalled download says what it waited for).
   */
  async take(received: number, signal: StopSignal, onStep: (step: string) => void): Promise<void> {
    const ms = this.wait(received);
    if (ms <= 0) return;
    onStep('its turn (downloads go slower while a video plays)');
    await this.sleep(ms, signal);
    onStep('bytes from the server');
  }

  /** Resolves after `ms`, or at once when `signal` aborts (the read that follows then fails and says so). */
  sleep(ms: number, signal: StopSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        this.clock.clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.clock.setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
