import type { DisposableStore } from './disposables.js';
import { toDisposable } from './disposables.js';

/** How long after the stage is drawn the deferred code loads anyway (an idle screen shows no first item). */
export const DEFERRED_CODE_FALLBACK_MS = 5_000;

/**
 * Code the first frame does not need (the QR encoder, the web player's download path) is split
 * from the start's chunk and loaded once the first item is on screen (its mark), or a few seconds
 * after the stage is drawn when nothing shows: loaded then, and not when first needed, so that a
 * network cut later (the web player's server unreachable) takes nothing from the screen.
 */
export function loadDeferredCode(owner: DisposableStore, firstItemMark: string, loads: (() => Promise<unknown>)[]): void {
  let started = false;
  const load = (): void => {
    if (started || owner.isDisposed) return;
    started = true;
    observer.disconnect();
    for (const run of loads) run().catch((error: unknown) => console.warn('[antichambre] code not loaded yet (loaded again when needed):', error));
  };
  const observer = new PerformanceObserver((list) => {
    if (list.getEntriesByName(firstItemMark).length > 0) load();
  });
  observer.observe({ type: 'mark', buffered: true });
  owner.add(toDisposable(() => observer.disconnect()));
  owner.timeout(load, DEFERRED_CODE_FALLBACK_MS);
}
