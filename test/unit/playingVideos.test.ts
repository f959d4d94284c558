import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DisposableStore } from '../../src/renderer/disposables.js';
import { watchPlayingVideos } from '../../src/renderer/playingVideos.js';

/** A page's document as watchPlayingVideos sees it: its videos, and the listeners it was given. */
function fakeDocument() {
  const videos: { paused: boolean; ended: boolean }[] = [];
  const listeners = new Map<string, Set<(event: Event) => void>>();
  const doc = {
    getElementsByTagName: () => videos,
    addEventListener: (type: string, listener: (event: Event) => void) => void (listeners.get(type) ?? listeners.set(type, new Set()).get(type)!).add(listener),
    removeEventListener: (type: string, listener: (event: Event) => void) => void listeners.get(type)?.delete(listener),
  };
  const fire = (type: string) => {
    for (const listener of listeners.get(type) ?? []) listener(new Event(type));
  };
  return { doc: doc as unknown as Document, videos, listeners, fire };
}

/** Watches `doc` for a new owner: what it was told, in order. */
function watching(doc: Document): { owner: DisposableStore; seen: boolean[] } {
  const owner = new DisposableStore();
  const seen: boolean[] = [];
  watchPlayingVideos(doc, owner, (playing) => seen.push(playing));
  return { owner, seen };
}

describe('watchPlayingVideos', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hears a video start from its event at once, and one taken off the page while it played within 500 ms', () => {
    const { doc, videos, fire } = fakeDocument();
    const { owner, seen } = watching(doc);
    expect(seen).toEqual([false]);
    videos.push({ paused: false, ended: false });
    fire('playing');
    expect(seen).toEqual([false, true]);
    // Removed from the page while it played: its pause is fired where no listener hears it.
    videos.pop();
    vi.advanceTimersByTime(499);
    expect(seen).toEqual([false, true]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([false, true, false]);
    owner.dispose();
  });

  it('with nothing playing, checks again only every 5 s (a video that started unheard is found then)', () => {
    const { doc, videos } = fakeDocument();
    const { owner, seen } = watching(doc);
    expect(vi.getTimerCount()).toBe(1);
    videos.push({ paused: false, ended: false }); // no event
    vi.advanceTimersByTime(4_999);
    expect(seen).toEqual([false]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([false, true]);
    // Playing now: checked every 500 ms again.
    videos[0]!.ended = true;
    vi.advanceTimersByTime(500);
    expect(seen).toEqual([false, true, false]);
    expect(vi.getTimerCount()).toBe(1);
    owner.dispose();
  });

  it('leaves no timer nor listener once its owner is disposed', () => {
    const { doc, listeners } = fakeDocument();
    const { owner, seen } = watching(doc);
    owner.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect([...listeners.values()].every((set) => set.size === 0)).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(seen).toEqual([false]);
  });
});
