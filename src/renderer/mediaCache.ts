import type { PlannedFile } from '../shared/mediaPlan.js';
import { CacheStatus } from '../shared/protocol.js';
import type { PlayerDb } from './db.js';
import { backoffMs as sharedBackoffMs, missingFileErrors, MissingSince, type FileStatus, type RetryKind } from '../shared/mediaStatus.js';
import type * as DownloadModule from './download.js';
import { deleteMedia, readMedia, storedBytes, touchMedia } from './mediaStore.js';
import type { CacheTotals, PlayerMedia } from './playerMedia.js';
import { Listeners } from './listeners.js';

/**
 * The download path (streaming, resuming, SHA-256 in WebAssembly: hash-wasm) is loaded at the
 * first download, not with the player's start: a screen that has its files plays without it.
 */
let downloadCode: typeof DownloadModule | null = null;
let downloadLoading: Promise<typeof DownloadModule> | null = null;
export function loadDownloadCode(): Promise<typeof DownloadModule> {
  downloadLoading ??= import('./download.js').then(
    (module) => (downloadCode = module),
    (error: unknown) => {
      downloadLoading = null; // the next attempt tries again
      throw error;
    },
  );
  return downloadLoading;
}

/**
 * The media cache: fetches what the screen will need, soonest first, two at a time, with
 * retries (exponential backoff with jitter), within a disk budget that evicts the least
 * recently used files the set no longer needs, then those it needs last.
 *
 * A file waiting for its retry is started again when its retry timer fires, never by comparing
 * clocks: a browser runs a timer of 1234.5 ms after 1234 ms, and a wall clock may step back.
 * Nothing waits forever on an await: an attempt with no byte and no step for twice the stall
 * time is abandoned and retried, and so is a hold of the room lock (both logged with what they
 * were waiting for).
 */

export type { FileState, FileStatus } from '../shared/mediaStatus.js';

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
  /** A file read ahead at start (storageWarmup's takeEarlyMedia): its object URL, taken once; undefined when not read ahead. */
  takeEarly?: (sha256: string) => Promise<string | null> | undefined;
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
  return sharedBackoffMs(attempts, kind, options);
}

export type { CacheTotals } from './playerMedia.js';

/** One attempt at a file under way: what it waits for, and since when nothing happened. */
interface Attempt {
  readonly file: PlannedFile;
  readonly controller: AbortController;
  waitingFor: string;
  /** performance.now() of its last byte or step. */
  lastActivity: number;
  /** Given up by the stuck-attempt check: whatever it does later changes nothing but a success. */
  abandoned: boolean;
}

const WAITING_FOR_ROOM = 'room in the budget (the room lock)';

/** A hold of the room lock: who holds it, what it waits for, and how to break it. */
interface RoomHold {
  readonly what: string;
  waitingFor: string;
  lastActivity: number;
  broken: boolean;
  breakWith(error: Error): void;
}

