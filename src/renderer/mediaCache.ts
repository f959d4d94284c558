import type { PlannedFile } from '../shared/mediaPlan.js';
import { CacheStatus } from '../shared/protocol.js';
import type { PlayerDb } from './db.js';
import { DownloadError, downloadFile, type RetryKind } from './download.js';
import { deleteMedia, storedBytes } from './mediaStore.js';

/**
 * The media cache: fetches what the screen will need, soonest first, two at a time, with
 * retries (exponential backoff with jitter), within a disk budget that evicts the least
 * recently used files the set no longer needs, then those it needs last.
 */

export type FileState = 'queued' | 'downloading' | 'ready' | 'waiting' | 'failed' | 'no-room';

export interface FileStatus {
  sha256: string;
  src: string;
  state: FileState;
  done: number;
  total: number | null;
  error?: string;
  attempts: number;
  nextTry?: number;
}

export interface CacheOptions {
  maxConcurrent: number;
  stallMs: number;
  partBytes: number;
  /** Bytes the cache may use; null: 80 % of what the browser allows. */
  budgetBytes: number | null;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** After a refusal (404, 403, wrong bytes): try again this much later at the earliest. */
  refusedRetryMs: number;
  random: () => number;
}

/** Room freed at a time for the player's own records when storage is full. */
export const ROOM_FOR_RECORDS = 1_000_000;

export const DEFAULT_CACHE_OPTIONS: CacheOptions = {
  maxConcurrent: 2,
  stallMs: 30_000,
  partBytes: 4 * 1024 * 1024,
  budgetBytes: null,
  backoffBaseMs: 2_000,
  backoffMaxMs: 5 * 60_000,
  refusedRetryMs: 30 * 60_000,
  random: Math.random,
};

export function backoffMs(attempts: number, kind: RetryKind, options: CacheOptions): number {
  const exponential = Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = exponential * (0.5 + options.random()); // "equal jitter": between half and one and a half times
  return kind === 'later' ? Math.max(options.refusedRetryMs, jittered) : jittered;
}

export interface CacheTotals extends CacheStatus {
  budget: number;
}

export class MediaCache {
  private wanted: PlannedFile[] = [];
  private readonly status = new Map<string, FileStatus>();
  private readonly active = new Map<string, AbortController>();
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly listeners = new Set<(sha256: string) => void>();
  private readonly changeListeners = new Set<() => void>();
  private readonly settledListeners = new Set<() => void>();
  readonly ready = new Set<string>();
  private budget = Infinity;
  private stopped = false;

  constructor(
    private readonly db: PlayerDb,
    private readonly options: CacheOptions = DEFAULT_CACHE_OPTIONS,
  ) {}

  private budgetKnown: Promise<unknown> = Promise.resolve();

  async init(): Promise<void> {
    // The budget is needed only by the first download: it is not waited for here.
    this.budgetKnown = this.options.budgetBytes !== null ? Promise.resolve((this.budget = this.options.budgetBytes)) : this.browserBudget().then((b) => (this.budget = b));
    for (const sha of await this.db.media.toCollection().primaryKeys()) this.ready.add(sha);
    void navigator.storage?.persist?.().catch(() => false);
  }

  private async browserBudget(): Promise<number> {
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    return estimate?.quota ? Math.floor(estimate.quota * 0.8) : Infinity;
  }

