import type { PlannedFile } from './mediaPlan.js';
import { backoffMs, MissingSince, type BackoffRules, type FileStatus, type RetryKind } from './mediaStatus.js';

/**
 * The download scheduling that the kiosk's file store (src/main/mediaFiles.ts) and the web
 * player's cache (src/renderer/mediaCache.ts) share; each keeps only its storage (files on
 * disk, IndexedDB) behind `DownloadStorage`. Files are fetched in the order wanted (soonest
 * needed first), a few at a time; a failed attempt is retried with exponential backoff and
 * jitter (a refusal rarely), started again by its own timer, never by comparing clocks; an
 * attempt with no byte and no step for twice the stall time is abandoned and retried (an await
 * that never settles). The scheduler owns its timers: `stop()` ends them all.
 */

/** What an attempt is cancelled with (an AbortController). */
export interface Abortable {
  abort(): void;
}

/** The timers and the monotonic clock a scheduler runs on: `globalThis`, the page's or Node's (src/shared has neither's types). */
export interface SchedulerClock {
  performance: { now(): number };
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface SchedulerOptions extends BackoffRules {
  maxConcurrent: number;
  stallMs: number;
}

/** One attempt at a file under way: what it waits for, and since when nothing happened. */
export class DownloadAttempt<C extends Abortable> {
  waitingFor = 'its start';
  /** The clock's `now()` at its last byte or step. */
  lastActivity: number;
  /** Given up by the stuck check: whatever it does later changes nothing but a success. */
  abandoned = false;

  constructor(
    readonly file: PlannedFile,
    readonly controller: C,
    private readonly clock: SchedulerClock,
    private readonly progressed: (done: number, total: number | null) => void,
  ) {
    this.lastActivity = clock.performance.now();
  }

  /** It moved on: now waiting for `waitingFor`. */
  step(waitingFor: string): void {
    this.waitingFor = waitingFor;
    this.lastActivity = this.clock.performance.now();
  }

  /** Bytes came: counted in the file's status unless the attempt was abandoned. */
  progress(done: number, total: number | null): void {
    this.step('bytes from the server');
    if (!this.abandoned) this.progressed(done, total);
  }
}

/** Where the bytes go: what a scheduler asks of its storage. */
export interface DownloadStorage<C extends Abortable> {
  /** Stored and verified. */
  has(sha256: string): boolean;
  /** Bytes kept of a cut download (its progress before it resumes). */
  keptBytes(sha256: string): number;
  /** The size of a stored file when known at once (its status then shows it whole), else null. */
  storedBytes(sha256: string): number | null;
  /** Bytes the storage may use (Infinity: no limit known). */
  budget(): number;
  /** Frees room within the budget for a file of known size and reserves it (`reserve`); false: no room now. */
  makeRoom(file: PlannedFile & { bytes: number }, attempt: DownloadAttempt<C>): boolean | Promise<boolean>;
  /** Fetches the file into storage; resolves once it is stored and verified (`has` true), rejects otherwise. */
  download(file: PlannedFile, attempt: DownloadAttempt<C>): Promise<void>;
  /** How soon a failed attempt is tried again. */
  retryKind(error: unknown): RetryKind;
  /** After a file became ready by an attempt (still counted as under way meanwhile). */
  afterReady?(file: PlannedFile, attempt: DownloadAttempt<C>): Promise<void>;
  /** After an attempt failed, or was abandoned (`attempt.abandoned`), its retry already scheduled (a failed attempt still counted as under way meanwhile). */
  failed(file: PlannedFile, status: FileStatus, attempt: DownloadAttempt<C>, kind: RetryKind): Promise<void> | void;
  /** Other waits the stuck check watches (the web player's room lock): checked first, and counted as activity of the attempts waiting on them. */
  stalls?: {
    check(now: number, stuckAfterMs: number): void;
    /** When what `attempt` waits for last moved (-Infinity when it waits for nothing of it). */
    seenFor(attempt: DownloadAttempt<C>): number;
    busy(): boolean;
  };
}

export interface DownloadSchedulerDeps<C extends Abortable> {
  storage: DownloadStorage<C>;
  options: SchedulerOptions;
  clock: SchedulerClock;
  newController(): C;
  /** A file's state or progress changed. */
  changed(): void;
  ready(sha256: string): void;
  /** An attempt ended, ready or failed. */
  settled(): void;
}

export class DownloadScheduler<C extends Abortable> {
  private wantedFiles: PlannedFile[] = [];
  private readonly status = new Map<string, FileStatus>();
  private readonly active = new Map<string, DownloadAttempt<C>>();
  private readonly retryTimers = new Map<string, unknown>();
  /** Whole sizes promised to downloads under way, so that two cannot take the same room. */
  private readonly reservations = new Map<string, number>();
  private readonly missingSince = new MissingSince();
  /** Gives up attempts that saw nothing for twice the stall time; runs only while something is under way. */
  private stuckCheck: unknown = null;
  private stopped = false;

  constructor(private readonly deps: DownloadSchedulerDeps<C>) {}

  private get storage(): DownloadStorage<C> {
    return this.deps.storage;
  }

