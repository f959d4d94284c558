import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallAnnouncer } from '../../src/renderer/callAnnouncer.js';
import { Layout } from '../../src/shared/layout.js';

/** §6 `calls` timing: a banner for `seconds`; calls that queue up each at least 3 s. */

const NOW = Date.parse('2026-12-07T09:00:00.000Z');

function announcer(seconds: number) {
  const layout = Layout.parse({ id: 'l', zones: [{ id: 'main', x: 0, y: 0, width: 100, height: 100 }], calls: { show: 'overlay', seconds } });
  let chimes = 0;
  const calls = new CallAnnouncer(() => layout, { chime: () => void chimes++, speechSynthesis: () => undefined });
  /** The ticket on screen after `ms` more (null: no banner). */
  const after = (ms: number) => {
    vi.advanceTimersByTime(ms);
    return calls.view.current?.ticket ?? null;
  };
  return { calls, after, chimes: () => chimes };
}
const call = (ticket: string) => ({ ticket, counter: '1', service: 'etat-civil', at: Date.now() });

describe('call announcements (§6 calls)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('shows a call alone for `seconds`, also below 3 s', () => {
    const { calls, after } = announcer(2);
    calls.receive([call('A1')]);
    expect(after(0)).toBe('A1');
    expect(after(1_900)).toBe('A1');
    expect(after(200)).toBeNull();
    // 8 s (the default).
    const eight = announcer(8);
    eight.calls.receive([call('B1')]);
    expect(eight.after(7_900)).toBe('B1');
    expect(eight.after(200)).toBeNull();
  });

  it('shows calls arriving together each at least 3 s, in order, when `seconds` is shorter; 3 s each when it is longer and others wait', () => {
    const short = announcer(1);
    short.calls.receive([call('A1'), call('A2'), call('A3')]);
    // At 0, 2.9, 3.1, 5.8, 6.1, 8.8 and 9.1 s.
    expect([short.after(0), short.after(2_900), short.after(200), short.after(2_700), short.after(300), short.after(2_700), short.after(300)]).toEqual(['A1', 'A1', 'A2', 'A2', 'A3', 'A3', null]);
    expect(short.chimes()).toBe(0);
    const long = announcer(8);
    long.calls.receive([call('B1'), call('B2')]);
    // At 2.9, 3.1, 10.8 and 11.1 s: the last one its full 8 s.
    expect([long.after(2_900), long.after(200), long.after(7_700), long.after(300)]).toEqual(['B1', 'B2', 'B2', null]);
  });

  it('a call arriving while another is shown waits its turn, then gets at least 3 s', () => {
    const { calls, after } = announcer(2);
    calls.receive([call('A1')]);
    expect(after(1_000)).toBe('A1');
    calls.receive([call('A2')]);
    expect(after(900)).toBe('A1');
    expect([after(200), after(2_700), after(200)]).toEqual(['A2', 'A2', null]);
  });
});
