import { readdir, readFile, rm, stat, statfs } from 'node:fs/promises';
import type { PlannedFile } from '../shared/mediaPlan.js';
import { DownloadScheduler, type DownloadStorage } from '../shared/downloadScheduler.js';
import { DownloadPace, type DownloadPaceCap } from '../shared/downloadPace.js';
import type { BackoffRules, FileStatus } from '../shared/mediaStatus.js';
import { CacheStatus } from '../shared/protocol.js';
import { DownloadError, downloadToFile, MediaMeta, metaPath, partPath, SHA256_NAME, verifiedPath, type MediaFetch } from './mediaDownload.js';

/**
 * The kiosk's media store, in the main process (pure Node, no Electron): fetches what the
 * screen will need, soonest first (the order of `planFiles`), a few at a time, into files of
 * one folder, with the same rules as the page's cache (backoff with jitter, refusals retried
 * rarely, a disk budget that evicts the least recently used files the set no longer needs,
 * then those it needs last). Only a file whose digest matched is ever named by its sha256,
 * so only those are ready and served. The scheduling is src/shared/downloadScheduler.ts, shared
 * with the web player's cache; this class keeps the files.
 */

export interface MediaFilesOptions extends BackoffRules {
  maxConcurrent: number;
  stallMs: number;
  /** Bytes the store may use; null: 80 % of what the disk holds free plus what the store has. */
  budgetBytes: number | null;
  /**
   * How files are requested (default: Node's fetch). The kiosk gives its session's (Electron's
   * net.fetch): it reads the bundled playlists' media through the app:// scheme, which Node's
   * fetch does not know, and goes through the system's proxy and certificate store.
   */
  fetch?: MediaFetch | undefined;
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

interface Stored {
  bytes: number;
  lastUsed: number;
}

export class MediaFiles {
  private readonly stored = new Map<string, Stored>();
  /** Bytes kept of files under way or cut (`.part` files). */
  private readonly partial = new Map<string, number>();
  private readonly changeListeners = new Set<() => void>();
  private readonly readyListeners = new Set<(sha256: string) => void>();
  private budget = Infinity;
  private readonly scheduler: DownloadScheduler<AbortController>;
  /** One pace for the downloads under way (slower while a video plays: `setPace`, from the page). */
  private readonly pace = new DownloadPace(globalThis);

  constructor(
    readonly folder: string,
    private readonly options: MediaFilesOptions = DEFAULT_MEDIA_FILES_OPTIONS,
  ) {
    this.scheduler = new DownloadScheduler({
      storage: this.storage(),
      options,
      clock: globalThis,
      newController: () => new AbortController(),
      changed: () => {
        for (const listener of this.changeListeners) listener();
      },
      ready: (sha) => {
        for (const listener of this.readyListeners) listener(sha);
      },
      settled: () => {},
    });
  }
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

  /** All downloads together at most this many bytes per second from now on (null: as fast as they come). */
  setPace(bytesPerSecond: DownloadPaceCap): void {
    this.pace.set(bytesPerSecond);
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
    this.scheduler.want(files);
  }

  files(): FileStatus[] {
    return this.scheduler.files();
  }

  totals(): CacheStatus & { budget: number } {
    return { bytes: this.usedBytes(), files: this.stored.size, missing: this.scheduler.missing(), budget: this.budget };
  }

  cacheStatus(): CacheStatus {
    const { bytes, files, missing } = this.totals();
    return CacheStatus.parse({ bytes, files, missing, oldestMissingS: this.oldestMissingS() });
  }

  oldestMissingS(): number {
    return this.scheduler.oldestMissingS();
  }

  stop(): void {
    this.scheduler.stop();
  }

  /** Forgets every file (the `clear-cache` command) and fetches what is wanted again. */
  async clear(): Promise<void> {
    await this.scheduler.clear(async () => {
      const shas = new Set([...this.stored.keys(), ...this.partial.keys()]);
      this.stored.clear();
      this.partial.clear();
      await Promise.all([...shas].map((sha) => this.removeFiles(sha)));
    });
  }

  private usedBytes(): number {
    const reserved = this.scheduler.reserved;
    let sum = 0;
    for (const s of this.stored.values()) sum += s.bytes;
    for (const [sha, bytes] of this.partial) if (!reserved.has(sha)) sum += bytes;
    for (const bytes of reserved.values()) sum += bytes;
    return sum;
  }

  private async removeFiles(sha: string): Promise<void> {
    await Promise.all([rm(verifiedPath(this.folder, sha), { force: true }), rm(metaPath(this.folder, sha), { force: true }), rm(partPath(this.folder, sha), { force: true })]);
  }

  /** The files in the folder, as the scheduler sees its storage. */
  private storage(): DownloadStorage<AbortController> {
    return {
      has: (sha) => this.stored.has(sha),
      keptBytes: (sha) => this.partial.get(sha) ?? 0,
      storedBytes: (sha) => this.stored.get(sha)?.bytes ?? null,
      budget: () => this.budget,
      makeRoom: (file) => this.makeRoom(file),
      download: async (file, attempt) => {
        await downloadToFile(this.folder, file, {
          signal: attempt.controller.signal,
          stallMs: this.options.stallMs,
          pace: this.pace,
          fetch: this.options.fetch,
          onStep: (waitingFor) => attempt.step(waitingFor),
          onProgress: (done, total) => {
            if (!attempt.abandoned) this.partial.set(file.sha256, done);
            attempt.progress(done, total);
          },
        });
        const info = await stat(verifiedPath(this.folder, file.sha256));
        this.partial.delete(file.sha256);
        this.stored.set(file.sha256, { bytes: info.size, lastUsed: Date.now() });
      },
      retryKind: (error) => (error instanceof DownloadError ? error.retry : 'soon'),
      failed: async (file, status, attempt) => {
        if (attempt.abandoned) return;
        // What is kept on disk after the attempt (a refusal deletes it; a cut keeps it).
        const kept = await stat(partPath(this.folder, file.sha256)).then((i) => i.size, () => 0);
        if (kept > 0) this.partial.set(file.sha256, kept);
        else this.partial.delete(file.sha256);
        status.done = kept;
      },
    };
  }

  /**
   * Frees room for `file` within the budget and reserves it; answers whether there is room.
   * Decided at once (no await between the sums and the reservation); files go first from the
   * store's records, their bytes from the disk just after.
   */
  private makeRoom(file: PlannedFile & { bytes: number }): boolean {
    const kept = this.partial.get(file.sha256) ?? 0;
    const needed = this.usedBytes() - kept + file.bytes - this.budget;
    if (needed > 0) {
      const order = new Map(this.scheduler.wanted.map((f, i) => [f.sha256, i] as const));
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
    this.scheduler.reserve(file.sha256, file.bytes);
    return true;
  }

  private evict(sha: string): void {
    this.stored.delete(sha);
    void this.removeFiles(sha).catch(() => {});
    this.scheduler.requeue(sha);
  }
}
