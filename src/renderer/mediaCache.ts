import type { PlannedFile } from '../shared/mediaPlan.js';
import { CacheStatus } from '../shared/protocol.js';
import type { PlayerDb } from './db.js';
import { DownloadScheduler, type DownloadAttempt, type DownloadStorage } from '../shared/downloadScheduler.js';
import { backoffMs as sharedBackoffMs, missingFileErrors, type FileStatus, type RetryKind } from '../shared/mediaStatus.js';
import type * as DownloadModule from './download.js';
import { deleteMedia, readMedia, storedBytes, touchMedia } from './mediaStore.js';
import type { CacheTotals, PlayerMedia } from './playerMedia.js';
import { Listeners } from './listeners.js';
import { DownloadPace, type DownloadPaceCap } from '../shared/downloadPace.js';

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
 * were waiting for). The scheduling is src/shared/downloadScheduler.ts, shared with the kiosk's
 * file store; this class keeps the files in IndexedDB, and the room lock.
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
  /** A file read ahead at start (the start frame script's, through startHandoff's takeEarlyMedia): its object URL, taken once; undefined when not read ahead. */
  takeEarly?: (sha256: string) => Promise<string | null> | undefined;
}

/** The bytes of files just stored that the cache keeps in memory for their first showing, at most (see `justStored`). */
export const JUST_STORED_BYTES = 32 * 1024 * 1024;
/** When no first item comes (nothing to play), files just stored are forgotten this long after the start anyway. */
export const JUST_STORED_MS = 60_000;

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

