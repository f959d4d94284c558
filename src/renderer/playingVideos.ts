import { TimerSlot, type DisposableStore } from './disposables.js';

/**
 * How often whether a video plays is checked again while one does: a video taken off the page
 * while it played tells nobody (its `pause` is fired on an element no longer in the document).
 */
const RECHECK_PLAYING_MS = 500;
/**
 * And while none does: a video that starts to play on the page says so (`playing`, caught on its
 * way down), so this is only a safety net. Checking every 500 ms with nothing playing cost a page
 * whose clock is run fast (a test's simulated week) half its time, and a kiosk wakes for nothing.
 */
const RECHECK_IDLE_MS = 5_000;

/** Whether a video plays on the page (an item on screen; one prepared off screen is paused). */
export function videoPlaying(doc: Document): boolean {
  for (const video of doc.getElementsByTagName('video')) if (!video.paused && !video.ended) return true;
  return false;
}

/**
 * Calls `onChange` with whether a video plays on the page, at once and whenever that changes:
 * at a video's own events (they do not bubble: caught on their way down to it) and every
 * RECHECK_PLAYING_MS while one plays (RECHECK_IDLE_MS otherwise). Its listeners and timer are `owner`'s.
 */
export function watchPlayingVideos(doc: Document, owner: DisposableStore, onChange: (playing: boolean) => void): void {
  let playing = videoPlaying(doc);
  onChange(playing);
  const recheck = owner.add(new TimerSlot());
  const check = (): void => {
    const now = videoPlaying(doc);
    if (now !== playing) {
      playing = now;
      onChange(now);
    }
    recheck.arm(check, playing ? RECHECK_PLAYING_MS : RECHECK_IDLE_MS);
  };
  for (const type of ['playing', 'pause', 'ended', 'emptied'] as const) owner.listen(doc, type, check, true);
  recheck.arm(check, playing ? RECHECK_PLAYING_MS : RECHECK_IDLE_MS);
}