/** The web player's cache: files fetched by the page into IndexedDB, shown as blob URLs. */
export class MediaCache implements PlayerMedia {
  private wanted: PlannedFile[] = [];
  private readonly status = new Map<string, FileStatus>();
  private readonly active = new Map<string, Attempt>();
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly readyListeners = new Listeners<[sha256: string]>();
  private readonly changeListeners = new Listeners();
  private readonly settledListeners = new Listeners();
  readonly ready = new Set<string>();
  /** performance.now() since which each wanted file has been missing (for `status.cache.oldestMissingS`). */
  private readonly missingSince = new MissingSince();
  private budget = Infinity;
  private stopped = false;
  /** Checks attempts and the room lock for a stall; runs only while one of them is under way. */
  private stuckCheck: ReturnType<typeof setInterval> | null = null;

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
    return this.readyListeners.subscribe(listener);
  }

  /** Called whenever an attempt at a file ends, ready or failed. */
  onSettled(listener: () => void): () => void {
    return this.settledListeners.subscribe(listener);
  }

  /** Called whenever a file's state or progress changes (for the status overlay). */
  onChange(listener: () => void): () => void {
    return this.changeListeners.subscribe(listener);
  }

  isReady(sha256: string): boolean {
    return this.ready.has(sha256.toLowerCase());
  }

  async mediaUrl(sha256: string, type?: string): Promise<string | null> {
    const sha = sha256.toLowerCase();
    // Read ahead at start (storageWarmup), its image already decoded: taken once, owned by the caller like any other.
    const early = type ? undefined : this.options.takeEarly?.(sha);
    const url = early ? await early : null;
    if (url) {
      touchMedia(this.db, sha, Date.now()).catch(() => {});
      return url;
    }
    const blob = await readMedia(this.db, sha);
    if (!blob) return null;
    // When it was last shown, for eviction: best effort (storage may be full).
    touchMedia(this.db, sha, Date.now()).catch(() => {});
    return URL.createObjectURL(type ? new Blob([blob], { type }) : blob);
  }

  /** Whether every attempt at this file so far has failed (it may still come later). */
  hasFailed(sha256: string): boolean {
    const s = this.status.get(sha256.toLowerCase());
    return s !== undefined && s.attempts > 0 && s.state !== 'ready' && s.state !== 'downloading';
  }

  /** What the screen needs, soonest first. Downloads follow this order. */
  want(files: PlannedFile[]): void {
    this.wanted = files;
    this.missingSince.plan(files, (sha) => this.ready.has(sha), performance.now());
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

  /** The figures of `status.cache` (protocol §3), with how long the oldest wanted file has been missing. */
  async cacheStatus(): Promise<CacheStatus> {
    const { bytes, files, missing } = await this.totals();
    const errors = missingFileErrors(this.files(), (sha) => this.ready.has(sha));
    return CacheStatus.parse({ bytes, files, missing, oldestMissingS: this.oldestMissingS(), ...(errors.length > 0 ? { errors } : {}) });
  }

  /** Whole seconds the oldest wanted file not yet ready has been missing (since this start); 0 when none. */
  oldestMissingS(): number {
    return this.missingSince.oldestS(this.wanted, (sha) => this.ready.has(sha), performance.now());
  }

  stop(): void {
    this.stopped = true;
    for (const attempt of this.active.values()) attempt.controller.abort();
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    this.stopStuckCheck();
  }

  /** Forget every file (the `clear-cache` command): media only, never the outbox. */
  async clear(): Promise<void> {
    for (const attempt of this.active.values()) attempt.controller.abort();
    await this.db.transaction('rw', this.db.media, this.db.parts, this.db.downloads, this.db.mediaErrors, async () => {
      await Promise.all([this.db.media.clear(), this.db.parts.clear(), this.db.downloads.clear(), this.db.mediaErrors.clear()]);
    });
    this.ready.clear();
    this.status.clear();
    this.missingSince.clear();
    // Every file is tried again at once: no retry waits from before.
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    this.want(this.wanted);
  }

  private kick(): void {
    if (this.stopped) return;
    for (const file of this.wanted) {
      if (this.active.size >= this.options.maxConcurrent) return;
      const s = this.status.get(file.sha256)!;
      // A file waiting for its retry is not compared with a clock: its timer starts it.
      if (s.state === 'ready' || this.active.has(file.sha256) || this.retryTimers.has(file.sha256)) continue;
      void this.fetchOne(file, s);
    }
  }

  private async fetchOne(file: PlannedFile, s: FileStatus): Promise<void> {
    const attempt: Attempt = { file, controller: new AbortController(), waitingFor: 'its start', lastActivity: performance.now(), abandoned: false };
    const step = (waitingFor: string) => {
      attempt.waitingFor = waitingFor;
      attempt.lastActivity = performance.now();
    };
    this.active.set(file.sha256, attempt);
    this.watchForStalls();
    s.state = 'downloading';
    this.changed();
    try {
      step(WAITING_FOR_ROOM);
      if (file.bytes !== undefined && !(await this.makeRoom(file, attempt))) {
        if (attempt.abandoned) return;
        s.state = 'no-room';
        s.error = `not enough room for ${file.bytes} bytes within the budget of ${this.budget}`;
        this.scheduleRetry(file, s, 'room');
        return;
      }
      if (attempt.abandoned) return;
      step('the download code to load');
      const { downloadFile } = await loadDownloadCode();
      if (attempt.abandoned) return;
      step('the download to start');
      await downloadFile(this.db, file, {
        signal: attempt.controller.signal,
        stallMs: this.options.stallMs,
        partBytes: this.options.partBytes,
        onStep: step,
        onProgress: (done, total) => {
          step('bytes from the server');
          if (attempt.abandoned) return;
          s.done = done;
          s.total = total;
          this.changed();
        },
      });
      // Stored and verified: ready, even if this attempt had been given up as stuck meanwhile.
      this.becameReady(file, s);
      step('the file\'s old error to be cleared');
      await this.db.mediaErrors.delete(file.sha256);
    } catch (error) {
      // Stopped, given up as stuck, or cleared (clear-cache made a new status): nothing to retry here.
      if (this.stopped || attempt.abandoned || this.status.get(file.sha256) !== s) return;
      const kind: RetryKind = downloadCode && error instanceof downloadCode.DownloadError ? error.retry : 'soon';
      s.error = (error as Error).message;
      s.attempts++;
      console.warn(`[antichambre] ${file.src}: ${s.error} (attempt ${s.attempts})`);
      // The retry is scheduled before anything else is awaited: nothing can keep the file from it.
      this.scheduleRetry(file, s, kind);
      step('the error to be recorded');
      await this.db.mediaErrors.put({ sha256: file.sha256, src: file.src, error: s.error, at: Date.now(), attempts: s.attempts }).catch(() => {});
      if (kind === 'room' && !attempt.abandoned) {
        step('room to be freed after storage was full (the room lock)');
        await this.withRoomLock(`making room for ${file.src} after storage was full`, (hold) => this.evict(file, Infinity, hold)).catch(() => 0);
      }
    } finally {
      // An abandoned attempt was already accounted for; a newer one may hold the file now.
      if (this.active.get(file.sha256) === attempt) {
        this.reserved.delete(file.sha256);
        this.active.delete(file.sha256);
        this.changed();
        this.settledListeners.notify();
        this.kick();
      }
    }
  }

  private becameReady(file: PlannedFile, s: FileStatus): void {
    if (this.ready.has(file.sha256) && s.state === 'ready') return;
    s.state = 'ready';
    delete s.error;
    delete s.nextTry;
    clearTimeout(this.retryTimers.get(file.sha256));
    this.retryTimers.delete(file.sha256);
    this.ready.add(file.sha256);
    this.missingSince.ready(file.sha256);
    this.readyListeners.notify(file.sha256);
    this.changed();
  }

  private scheduleRetry(file: PlannedFile, s: FileStatus, kind: RetryKind): void {
    const delay = backoffMs(Math.max(1, s.attempts), kind, this.options);
    s.state = kind === 'later' ? 'failed' : kind === 'room' && s.state === 'no-room' ? 'no-room' : 'waiting';
    s.nextTry = Date.now() + delay;
    clearTimeout(this.retryTimers.get(file.sha256));
    const timer = setTimeout(() => {
      if (this.retryTimers.get(file.sha256) !== timer) return;
      this.retryTimers.delete(file.sha256);
      delete s.nextTry;
      this.kick();
    }, delay);
    this.retryTimers.set(file.sha256, timer);
  }

  /** Twice the stall time without a byte or a step: an attempt or a hold of the room lock is given up. */
  private get stuckAfterMs(): number {
    return 2 * this.options.stallMs;
  }

  private watchForStalls(): void {
    if (this.stuckCheck !== null || this.stopped) return;
    this.stuckCheck = setInterval(() => this.checkForStalls(), Math.max(100, Math.min(5_000, this.options.stallMs / 4)));
  }

  private stopStuckCheck(): void {
    if (this.stuckCheck !== null) clearInterval(this.stuckCheck);
    this.stuckCheck = null;
  }

  private checkForStalls(): void {
    const now = performance.now();
    const hold = this.roomHold;
    if (hold && !hold.broken && now - hold.lastActivity >= this.stuckAfterMs) {
      const message = `the room lock, held for ${hold.what}, saw nothing for ${Math.round((now - hold.lastActivity) / 1000)} s while waiting for ${hold.waitingFor}: released`;
      console.warn(`[antichambre] ${message}`);
      hold.broken = true;
      hold.breakWith(new Error(message));
    }
    for (const attempt of [...this.active.values()]) {
      // Queued behind a hold of the room lock that moves on is not stuck.
      const holdSeen = attempt.waitingFor === WAITING_FOR_ROOM && this.roomHold && !this.roomHold.broken ? this.roomHold.lastActivity : -Infinity;
      if (now - Math.max(attempt.lastActivity, holdSeen) >= this.stuckAfterMs) this.abandon(attempt, now);
    }
    if (this.active.size === 0 && this.roomHold === null) this.stopStuckCheck();
  }

  /** Gives up an attempt that saw nothing for too long (an await that never settled): retried like a cut transfer. */
  private abandon(attempt: Attempt, now: number): void {
    const { file } = attempt;
    const s = this.status.get(file.sha256);
    attempt.abandoned = true;
    attempt.controller.abort();
    this.active.delete(file.sha256);
    this.reserved.delete(file.sha256);
    if (s && s.state !== 'ready') {
      s.attempts++;
      s.error = `${file.src}: nothing for ${Math.round((now - attempt.lastActivity) / 1000)} s while waiting for ${attempt.waitingFor}; given up, will try again`;
      console.warn(`[antichambre] ${s.error} (attempt ${s.attempts})`);
      this.scheduleRetry(file, s, 'soon');
      void this.db.mediaErrors.put({ sha256: file.sha256, src: file.src, error: s.error, at: Date.now(), attempts: s.attempts }).catch(() => {});
    }
    this.changed();
    this.settledListeners.notify();
    this.kick();
  }

  /** Settles when the last hold of the room lock is over (or broken). */
  private roomLock: Promise<void> = Promise.resolve();
  private roomHold: RoomHold | null = null;
  /** Bytes promised to downloads under way (their whole size), so that two at once cannot both take the same room. */
  private readonly reserved = new Map<string, number>();

  /**
   * Runs `work` holding the room lock (one at a time). A hold that sees no step for twice the
   * stall time is broken by the stuck check: its caller gets an error and the next one goes on.
   */
  private withRoomLock<T>(what: string, work: (hold: RoomHold) => Promise<T>): Promise<T> {
    const previous = this.roomLock;
    let release!: () => void;
    this.roomLock = new Promise<void>((done) => (release = done));
    return previous.then(async () => {
      let breakWith!: (error: Error) => void;
      const broken = new Promise<never>((_, reject) => (breakWith = reject));
      const hold: RoomHold = { what, waitingFor: 'its start', lastActivity: performance.now(), broken: false, breakWith };
      this.roomHold = hold;
      this.watchForStalls();
      try {
        return await Promise.race([work(hold), broken]);
      } finally {
        if (this.roomHold === hold) this.roomHold = null;
        release();
      }
    });
  }

  private static step(hold: RoomHold | null, waitingFor: string): void {
    if (!hold) return;
    hold.waitingFor = waitingFor;
    hold.lastActivity = performance.now();
  }

  /** Frees room for `file` within the budget and reserves it; answers whether there is room. One file at a time. */
  private makeRoom(file: PlannedFile, attempt: Attempt): Promise<boolean> {
    return this.withRoomLock(`room for ${file.src}`, async (hold) => {
      MediaCache.step(hold, 'the disk budget to be measured');
      await this.budgetKnown;
      MediaCache.step(hold, 'the stored files to be listed');
      const [media, downloads] = await Promise.all([this.db.media.toArray(), this.db.downloads.toArray()]);
      const stored = media.reduce((sum, m) => sum + m.bytes, 0);
      const partial = downloads.filter((d) => !this.reserved.has(d.sha256) && d.sha256 !== file.sha256).reduce((sum, d) => sum + d.bytesDone, 0);
      const promised = [...this.reserved].filter(([sha]) => sha !== file.sha256).reduce((sum, [, bytes]) => sum + bytes, 0);
      const needed = stored + partial + promised + (file.bytes ?? 0) - this.budget;
      const ok = needed <= 0 || (await this.evict(file, needed, hold)) >= needed;
      // A broken hold or an abandoned attempt reserves nothing: a newer one asks again.
      if (ok && !hold.broken && !attempt.abandoned) this.reserved.set(file.sha256, file.bytes ?? 0);
      return ok;
    });
  }

  /**
   * Storage is full and the player's own records (proof of play) must be written: evicts cached
   * files, those the set does not need first (least recently used), then those it needs last.
   * Answers whether anything was freed.
   */
  freeForRecords(bytes = ROOM_FOR_RECORDS): Promise<boolean> {
    return this.withRoomLock('room for the player\'s own records', async (hold) => {
      const freed = await this.evict(null, bytes, hold);
      // What was freed is for the records: downloads must not take it back. The budget stays
      // at what is stored now until the next start measures the disk again.
      MediaCache.step(hold, 'the stored files to be listed');
      const stored = (await this.db.media.toArray()).reduce((sum, m) => sum + m.bytes, 0);
      this.budget = Math.min(this.budget, stored);
      this.changed();
      return freed > 0;
    });
  }

  /**
   * Evicts files to free `needed` bytes: first those the set does not need, least recently
   * used first; then those it needs later than `file`, latest first. Never one needed sooner.
   * `file` null: room for the player's own records, any file may go.
   */
  private async evict(file: PlannedFile | null, needed: number, hold: RoomHold): Promise<number> {
    const order = new Map(this.wanted.map((f, i) => [f.sha256, i] as const));
    // Without a file to make room for, any file may go (those needed last first).
    const mine = file === null ? -1 : (order.get(file.sha256) ?? Infinity);
    MediaCache.step(hold, 'the stored files to be listed');
    const media = await this.db.media.toArray();
    const unneeded = media.filter((m) => !order.has(m.sha256)).sort((a, b) => a.lastUsed - b.lastUsed);
    const later = media.filter((m) => (order.get(m.sha256) ?? -1) > mine).sort((a, b) => order.get(b.sha256)! - order.get(a.sha256)!);
    let freed = 0;
    for (const m of [...unneeded, ...later]) {
      if (freed >= needed || hold.broken) break;
      MediaCache.step(hold, `${m.sha256.slice(0, 12)}… to be deleted`);
      await deleteMedia(this.db, m.sha256);
      this.ready.delete(m.sha256);
      if (order.has(m.sha256)) this.missingSince.restart(m.sha256, performance.now());
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
    this.changeListeners.notify();
  }
}
