import type { CacheStatus } from './protocol.js';

/**
 * Whether a screen's cache looks stuck, from its last `status.cache`: the CLI's status and the
 * dashboard say the same. On a sound line a wanted file arrives within minutes; one missing for
 * longer is worth a look (a file the server lost, a disk that no longer answers).
 */
export const CACHE_STUCK_AFTER_S = 5 * 60;

/** Seconds the oldest wanted file has been missing when that marks the cache as stuck; null otherwise (or from a player that does not say). */
export function cacheStuckForS(cache: CacheStatus): number | null {
  const seconds = cache.oldestMissingS ?? 0;
  return cache.missing > 0 && seconds >= CACHE_STUCK_AFTER_S ? seconds : null;
}