const keptBytes = (files: Map<string, Blob>): number => [...files.values()].reduce((sum, blob) => sum + blob.size, 0);

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
  private readonly readyListeners = new Listeners<[sha256: string]>();
  private readonly changeListeners = new Listeners();
  private readonly settledListeners = new Listeners();
  readonly ready = new Set<string>();
  private budget = Infinity;
  private readonly scheduler: DownloadScheduler<AbortController>;
  /**
   * Files stored since the start, their bytes still in memory (the download hands them over once
   * verified): the first showing of each takes them rather than reading them back from IndexedDB.
   * That read is on a fresh start's path to its first item (its files come just before it).
   * Kept until the first item is on screen, or JUST_STORED_MS when none comes (`forgetJustStored`),
   * at most JUST_STORED_BYTES.
   */
  private justStored: Map<string, Blob> | null = new Map();
  /** Counts `clear()`s: a download that ends after one began neither marks its file ready nor keeps its bytes (the wipe took them). */
  private clears = 0;
  /** One pace for the downloads under way (slower while a video plays: `setPace`). */
  private readonly pace = new DownloadPace(globalThis);

  constructor(
    private readonly db: PlayerDb,
    private readonly options: CacheOptions = DEFAULT_CACHE_OPTIONS,
  ) {
    this.scheduler = new DownloadScheduler({
      storage: this.storage(),
      options,
      clock: globalThis,
      newController: () => new AbortController(),
      changed: () => this.changed(),
      ready: (sha) => this.readyListeners.notify(sha),
      settled: () => this.settledListeners.notify(),
    });
  }

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
    // Read ahead at start (startFrame.ts), its image already decoded: taken once, owned by the caller like any other.
    const early = type ? undefined : this.options.takeEarly?.(sha);
    const url = early ? await early : null;
    if (url) {
      touchMedia(this.db, sha, Date.now()).catch(() => {});
      return url;
    }
    const blob = this.takeJustStored(sha) ?? (await readMedia(this.db, sha));
    if (!blob) return null;
    // When it was last shown, for eviction: best effort (storage may be full).
    touchMedia(this.db, sha, Date.now()).catch(() => {});
    return URL.createObjectURL(type ? new Blob([blob], { type }) : blob);
  }

  private takeJustStored(sha256: string): Blob | null {
    const blob = this.justStored?.get(sha256) ?? null;
    this.justStored?.delete(sha256);
    return blob;
  }

  setPace(bytesPerSecond: DownloadPaceCap): void {
    this.pace.set(bytesPerSecond);
  }

  /** The first item is on screen: files just stored are read from IndexedDB from now on. */
  forgetJustStored(): void {
    this.justStored = null;
  }

  /** Whether every attempt at this file so far has failed (it may still come later). */
  hasFailed(sha256: string): boolean {
    return this.scheduler.hasFailed(sha256);
  }

  /** What the screen needs, soonest first. Downloads follow this order. */
  want(files: PlannedFile[]): void {
    this.scheduler.want(files);
  }

  files(): FileStatus[] {
    return this.scheduler.files();
  }

  async totals(): Promise<CacheTotals> {
    const stored = await storedBytes(this.db);
    return { bytes: stored.media + stored.partial, files: stored.files, missing: this.scheduler.missing(), budget: this.budget };
  }

  /** The figures of `status.cache` (protocol §3), with how long the oldest wanted file has been missing. */
  async cacheStatus(): Promise<CacheStatus> {
    const { bytes, files, missing } = await this.totals();
    const errors = missingFileErrors(this.files(), (sha) => this.ready.has(sha));
    return CacheStatus.parse({ bytes, files, missing, oldestMissingS: this.oldestMissingS(), ...(errors.length > 0 ? { errors } : {}) });
  }

  /** Whole seconds the oldest wanted file not yet ready has been missing (since this start); 0 when none. */
  oldestMissingS(): number {
    return this.scheduler.oldestMissingS();
  }

  dispose(): void {
    this.scheduler.stop();
  }

  /** Forget every file (the `clear-cache` command): media only, never the outbox. */
  async clear(): Promise<void> {
    await this.scheduler.clear(async () => {
      // Forgotten before the wipe's first wait: a plan made meanwhile must not find them ready (and skip them for good).
      this.clears++;
      this.ready.clear();
      if (this.justStored) this.justStored = new Map();
      await this.db.transaction('rw', this.db.media, this.db.parts, this.db.downloads, this.db.mediaErrors, async () => {
        await Promise.all([this.db.media.clear(), this.db.parts.clear(), this.db.downloads.clear(), this.db.mediaErrors.clear()]);
      });
    });
  }

  /** IndexedDB, as the scheduler sees its storage. */
  private storage(): DownloadStorage<AbortController> {
    return {
      has: (sha) => this.ready.has(sha),
      keptBytes: () => 0,
      storedBytes: () => null,
      budget: () => this.budget,
      makeRoom: (file, attempt) => this.makeRoom(file, attempt),
      download: async (file, attempt) => {
        const abandoned = () => {
          if (attempt.abandoned) throw new Error(`${file.src}: attempt given up`);
        };
        attempt.step('the download code to load');
        const { downloadFile } = await loadDownloadCode();
        abandoned();
        attempt.step('the download to start');
        const clears = this.clears;
        const kept = this.justStored;
        const room = kept ? JUST_STORED_BYTES - keptBytes(kept) : 0;
        const bytes = await downloadFile(this.db, file, {
          signal: attempt.controller.signal,
          stallMs: this.options.stallMs,
          partBytes: this.options.partBytes,
          onStep: (waitingFor) => attempt.step(waitingFor),
          onProgress: (done, total) => attempt.progress(done, total),
          keepUpTo: room,
          pace: this.pace,
        });
        // Cleared meanwhile: the wipe may have come after its last write (a next attempt finds it, or fetches it again).
        if (this.clears !== clears) return;
        // Two downloads run side by side: what both kept must still fit.
        if (bytes && kept && this.justStored === kept && bytes.size <= JUST_STORED_BYTES - keptBytes(kept)) kept.set(file.sha256, bytes);
        this.ready.add(file.sha256);
      },
      afterReady: async (file, attempt) => {
        attempt.step("the file's old error to be cleared");
        await this.db.mediaErrors.delete(file.sha256);
      },
      retryKind: (error) => (downloadCode && error instanceof downloadCode.DownloadError ? error.retry : 'soon'),
      failed: async (file, status, attempt, kind) => {
        console.warn(`[antichambre] ${attempt.abandoned ? status.error : `${file.src}: ${status.error}`} (attempt ${status.attempts})`);
        attempt.step('the error to be recorded');
        await this.db.mediaErrors.put({ sha256: file.sha256, src: file.src, error: status.error ?? '', at: Date.now(), attempts: status.attempts }).catch(() => {});
        if (kind === 'room' && !attempt.abandoned) {
          attempt.step('room to be freed after storage was full (the room lock)');
          await this.withRoomLock(`making room for ${file.src} after storage was full`, (hold) => this.evict(file, Infinity, hold)).catch(() => 0);
        }
      },
      stalls: {
        check: (now, stuckAfterMs) => {
          const hold = this.roomHold;
          if (hold && !hold.broken && now - hold.lastActivity >= stuckAfterMs) {
            const message = `the room lock, held for ${hold.what}, saw nothing for ${Math.round((now - hold.lastActivity) / 1000)} s while waiting for ${hold.waitingFor}: released`;
            console.warn(`[antichambre] ${message}`);
            hold.broken = true;
            hold.breakWith(new Error(message));
          }
        },
        // Queued behind a hold of the room lock that moves on is not stuck.
        seenFor: (attempt) => (attempt.waitingFor === WAITING_FOR_ROOM && this.roomHold && !this.roomHold.broken ? this.roomHold.lastActivity : -Infinity),
        busy: () => this.roomHold !== null,
      },
    };
  }

  /** Settles when the last hold of the room lock is over (or broken). */
  private roomLock: Promise<void> = Promise.resolve();
  private roomHold: RoomHold | null = null;

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
      this.scheduler.watchForStalls();
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
  private makeRoom(file: PlannedFile, attempt: DownloadAttempt<AbortController>): Promise<boolean> {
    attempt.step(WAITING_FOR_ROOM);
    return this.withRoomLock(`room for ${file.src}`, async (hold) => {
      MediaCache.step(hold, 'the disk budget to be measured');
      await this.budgetKnown;
      MediaCache.step(hold, 'the stored files to be listed');
      const [media, downloads] = await Promise.all([this.db.media.toArray(), this.db.downloads.toArray()]);
      const stored = media.reduce((sum, m) => sum + m.bytes, 0);
      const reserved = this.scheduler.reserved;
      const partial = downloads.filter((d) => !reserved.has(d.sha256) && d.sha256 !== file.sha256).reduce((sum, d) => sum + d.bytesDone, 0);
      const promised = [...reserved].filter(([sha]) => sha !== file.sha256).reduce((sum, [, bytes]) => sum + bytes, 0);
      const needed = stored + partial + promised + (file.bytes ?? 0) - this.budget;
      const ok = needed <= 0 || (await this.evict(file, needed, hold)) >= needed;
      // A broken hold or an abandoned attempt reserves nothing: a newer one asks again.
      if (ok && !hold.broken && !attempt.abandoned) this.scheduler.reserve(file.sha256, file.bytes ?? 0);
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
    const order = new Map(this.scheduler.wanted.map((f, i) => [f.sha256, i] as const));
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
      this.justStored?.delete(m.sha256);
      this.scheduler.requeue(m.sha256);
      freed += m.bytes;
    }
    return freed;
  }

  private changed(): void {
    this.changeListeners.notify();
  }
}
