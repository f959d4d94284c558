import type { PlannedFile } from '../shared/mediaPlan.js';
import type { FileStatus } from '../shared/mediaStatus.js';
import type { CacheStatus } from '../shared/protocol.js';
import type { DownloadPaceCap } from '../shared/downloadPace.js';
import type { Disposable } from './disposables.js';

/**
 * The player's media cache, as the rest of the renderer sees it: what the screen will need is
 * handed over soonest first, and a ready file is shown through a URL. Two implementations,
 * chosen at start: the page's own cache in IndexedDB (the web player, `MediaCache`) and the
 * kiosk's file store in the main process, reached through the preload bridge (`KioskMediaCache`).
 */

export interface CacheTotals extends CacheStatus {
  /** Bytes the cache may use (Infinity: no limit known). */
  budget: number;
}

/** Disposed: no more downloads started, polls nor timers (what is stored stays). */
export interface PlayerMedia extends Disposable {
  init(): Promise<void>;
  /** What the screen needs, soonest first. Downloads follow this order. */
  want(files: PlannedFile[]): void;
  isReady(sha256: string): boolean;
  /** Whether every attempt at this file so far has failed (it may still come later). */
  hasFailed(sha256: string): boolean;
  files(): FileStatus[];
  totals(): Promise<CacheTotals>;
  /** The figures of `status.cache` (protocol §3). */
  cacheStatus(): Promise<CacheStatus>;
  /** A URL the page can show a ready file with (marks it used), or null when it is not there. `type` overrides the stored type. */
  mediaUrl(sha256: string, type?: string): Promise<string | null>;
  onReady(listener: (sha256: string) => void): () => void;
  onSettled(listener: () => void): () => void;
  onChange(listener: () => void): () => void;
  /** Storage is full and the player's own records must be written: frees room; answers whether it did. */
  freeForRecords(): Promise<boolean>;
  /** All downloads together at most this many bytes per second from now on (null: as fast as they come): slower while a video plays. */
  setPace(bytesPerSecond: DownloadPaceCap): void;
  /** Forget every file (the `clear-cache` command). */
  clear(): Promise<void>;
}