  /** What the screen needs, soonest first. */
  get wanted(): readonly PlannedFile[] {
    return this.wantedFiles;
  }

  get reserved(): ReadonlyMap<string, number> {
    return this.reservations;
  }

  reserve(sha256: string, bytes: number): void {
    this.reservations.set(sha256, bytes);
  }

  /** Twice the stall time without a byte or a step: an attempt is given up. */
  get stuckAfterMs(): number {
    return 2 * this.deps.options.stallMs;
  }

  /** What the screen needs, soonest first. Downloads follow this order. */
  want(files: readonly PlannedFile[]): void {
    this.wantedFiles = files.map((f) => ({ ...f, sha256: f.sha256.toLowerCase() }));
    this.missingSince.plan(this.wantedFiles, (sha) => this.storage.has(sha), this.deps.clock.performance.now());
    for (const file of this.wantedFiles) {
      const known = this.status.get(file.sha256);
      if (!known) {
        const ready = this.storage.has(file.sha256);
        this.status.set(file.sha256, { sha256: file.sha256, src: file.src, state: ready ? 'ready' : 'queued', done: this.storage.keptBytes(file.sha256), total: file.bytes ?? null, attempts: 0 });
      } else if (known.src !== file.src && !this.storage.has(file.sha256)) {
        known.src = file.src;
        // Waiting for a retry of the old source (up to the refusal delay, 30 min, after a 404 or
        // wrong bytes): a new source, from a new set that mends the old one's link, is tried now.
        if (this.retryTimers.has(file.sha256)) {
          this.deps.clock.clearTimeout(this.retryTimers.get(file.sha256));
          this.retryTimers.delete(file.sha256);
          delete known.nextTry;
        }
      }
    }
    this.kick();
    this.deps.changed();
  }

  /** Every wanted file's status, in the order wanted (copies). */
  files(): FileStatus[] {
    return this.wantedFiles.map((f) => this.status.get(f.sha256)).filter((s): s is FileStatus => s !== undefined).map((s) => ({ ...s }));
  }

  /** Whether every attempt at this file so far has failed (it may still come later). */
  hasFailed(sha256: string): boolean {
    const s = this.status.get(sha256.toLowerCase());
    return s !== undefined && s.attempts > 0 && s.state !== 'ready' && s.state !== 'downloading';
  }

  /** How many wanted files are not stored. */
  missing(): number {
    return this.wantedFiles.filter((f) => !this.storage.has(f.sha256)).length;
  }

  /** Whole seconds the oldest wanted file not yet ready has been missing (since this start); 0 when none. */
  oldestMissingS(): number {
    return this.missingSince.oldestS(this.wantedFiles, (sha) => this.storage.has(sha), this.deps.clock.performance.now());
  }

  /** A stored file was evicted: fetched again when wanted, missing from now on. */
  requeue(sha256: string): void {
    const s = this.status.get(sha256);
    if (s) {
      s.state = 'queued';
      s.done = 0;
    }
    if (this.wantedFiles.some((f) => f.sha256 === sha256)) this.missingSince.restart(sha256, this.deps.clock.performance.now());
  }

  /** Ends every attempt and timer; nothing starts again. */
  stop(): void {
    this.stopped = true;
    for (const attempt of this.active.values()) attempt.controller.abort();
    this.clearRetries();
    this.stopStuckCheck();
  }

  /** Forgets every file (`wipe` empties the storage) and fetches what is wanted again, at once. */
  async clear(wipe: () => Promise<void>): Promise<void> {
    for (const attempt of this.active.values()) attempt.controller.abort();
    this.clearRetries();
    // The attempts aborted find their status gone: they schedule no retry.
    this.status.clear();
    this.missingSince.clear();
    try {
      await wipe();
    } finally {
      // Wiped or not (a failed wipe is the caller's to report), every wanted file has a status again.
      this.clearRetries();
      this.want(this.wantedFiles);
    }
  }

  /** Starts the stuck check if it is not running (also for the storage's own waits, `stalls`). */
  watchForStalls(): void {
    if (this.stuckCheck !== null || this.stopped) return;
    this.stuckCheck = this.deps.clock.setInterval(() => this.checkForStalls(), Math.max(100, Math.min(5_000, this.deps.options.stallMs / 4)));
  }

  private clearRetries(): void {
    for (const timer of this.retryTimers.values()) this.deps.clock.clearTimeout(timer);
    this.retryTimers.clear();
  }

  private kick(): void {
    if (this.stopped) return;
    for (const file of this.wantedFiles) {
      if (this.active.size >= this.deps.options.maxConcurrent) return;
      const s = this.status.get(file.sha256);
      // No status: being cleared (an attempt aborted by clear() ends meanwhile); want() gives it one again.
      // A file waiting for its retry is not compared with a clock: its timer starts it.
      if (!s || s.state === 'ready' || this.active.has(file.sha256) || this.retryTimers.has(file.sha256)) continue;
      if (this.storage.has(file.sha256)) {
        this.becameReady(file.sha256, s);
        continue;
      }
      void this.fetchOne(file, s);
    }
  }

