import type { DisposableStore } from './disposables.js';

/** How long after the stage is drawn the deferred code loads anyway (an idle screen shows no first item). */
export const DEFERRED_CODE_FALLBACK_MS = 5_000;

/** For the start-up benchmark: the first item's first painted frame. */
export const FIRST_ITEM_MARK = 'antichambre:first-item';

/** The element timing identifier of an item's image on screen (ItemView): the benchmark times its first paint. */
export const ITEM_TIMING = 'antichambre-item';

let firstItemShown: () => void = () => {};
const firstItem = new Promise<void>((resolve) => (firstItemShown = resolve));
let marked = false;

/** The stage painted its first item (once per page): marked for the benchmark, and deferred code may load. */
export function markFirstItem(): void {
  if (marked) return;
  marked = true;
  performance.mark(FIRST_ITEM_MARK);
  firstItemShown();
}

/**
 * Code the first frame does not need (the QR encoder, the web player's download path) is split
 * from the start's chunk and loaded once the first item is on screen, or a few seconds after the
 * stage is drawn when nothing shows: loaded then, and not when first needed, so that a network
 * cut later (the web player's server unreachable) takes nothing from the screen.
 */
export function loadDeferredCode(owner: DisposableStore, loads: (() => Promise<unknown>)[]): void {
  afterFirstItem(owner, () => {
    for (const run of loads) run().catch((error: unknown) => console.warn('[antichambre] code not loaded yet (loaded again when needed):', error));
  });
}

/** Runs `run` once, when the first item is on screen or `fallbackMs` after this call (whichever comes first). */
export function afterFirstItem(owner: DisposableStore, run: () => void, fallbackMs = DEFERRED_CODE_FALLBACK_MS): void {
  let started = false;
  const once = (): void => {
    if (started || owner.isDisposed) return;
    started = true;
    run();
  };
  void firstItem.then(once);
  owner.timeout(once, fallbackMs);
}
