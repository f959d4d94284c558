import type { DisposableStore } from './disposables.js';

/** How often whether a video plays is checked again: a video taken off the page while it played tells nobody. */
const RECHECK_MS = 500;

/** Whether a video plays on the page (an item on screen; one prepared off screen is paused). */
export function videoPlaying(doc: Document): boolean {
  for (const video of doc.getElementsByTagName('video')) if (!video.paused && !video.ended) return true;
  return false;
}

/**
 * Calls `onChange` with whether a video plays on the page, at once and whenever that changes:
 * at a video's own events (they do not bubble: caught on their way down to it) and every
 * RECHECK_MS. Its listeners and timer are `owner`'s.
 */
export function watchPlayingVideos(doc: Document, owner: DisposableStore, onChange: (playing: boolean) => void): void {
  let playing = videoPlaying(doc);
  onChange(playing);
  const check = (): void => {
    const now = videoPlaying(doc);
    if (now === playing) return;
    playing = now;
    onChange(now);
  };
  for (const type of ['playing', 'pause', 'ended', 'emptied'] as const) owner.listen(doc, type, check, true);
  owner.interval(check, RECHECK_MS);
}
