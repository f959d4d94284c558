import { readdir, readFile, rm, stat, statfs } from 'node:fs/promises';
import type { PlannedFile } from '../shared/mediaPlan.js';
import { backoffMs, MissingSince, type BackoffRules, type FileStatus, type RetryKind } from '../shared/mediaStatus.js';
import { CacheStatus } from '../shared/protocol.js';
import { DownloadError, downloadToFile, MediaMeta, metaPath, partPath, SHA256_NAME, verifiedPath } from './mediaDownload.js';

/**
 * The kiosk's media store, in the main process (pure Node, no Electron): fetches what the
 * screen will need, soonest first (the order of `planFiles`), a few at a time, into files of
 * one folder, with the same rules as the page's cache (backoff with jitter, refusals retried
 * rarely, a disk budget that evicts the least recently used files the set no longer needs,
 * then those it needs last). Only a file whose digest matched is ever named by its sha256,
 * so only those are ready and served.
 */

export interface MediaFilesOptions extends BackoffRules {
  maxConcurrent: number;
  stallMs: number;
  /** Bytes the store may use; null: 80 % of what the disk holds free plus what the store has. */
  budgetBytes: number | null;
}

export const DEFAULT_MEDIA_FILES_OPTIONS: MediaFilesOptions = {
  maxConcurrent: 2,
  stallMs: 30_000,
  budgetBytes: null,
  backoffBaseMs: 2_000,
  backoffMaxMs: 5 * 60_000,
  refusedRetryMs: 30 * 60_000,
  random: Math.random,
};

export interface VerifiedFile {
  path: string;
  bytes: number;
  type: string;
}

/** One attempt at a file under way: what it waits for, and since when nothing happened. */
interface Attempt {
  readonly controller: AbortController;
  waitingFor: string;
  /** performance.now() of its last byte or step. */
  lastActivity: number;
  /** Given up by the stuck check: whatever it does later changes nothing but a success. */
  abandoned: boolean;
}

interface Stored {
  bytes: number;
  lastUsed: number;
}

export class MediaFiles {
  private wanted: PlannedFile[] = [];
  private readonly status = new Map<string, FileStatus>();
  private readonly active = new Map<string, Attempt>();
  /** Gives up attempts that saw nothing for twice the stall time (an await that never settles); runs only while one is under way. */
  private stuckCheck: ReturnType<typeof setInterval> | null = null;
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly stored = new Map<string, Stored>();
  /** Bytes kept of files under way or cut (`.part` files). */
  private readonly partial = new Map<string, number>();
  /** Whole sizes promised to downloads under way, so that two cannot take the same room. */
  private readonly reserved = new Map<string, number>();
  private readonly missingSince = new MissingSince();
  private readonly changeListeners = new Set<() => void>();
  private readonly readyListeners = new Set<(sha256: string) => void>();
  private budget = Infinity;
  private stopped = false;

  constructor(
    readonly folder: string,
    private readonly options: MediaFilesOptions = DEFAULT_MEDIA_FILES_OPTIONS,
  ) {}

