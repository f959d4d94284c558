import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CURSOR_IDLE_MS, HIDDEN_CURSOR_CSS, hideIdleCursor, type CursorContents } from '../../src/main/cursorHider.js';

function fakePage() {
  const listeners = new Map<string, (...args: unknown[]) => void>();
  const sheets = new Map<string, string>();
  let n = 0;
  const contents = {
    on: (event: string, listener: (...args: unknown[]) => void) => listeners.set(event, listener),
    insertCSS: async (css: string) => {
      const key = `k${++n}`;
      sheets.set(key, css);
      return key;
    },
    removeInsertedCSS: async (key: string) => {
      sheets.delete(key);
    },
  } as CursorContents;
  return {
    contents,
    hidden: () => [...sheets.values()].includes(HIDDEN_CURSOR_CSS),
    mouse: (type: string) => listeners.get('before-mouse-event')!({}, { type }),
    reloaded: () => {
      sheets.clear(); // a new page has none of the old one's inserted styles
      listeners.get('did-finish-load')!();
    },
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('mouse pointer hidden after 3 s still (fake timers)', () => {
  it('hides the pointer after 3 s without a move, shows it on a move, hides it again', async () => {
    const page = fakePage();
    hideIdleCursor(page.contents);
    await vi.advanceTimersByTimeAsync(CURSOR_IDLE_MS - 1);
    expect(page.hidden()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(page.hidden()).toBe(true);
    page.mouse('mouseMove');
    await vi.advanceTimersByTimeAsync(0);
    expect(page.hidden()).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    page.mouse('mouseMove'); // still moving: the 3 s start again
    await vi.advanceTimersByTimeAsync(2_000);
    expect(page.hidden()).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(page.hidden()).toBe(true);
  });

  it('ignores mouse events that are not a move or a click', async () => {
    const page = fakePage();
    hideIdleCursor(page.contents);
    await vi.advanceTimersByTimeAsync(CURSOR_IDLE_MS);
    page.mouse('mouseLeave');
    await vi.advanceTimersByTimeAsync(0);
    expect(page.hidden()).toBe(true);
  });

  it('hides it again after a reload dropped the inserted style', async () => {
    const page = fakePage();
    hideIdleCursor(page.contents);
    await vi.advanceTimersByTimeAsync(CURSOR_IDLE_MS);
    page.reloaded();
    expect(page.hidden()).toBe(false);
    await vi.advanceTimersByTimeAsync(CURSOR_IDLE_MS);
    expect(page.hidden()).toBe(true);
  });
});