  /** Called with the sha256 of each file that becomes ready. */
  onReady(listener: (sha256: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called whenever an attempt at a file ends, ready or failed. */
  onSettled(listener: () => void): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  /** Called whenever a file's state or progress changes (for the status overlay). */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  isReady(sha256: string): boolean {
    return this.ready.has(sha256.toLowerCase());
  }

  /** Whether every attempt at this file so far has failed (it may still come later). */
  hasFailed(sha256: string): boolean {
    const s = this.status.get(sha256.toLowerCase());
    return s !== undefined && s.attempts > 0 && s.state !== 'ready' && s.state !== 'downloading';
  }

  /** What the screen needs, soonest first. Downloads follow this order. */
  want(files: PlannedFile[]): void {
    this.wanted = files;
    for (const file of files) {
      if (!this.status.has(file.sha256)) {
        this.status.set(file.sha256, { sha256: file.sha256, src: file.src, state: this.ready.has(file.sha256) ? 'ready' : 'queued', done: 0, total: file.bytes ?? null, attempts: 0 });
      }
    }
    this.kick();
    this.changed();
  }

  files(): FileStatus[] {
    return this.wanted.map((f) => this.status.get(f.sha256)!).filter(Boolean);
  }

  async totals(): Promise<CacheTotals> {
    const stored = await storedBytes(this.db);
    return { bytes: stored.media + stored.partial, files: stored.files, missing: this.wanted.filter((f) => !this.ready.has(f.sha256)).length, budget: this.budget };
  }

  /** The figures of `status.cache` (protocol §3). */
  async cacheStatus(): Promise<CacheStatus> {
    const { bytes, files, missing } = await this.totals();
    return CacheStatus.parse({ bytes, files, missing });
  }

  stop(): void {
    this.stopped = true;
    for (const controller of this.active.values()) controller.abort();
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
  }

  /** Forget every file (the `clear-cache` command): media only, never the outbox. */
  async clear(): Promise<void> {
    for (const controller of this.active.values()) controller.abort();
    await this.db.transaction('rw', this.db.media, this.db.parts, this.db.downloads, this.db.mediaErrors, async () => {
      await Promise.all([this.db.media.clear(), this.db.parts.clear(), this.db.downloads.clear(), this.db.mediaErrors.clear()]);
    });
    this.ready.clear();
    this.status.clear();
    this.want(this.wanted);
  }

  private kick(): void {
    if (this.stopped) return;
    const now = Date.now();
    for (const file of this.wanted) {
      if (this.active.size >= this.options.maxConcurrent) return;
      const s = this.status.get(file.sha256)!;
      if (s.state === 'ready' || this.active.has(file.sha256) || (s.nextTry !== undefined && s.nextTry > now)) continue;
      void this.fetchOne(file, s);
    }
  }

  private async fetchOne(file: PlannedFile, s: FileStatus): Promise<void> {
    const controller = new AbortController();
    this.active.set(file.sha256, controller);
    s.state = 'downloading';
    this.changed();
    try {
      if (file.bytes !== undefined && !(await this.makeRoom(file))) {
        s.state = 'no-room';
        s.error = `not enough room for ${file.bytes} bytes within the budget of ${this.budget}`;
        this.scheduleRetry(file, s, 'room');
        return;
      }
      await downloadFile(this.db, file, {
        signal: controller.signal,
        stallMs: this.options.stallMs,
        partBytes: this.options.partBytes,
        onProgress: (done, total) => {
          s.done = done;
          s.total = total;
          this.changed();
        },
      });
      s.state = 'ready';
      delete s.error;
      delete s.nextTry;
      this.ready.add(file.sha256);
      await this.db.mediaErrors.delete(file.sha256);
      for (const listener of this.listeners) listener(file.sha256);
    } catch (error) {
      if (this.stopped) return;
      const kind: RetryKind = error instanceof DownloadError ? error.retry : 'soon';
      s.error = (error as Error).message;
      s.attempts++;
      console.warn(`[antichambre] ${file.src}: ${s.error} (attempt ${s.attempts})`);
      await this.db.mediaErrors.put({ sha256: file.sha256, src: file.src, error: s.error, at: Date.now(), attempts: s.attempts }).catch(() => {});
      if (kind === 'room') await this.evict(file, Infinity);
      this.scheduleRetry(file, s, kind);
    } finally {
      this.reserved.delete(file.sha256);
      this.active.delete(file.sha256);
      this.changed();
      for (const listener of this.settledListeners) listener();
      this.kick();
    }
  }

  private scheduleRetry(file: PlannedFile, s: FileStatus, kind: RetryKind): void {
    const delay = backoffMs(Math.max(1, s.attempts), kind, this.options);
    s.state = kind === 'later' ? 'failed' : kind === 'room' && s.state === 'no-room' ? 'no-room' : 'waiting';
    s.nextTry = Date.now() + delay;
    clearTimeout(this.retryTimers.get(file.sha256));
    this.retryTimers.set(
      file.sha256,
      setTimeout(() => this.kick(), delay),
    );
  }

  private roomLock: Promise<unknown> = Promise.resolve();
  /** Bytes promised to downloads under way (their whole size), so that two at once cannot both take the same room. */
  private readonly reserved = new Map<string, number>();

  /** Frees room for `file` within the budget and reserves it; answers whether there is room. One file at a time. */
  private makeRoom(file: PlannedFile): Promise<boolean> {
    const result = this.roomLock.then(async () => {
      await this.budgetKnown;
      const [media, downloads] = await Promise.all([this.db.media.toArray(), this.db.downloads.toArray()]);
      const stored = media.reduce((sum, m) => sum + m.bytes, 0);
      const partial = downloads.filter((d) => !this.reserved.has(d.sha256) && d.sha256 !== file.sha256).reduce((sum, d) => sum + d.bytesDone, 0);
      const promised = [...this.reserved].filter(([sha]) => sha !== file.sha256).reduce((sum, [, bytes]) => sum + bytes, 0);
      const needed = stored + partial + promised + (file.bytes ?? 0) - this.budget;
      const ok = needed <= 0 || (await this.evict(file, needed)) >= needed;
      if (ok) this.reserved.set(file.sha256, file.bytes ?? 0);
      return ok;
    });
    this.roomLock = result.catch(() => false);
    return result;
  }

  /**
   * Storage is full and the player's own records (proof of play) must be written: evicts cached
   * files, those the set does not need first (least recently used), then those it needs last.
   * Answers whether anything was freed.
   */
  freeForRecords(bytes = ROOM_FOR_RECORDS): Promise<boolean> {
    const result = this.roomLock.then(async () => {
      const freed = await this.evict(null, bytes);
      // What was freed is for the records: downloads must not take it back. The budget stays
      // at what is stored now until the next start measures the disk again.
      const stored = (await this.db.media.toArray()).reduce((sum, m) => sum + m.bytes, 0);
      this.budget = Math.min(this.budget, stored);
      this.changed();
      return freed > 0;
    });
    this.roomLock = result.catch(() => false);
    return result;
  }

  /**
   * Evicts files to free `needed` bytes: first those the set does not need, least recently
   * used first; then those it needs later than `file`, latest first. Never one needed sooner.
   * `file` null: room for the player's own records, any file may go.
   */
  private async evict(file: PlannedFile | null, needed: number): Promise<number> {
    const order = new Map(this.wanted.map((f, i) => [f.sha256, i] as const));
    // Without a file to make room for, any file may go (those needed last first).
    const mine = file === null ? -1 : (order.get(file.sha256) ?? Infinity);
    const media = await this.db.media.toArray();
    const unneeded = media.filter((m) => !order.has(m.sha256)).sort((a, b) => a.lastUsed - b.lastUsed);
    const later = media.filter((m) => (order.get(m.sha256) ?? -1) > mine).sort((a, b) => order.get(b.sha256)! - order.get(a.sha256)!);
    let freed = 0;
    for (const m of [...unneeded, ...later]) {
      if (freed >= needed) break;
      await deleteMedia(this.db, m.sha256);
      this.ready.delete(m.sha256);
      const s = this.status.get(m.sha256);
      if (s) {
        s.state = 'queued';
        s.done = 0;
      }
      freed += m.bytes;
    }
    return freed;
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }
}