  /** Reads what the folder holds: verified files (named by their digest) and the bytes kept of cut ones. */
  async init(): Promise<void> {
    let names: string[] = [];
    try {
      names = await readdir(this.folder);
    } catch {
      names = [];
    }
    for (const name of names) {
      const sha = name.endsWith('.part') ? name.slice(0, -5) : name;
      if (!SHA256_NAME.test(sha)) continue;
      const info = await stat(`${this.folder}/${name}`).catch(() => null);
      if (!info?.isFile()) continue;
      if (name.endsWith('.part')) this.partial.set(sha, info.size);
      else this.stored.set(sha, { bytes: info.size, lastUsed: info.mtimeMs });
    }
    if (this.options.budgetBytes !== null) this.budget = this.options.budgetBytes;
    else {
      const disk = await statfs(this.folder).catch(() => null);
      this.budget = disk ? Math.floor(0.8 * (disk.bavail * disk.bsize + this.usedBytes())) : Infinity;
    }
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onReady(listener: (sha256: string) => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  isReady(sha256: string): boolean {
    return this.stored.has(sha256.toLowerCase());
  }

  /** Every sha256 stored and verified. */
  readyFiles(): string[] {
    return [...this.stored.keys()];
  }

  /** A verified file, for the app:// scheme; null for anything else. Marks it used (for eviction). */
  async verifiedFile(sha256: string): Promise<VerifiedFile | null> {
    const sha = sha256.toLowerCase();
    const stored = SHA256_NAME.test(sha) ? this.stored.get(sha) : undefined;
    if (!stored) return null;
    stored.lastUsed = Date.now();
    let type = 'application/octet-stream';
    try {
      type = MediaMeta.parse(JSON.parse(await readFile(metaPath(this.folder, sha), 'utf8'))).type;
    } catch {
      // No or bad record of its type: served as bytes.
    }
    return { path: verifiedPath(this.folder, sha), bytes: stored.bytes, type };
  }

  /** What the screen needs, soonest first. Downloads follow this order. */
  want(files: readonly PlannedFile[]): void {
    this.wanted = files.map((f) => ({ ...f, sha256: f.sha256.toLowerCase() }));
    this.missingSince.plan(this.wanted, (sha) => this.stored.has(sha), performance.now());
    for (const file of this.wanted) {
      const known = this.status.get(file.sha256);
      if (!known) {
        this.status.set(file.sha256, { sha256: file.sha256, src: file.src, state: this.stored.has(file.sha256) ? 'ready' : 'queued', done: this.partial.get(file.sha256) ?? 0, total: file.bytes ?? null, attempts: 0 });
      } else if (known.src !== file.src && !this.stored.has(file.sha256)) {
        known.src = file.src;
      }
    }
    this.kick();
    this.changed();
  }

  files(): FileStatus[] {
    return this.wanted.map((f) => this.status.get(f.sha256)).filter((s): s is FileStatus => s !== undefined).map((s) => ({ ...s }));
  }

  totals(): CacheStatus & { budget: number } {
    return { bytes: this.usedBytes(), files: this.stored.size, missing: this.wanted.filter((f) => !this.stored.has(f.sha256)).length, budget: this.budget };
  }

  cacheStatus(): CacheStatus {
    const { bytes, files, missing } = this.totals();
    return CacheStatus.parse({ bytes, files, missing, oldestMissingS: this.oldestMissingS() });
  }

  oldestMissingS(): number {
    return this.missingSince.oldestS(this.wanted, (sha) => this.stored.has(sha), performance.now());
  }

  stop(): void {
    this.stopped = true;
    for (const attempt of this.active.values()) attempt.controller.abort();
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    this.stopStuckCheck();
  }

  /** Forgets every file (the `clear-cache` command) and fetches what is wanted again. */
  async clear(): Promise<void> {
    for (const attempt of this.active.values()) attempt.controller.abort();
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    const shas = new Set([...this.stored.keys(), ...this.partial.keys()]);
    this.stored.clear();
    this.partial.clear();
    this.status.clear();
    this.missingSince.clear();
    await Promise.all([...shas].map((sha) => this.removeFiles(sha)));
    this.want(this.wanted);
  }

  private usedBytes(): number {
    let sum = 0;
    for (const s of this.stored.values()) sum += s.bytes;
    for (const [sha, bytes] of this.partial) if (!this.reserved.has(sha)) sum += bytes;
    for (const bytes of this.reserved.values()) sum += bytes;
    return sum;
  }

  private async removeFiles(sha: string): Promise<void> {
    await Promise.all([rm(verifiedPath(this.folder, sha), { force: true }), rm(metaPath(this.folder, sha), { force: true }), rm(partPath(this.folder, sha), { force: true })]);
  }

  private kick(): void {
    if (this.stopped) return;
    for (const file of this.wanted) {
      if (this.active.size >= this.options.maxConcurrent) return;
      const s = this.status.get(file.sha256)!;
      if (s.state === 'ready' || this.active.has(file.sha256) || this.retryTimers.has(file.sha256)) continue;
      if (this.stored.has(file.sha256)) {
        this.becameReady(file.sha256, s);
        continue;
      }
      if (file.bytes !== undefined && !this.makeRoom(file)) {
        s.state = 'no-room';
        s.error = `not enough room for ${file.bytes} bytes within the budget of ${this.budget}`;
        this.scheduleRetry(file, s, 'room');
        continue;
      }
      void this.fetchOne(file, s);
    }
  }

  /**
   * Frees room for `file` within the budget and reserves it; answers whether there is room.
   * Decided at once (no await between the sums and the reservation); files go first from the
   * store's records, their bytes from the disk just after.
   */
  private makeRoom(file: PlannedFile): boolean {
    const bytes = file.bytes ?? 0;
    const kept = this.partial.get(file.sha256) ?? 0;
    const needed = this.usedBytes() - kept + bytes - this.budget;
    if (needed > 0) {
      const order = new Map(this.wanted.map((f, i) => [f.sha256, i] as const));
      const mine = order.get(file.sha256) ?? Infinity;
      const entries = [...this.stored];
      const unneeded = entries.filter(([sha]) => !order.has(sha)).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
      const later = entries.filter(([sha]) => (order.get(sha) ?? -1) > mine).sort((a, b) => order.get(b[0])! - order.get(a[0])!);
      const candidates = [...unneeded, ...later];
      let freeable = 0;
      const chosen: string[] = [];
      for (const [sha, stored] of candidates) {
        if (freeable >= needed) break;
        chosen.push(sha);
        freeable += stored.bytes;
      }
      if (freeable < needed) return false;
      for (const sha of chosen) this.evict(sha);
    }
    this.reserved.set(file.sha256, bytes);
    return true;
  }

  private evict(sha: string): void {
    this.stored.delete(sha);
    void this.removeFiles(sha).catch(() => {});
    const s = this.status.get(sha);
    if (s) {
      s.state = 'queued';
      s.done = 0;
      this.missingSince.restart(sha, performance.now());
    }
  }

  private async fetchOne(file: PlannedFile, s: FileStatus): Promise<void> {
    const attempt: Attempt = { controller: new AbortController(), waitingFor: 'its start', lastActivity: performance.now(), abandoned: false };
    const step = (waitingFor: string) => {
      attempt.waitingFor = waitingFor;
      attempt.lastActivity = performance.now();
    };
    this.active.set(file.sha256, attempt);
    this.watchForStuck();
    s.state = 'downloading';
    this.changed();
    try {
      await downloadToFile(this.folder, file, {
        signal: attempt.controller.signal,
        stallMs: this.options.stallMs,
        onStep: step,
        onProgress: (done, total) => {
          step('bytes from the server');
          if (attempt.abandoned) return;
          this.partial.set(file.sha256, done);
          s.done = done;
          s.total = total;
          this.changed();
        },
      });
      const info = await stat(verifiedPath(this.folder, file.sha256));
      this.partial.delete(file.sha256);
      this.stored.set(file.sha256, { bytes: info.size, lastUsed: Date.now() });
      this.becameReady(file.sha256, s);
    } catch (error) {
      // Stopped, given up as stuck, or cleared (a new status): nothing to retry here.
      if (this.stopped || attempt.abandoned || this.status.get(file.sha256) !== s) return;
      const kind: RetryKind = error instanceof DownloadError ? error.retry : 'soon';
      s.error = (error as Error).message;
      s.attempts++;
      // What is kept on disk after the attempt (a refusal deletes it; a cut keeps it).
      const kept = await stat(partPath(this.folder, file.sha256)).then((i) => i.size, () => 0);
      if (kept > 0) this.partial.set(file.sha256, kept);
      else this.partial.delete(file.sha256);
      s.done = kept;
      this.scheduleRetry(file, s, kind);
    } finally {
      if (this.active.get(file.sha256) === attempt) {
        this.active.delete(file.sha256);
        this.reserved.delete(file.sha256);
        this.changed();
        this.kick();
      }
    }
  }

  private watchForStuck(): void {
    if (this.stuckCheck !== null || this.stopped) return;
    this.stuckCheck = setInterval(() => this.checkForStuck(), Math.max(100, Math.min(5_000, this.options.stallMs / 4)));
  }

  private stopStuckCheck(): void {
    if (this.stuckCheck !== null) clearInterval(this.stuckCheck);
    this.stuckCheck = null;
  }

  private checkForStuck(): void {
    const now = performance.now();
    for (const [sha, attempt] of [...this.active]) {
      if (now - attempt.lastActivity < 2 * this.options.stallMs) continue;
      attempt.abandoned = true;
      attempt.controller.abort();
      this.active.delete(sha);
      this.reserved.delete(sha);
      const s = this.status.get(sha);
      const file = this.wanted.find((f) => f.sha256 === sha);
      if (s && file && s.state !== 'ready') {
        s.attempts++;
        s.error = `${file.src}: nothing for ${Math.round((now - attempt.lastActivity) / 1000)} s while waiting for ${attempt.waitingFor}; given up, will try again`;
        this.scheduleRetry(file, s, 'soon');
      }
      this.changed();
      this.kick();
    }
    if (this.active.size === 0) this.stopStuckCheck();
  }

  private becameReady(sha: string, s: FileStatus): void {
    s.state = 'ready';
    s.done = this.stored.get(sha)?.bytes ?? s.done;
    s.total = s.done;
    delete s.error;
    delete s.nextTry;
    this.missingSince.ready(sha);
    for (const listener of this.readyListeners) listener(sha);
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

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }
}
