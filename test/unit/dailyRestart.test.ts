import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextOccurrence, scheduleDailyRestart } from '../../src/main/dailyRestart.js';

/** Local times, as the setting is: the test runs in whatever zone the machine has. */
const local = (y: number, m: number, d: number, h: number, min = 0) => new Date(y, m - 1, d, h, min);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('daily restart at a quiet hour (fake timers)', () => {
  it('finds the next local HH:MM strictly after now', () => {
    expect(nextOccurrence('04:00', local(2026, 12, 1, 3, 59))).toEqual(local(2026, 12, 1, 4, 0));
    expect(nextOccurrence('04:00', local(2026, 12, 1, 4, 0))).toEqual(local(2026, 12, 2, 4, 0));
    expect(nextOccurrence('04:00', local(2026, 12, 31, 22, 0))).toEqual(local(2027, 1, 1, 4, 0));
    expect(nextOccurrence('23:45', local(2026, 12, 1, 8, 0))).toEqual(local(2026, 12, 1, 23, 45));
  });

  it('fires once a day at the hour, within a minute', () => {
    vi.setSystemTime(local(2026, 12, 1, 9, 30));
    const fired: Date[] = [];
    const restart = scheduleDailyRestart('04:00', (at) => fired.push(new Date(Date.now())));
    expect(restart.next()).toEqual(local(2026, 12, 2, 4, 0));
    vi.advanceTimersByTime(18 * 3_600_000 + 29 * 60_000); // 03:59 the next day
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(60_000);
    expect(fired).toEqual([local(2026, 12, 2, 4, 0)]);
    vi.advanceTimersByTime(24 * 3_600_000);
    expect(fired).toHaveLength(2);
    expect(fired[1]!.getTime() - fired[0]!.getTime()).toBe(24 * 3_600_000);
    restart.stop();
    vi.advanceTimersByTime(48 * 3_600_000);
    expect(fired).toHaveLength(2);
  });

  it('does not fire again in the app it just relaunched at that very minute', () => {
    vi.setSystemTime(new Date(local(2026, 12, 2, 4, 0).getTime() + 20_000)); // started 04:00:20
    const fired: Date[] = [];
    scheduleDailyRestart('04:00', (at) => fired.push(at));
    vi.advanceTimersByTime(23 * 3_600_000);
    expect(fired).toEqual([]);
  });

  it('skips the hour when the clock jumps far past it, instead of restarting at once', () => {
    vi.setSystemTime(local(2026, 12, 1, 2, 0));
    const fired: Date[] = [];
    const restart = scheduleDailyRestart('04:00', (at) => fired.push(at));
    vi.setSystemTime(local(2026, 12, 1, 11, 0)); // NTP set the clock right
    vi.advanceTimersByTime(60_000);
    expect(fired).toEqual([]);
    expect(restart.next()).toEqual(local(2026, 12, 2, 4, 0));
  });

  it('aims again when the clock goes back by days', () => {
    vi.setSystemTime(local(2030, 1, 1, 12, 0)); // booted with a clock far ahead
    const fired: Date[] = [];
    const restart = scheduleDailyRestart('04:00', (at) => fired.push(at));
    vi.setSystemTime(local(2026, 12, 1, 3, 58));
    vi.advanceTimersByTime(60_000);
    expect(restart.next()).toEqual(local(2026, 12, 1, 4, 0));
    vi.advanceTimersByTime(2 * 60_000);
    expect(fired).toEqual([local(2026, 12, 1, 4, 0)]);
  });
});