  private async fetchOne(file: PlannedFile, s: FileStatus): Promise<void> {
    const attempt = new DownloadAttempt(file, this.deps.newController(), this.deps.clock, (done, total) => {
      s.done = done;
      s.total = total;
      this.deps.changed();
    });
    this.active.set(file.sha256, attempt);
    this.watchForStalls();
    try {
      if (file.bytes !== undefined) {
        const room = await this.storage.makeRoom({ ...file, bytes: file.bytes }, attempt);
        if (attempt.abandoned) return;
        if (!room) {
          s.state = 'no-room';
          s.error = `not enough room for ${file.bytes} bytes within the budget of ${this.storage.budget()}`;
          this.scheduleRetry(file, s, 'room');
          return;
        }
      }
      // Said to be downloading once it has its room: a file with none never looks under way.
      s.state = 'downloading';
      this.deps.changed();
      await this.storage.download(file, attempt);
      // Stored and verified: ready, even if this attempt had been given up as stuck meanwhile.
      this.becameReady(file.sha256, s);
      await this.storage.afterReady?.(file, attempt);
    } catch (error) {
      // Stopped, given up as stuck, or cleared (a new status): nothing to retry here.
      if (this.stopped || attempt.abandoned || this.status.get(file.sha256) !== s) return;
      const kind = this.storage.retryKind(error);
      s.error = error instanceof Error ? error.message : String(error);
      s.attempts++;
      if (s.src !== file.src) {
        // Wanted from another source since this attempt began (a new set mending the link): the
        // old source's failure says nothing of the new one, which is tried at once (the kick below).
        s.state = 'queued';
        delete s.nextTry;
      } else {
        // The retry is scheduled before anything else is awaited: nothing can keep the file from it.
        this.scheduleRetry(file, s, kind);
      }
      await this.storage.failed(file, s, attempt, kind);
    } finally {
      // An abandoned attempt was already accounted for; a newer one may hold the file now.
      if (this.active.get(file.sha256) === attempt) {
        this.reservations.delete(file.sha256);
        this.active.delete(file.sha256);
        this.deps.changed();
        this.deps.settled();
        this.kick();
      }
    }
  }

  private becameReady(sha: string, s: FileStatus): void {
    if (s.state === 'ready') return;
    s.state = 'ready';
    const bytes = this.storage.storedBytes(sha);
    if (bytes !== null) {
      s.done = bytes;
      s.total = bytes;
    }
    delete s.error;
    delete s.nextTry;
    this.deps.clock.clearTimeout(this.retryTimers.get(sha));
    this.retryTimers.delete(sha);
    this.missingSince.ready(sha);
    this.deps.ready(sha);
    this.deps.changed();
  }

  private scheduleRetry(file: PlannedFile, s: FileStatus, kind: RetryKind): void {
    const delay = backoffMs(Math.max(1, s.attempts), kind, this.deps.options);
    s.state = kind === 'later' ? 'failed' : kind === 'room' && s.state === 'no-room' ? 'no-room' : 'waiting';
    s.nextTry = Date.now() + delay;
    this.deps.clock.clearTimeout(this.retryTimers.get(file.sha256));
    this.retryTimers.delete(file.sha256);
    if (this.stopped) return;
    const timer = this.deps.clock.setTimeout(() => {
      if (this.retryTimers.get(file.sha256) !== timer) return;
      this.retryTimers.delete(file.sha256);
      delete s.nextTry;
      this.kick();
    }, delay);
    this.retryTimers.set(file.sha256, timer);
  }

  private stopStuckCheck(): void {
    if (this.stuckCheck !== null) this.deps.clock.clearInterval(this.stuckCheck);
    this.stuckCheck = null;
  }

  private checkForStalls(): void {
    const now = this.deps.clock.performance.now();
    const stalls = this.storage.stalls;
    stalls?.check(now, this.stuckAfterMs);
    for (const attempt of [...this.active.values()]) {
      if (now - Math.max(attempt.lastActivity, stalls?.seenFor(attempt) ?? -Infinity) >= this.stuckAfterMs) this.abandon(attempt, now);
    }
    if (this.active.size === 0 && !stalls?.busy()) this.stopStuckCheck();
  }

  /** Gives up an attempt that saw nothing for too long (an await that never settled): retried like a cut transfer. */
  private abandon(attempt: DownloadAttempt<C>, now: number): void {
    const { file } = attempt;
    const s = this.status.get(file.sha256);
    attempt.abandoned = true;
    attempt.controller.abort();
    this.active.delete(file.sha256);
    this.reservations.delete(file.sha256);
    if (s && s.state !== 'ready') {
      s.attempts++;
      s.error = `${file.src}: nothing for ${Math.round((now - attempt.lastActivity) / 1000)} s while waiting for ${attempt.waitingFor}; given up, will try again`;
      this.scheduleRetry(file, s, 'soon');
      void Promise.resolve()
        .then(() => this.storage.failed(file, s, attempt, 'soon'))
        .catch(() => {});
    }
    this.deps.changed();
    this.deps.settled();
    this.kick();
  }
}
