import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimerSlot } from '../../src/renderer/disposables.js';

describe('TimerSlot', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds one timer: arming again replaces it', () => {
    const slot = new TimerSlot();
    const runs: string[] = [];
    slot.arm(() => runs.push('first'), 1_000);
    slot.arm(() => runs.push('second'), 2_000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(2_000);
    expect(runs).toEqual(['second']);
    expect(slot.armed).toBe(false);
  });

  it('once disposed, arms nothing more (work that ends after its owner was disposed starts no timer)', () => {
    const slot = new TimerSlot();
    const runs: string[] = [];
    slot.arm(() => runs.push('before'), 1_000);
    slot.dispose();
    slot.arm(() => runs.push('after'), 1_000);
    expect(slot.armed).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5_000);
    expect(runs).toEqual([]);
  });
});
