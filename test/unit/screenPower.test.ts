import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredSet } from '../../src/renderer/db.js';
import { ScreenPower } from '../../src/renderer/screenPower.js';
import { PowerSchedule } from '../../src/shared/powerSchedule.js';

const PARIS = 'Europe/Paris';
const set = (power?: unknown): StoredSet => ({
  key: 'current',
  source: 'hub',
  revision: 'r1',
  storedAt: 0,
  playlists: [{ id: 'accueil', priority: 0, items: [{ id: 't', type: 'text', duration: 5, title: 'Bonjour' }] }],
  ...(power ? { power: PowerSchedule.parse(power) } : {}),
});
const OFFICE = { open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '17:30' }] }] };

/** What the display was asked, repeats of the same state (asleep, it is asked to be off again every 10 min) as one. */
const changesOf = (asked: string[]) => asked.filter((state, k) => state !== asked[k - 1]);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the screen asleep in the kiosk (fake timers, the display bridge faked)', () => {
  it('asks the main process to power down at closing and up at opening; its answer is the state reported', async () => {
    vi.setSystemTime(Date.parse('2026-12-01T17:29:00+01:00'));
    const asked: string[] = [];
    let urgent = false;
    const changes: string[] = [];
    const power = new ScreenPower({
      timezone: PARIS,
      urgent: () => urgent,
      display: async (state) => {
        asked.push(state);
        return state === 'off' ? 'off' : 'on';
      },
      onChange: (view) => changes.push(view.state),
    });
    power.start(set(OFFICE));
    expect(power.status()).toEqual({ state: 'on', since: '2026-12-01T16:29:00.000Z', until: '2026-12-01T16:30:00.000Z' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(power.asleep()).toBe(true);
    expect(asked).toEqual(['on', 'off']); // on at start (it may have been left off), off at 17:30
    expect(changes).toEqual(['black', 'off']); // black at once, off once the display said so
    expect(power.status()).toEqual({ state: 'off', since: '2026-12-01T16:30:00.000Z', until: '2026-12-02T07:30:00.000Z' });

    // An urgent alert in the night wakes it; its end lets it sleep again.
    await vi.advanceTimersByTimeAsync(5 * 3_600_000);
    urgent = true;
    power.alertsChanged();
    await vi.advanceTimersByTimeAsync(0);
    expect(power.asleep()).toBe(false);
    expect(changesOf(asked)).toEqual(['on', 'off', 'on']);
    urgent = false;
    power.alertsChanged();
    await vi.advanceTimersByTimeAsync(0);
    expect(changesOf(asked)).toEqual(['on', 'off', 'on', 'off']);

    // Asleep, the display is asked to be off again every 10 minutes (someone may have woken it).
    const before = asked.length;
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(asked.slice(before)).toEqual(['off', 'off', 'off']);

    // Morning: on at 08:30 sharp (checked every minute, and at the change itself).
    vi.setSystemTime(Date.parse('2026-12-02T08:29:30+01:00'));
    await vi.advanceTimersByTimeAsync(29_000);
    expect(power.asleep()).toBe(true);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(power.asleep()).toBe(false);
    expect(asked.at(-1)).toBe('on');
    expect(power.status().state).toBe('on');
    power.dispose();
  });

  it('a kiosk that cannot power the display down, or answers nonsense: black', async () => {
    vi.setSystemTime(Date.parse('2026-12-05T12:00:00+01:00')); // Saturday: closed
    for (const answer of ['black', 'standby', new Error('ipc gone')]) {
      const display = async (): Promise<unknown> => {
        if (answer instanceof Error) throw answer;
        return answer;
      };
      const power = new ScreenPower({ timezone: PARIS, urgent: () => false, display });
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      power.start(set(OFFICE));
      await vi.advanceTimersByTimeAsync(0);
      expect(power.status().state).toBe('black');
      power.dispose();
    }
  });

  it('started during opening hours with a schedule: the display is asked to be on once (it may have been left off)', async () => {
    vi.setSystemTime(Date.parse('2026-12-01T10:00:00+01:00'));
    const asked: string[] = [];
    const power = new ScreenPower({ timezone: PARIS, urgent: () => false, display: async (state) => (asked.push(state), state) });
    power.start(set(OFFICE));
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(asked).toEqual(['on']);
    power.dispose();
  });

  it('without a power schedule the screen stays on and never asks the display', async () => {
    vi.setSystemTime(Date.parse('2026-12-05T03:00:00+01:00'));
    const display = vi.fn(async () => 'off');
    const power = new ScreenPower({ timezone: PARIS, urgent: () => false, display });
    power.start(set());
    await vi.advanceTimersByTimeAsync(3 * 86_400_000);
    expect(power.asleep()).toBe(false);
    expect(display).not.toHaveBeenCalled();
    // A set with a schedule arrives: it applies at once.
    power.setStoredSet(set(OFFICE));
    expect(power.asleep()).toBe(true);
    power.dispose();
  });
});
