import type { PlannedFile } from '../shared/mediaPlan.js';
import { MediaStoreStatus, missingFileErrors, type FileStatus } from '../shared/mediaStatus.js';
import { CacheStatus } from '../shared/protocol.js';
import type { PlayerBridge } from './configSource.js';
import type { PlayerDb } from './db.js';
import { deleteMedia, readMedia } from './mediaStore.js';
import type { CacheTotals, PlayerMedia } from './playerMedia.js';
import { DisposableStore } from './disposables.js';
import { Listeners } from './listeners.js';
import type { DownloadPaceCap } from '../shared/downloadPace.js';

/**
 * The kiosk's media cache, as the page sees it: the main process fetches the files (no CORS
 * rule there) into its file store and serves the verified ones as app://media/<sha256> (the
 * base its status names); the
 * page hands it what is wanted and reads its status through the preload bridge, every answer
 * checked. A kiosk updated from a version that cached in IndexedDB keeps showing those files
 * from IndexedDB until the file store has each of them, then forgets that copy: no blank screen.
 */

const POLL_MS = 1_000;

/** The part of the preload bridge the file store answers on. */
export interface KioskMediaBridge {
  mediaWant(files: unknown): Promise<unknown>;
  mediaStatus(): Promise<unknown>;
  mediaClear(): Promise<unknown>;
  /** Absent in a kiosk from before the pace: its downloads are not paced. */
  mediaPace?(bytesPerSecond: number | null): Promise<unknown>;
}

/** The bridge's media calls, or null in the web player (no bridge) or an older kiosk without them. */
export function kioskMediaBridge(bridge: PlayerBridge | undefined): KioskMediaBridge | null {
  if (!bridge?.mediaWant || !bridge.mediaStatus || !bridge.mediaClear) return null;
  const { mediaWant, mediaStatus, mediaClear, mediaPace } = bridge;
  return { mediaWant: (files) => mediaWant(files), mediaStatus: () => mediaStatus(), mediaClear: () => mediaClear(), ...(mediaPace ? { mediaPace: (cap: number | null) => mediaPace(cap) } : {}) };
}

export class KioskMediaCache implements PlayerMedia {
  private status: MediaStoreStatus = { base: 'app://media', files: [], ready: [], bytes: 0, count: 0, missing: 0, budget: null, oldestMissingS: 0 };
  private readonly ready = new Set<string>();
  /** Files an older version cached in IndexedDB, shown from there until the file store has them. */
  private readonly legacy = new Set<string>();
  private readonly readyListeners = new Listeners<[sha256: string]>();
  private readonly settledListeners = new Listeners();
  private readonly changeListeners = new Listeners();
  /** The file store's poll: disposed with the cache. */
  private readonly owned = new DisposableStore();
  private lastFiles = '';
  private bridgeError: string | null = null;

  constructor(
    private readonly bridge: KioskMediaBridge,
    private readonly db: PlayerDb,
    private readonly pollMs = POLL_MS,
  ) {}

  async init(): Promise<void> {
    for (const sha of await this.db.media.toCollection().primaryKeys()) this.legacy.add(sha);
    // Downloads an older version left half done in IndexedDB: the file store fetches them again.
    const halfDone = (await this.db.downloads.toCollection().primaryKeys()).filter((sha) => !this.legacy.has(sha));
    await Promise.all(halfDone.map((sha) => deleteMedia(this.db, sha).catch(() => {})));
    await this.refresh();
    this.owned.interval(() => void this.refresh(), this.pollMs);
  }

  want(files: PlannedFile[]): void {
    void this.bridge
      .mediaWant(files)
      .then(() => this.refresh())
      .catch((error: unknown) => this.bridgeFailed(error));
  }

  isReady(sha256: string): boolean {
    const sha = sha256.toLowerCase();
    return this.ready.has(sha) || this.legacy.has(sha);
  }

  hasFailed(sha256: string): boolean {
    const sha = sha256.toLowerCase();
    if (this.isReady(sha)) return false;
    const s = this.status.files.find((f) => f.sha256 === sha);
    return s !== undefined && s.attempts > 0 && s.state !== 'downloading';
  }

  files(): FileStatus[] {
    // A file still shown from IndexedDB is ready for the screen, while the file store fetches it.
    return this.status.files.map((f) => (this.legacy.has(f.sha256) && f.state !== 'ready' ? { ...f, state: 'ready' as const, error: undefined } : { ...f }));
  }

  async totals(): Promise<CacheTotals> {
    const missing = this.status.files.filter((f) => !this.isReady(f.sha256)).length;
    return { bytes: this.status.bytes, files: this.status.count, missing, budget: this.status.budget ?? Infinity };
  }

  async cacheStatus(): Promise<CacheStatus> {
    const { bytes, files, missing } = await this.totals();
    const errors = missingFileErrors(this.status.files, (sha) => this.isReady(sha));
    return CacheStatus.parse({ bytes, files, missing, oldestMissingS: missing > 0 ? this.status.oldestMissingS : 0, ...(errors.length > 0 ? { errors } : {}) });
  }

  async mediaUrl(sha256: string, type?: string): Promise<string | null> {
    const sha = sha256.toLowerCase();
    if (this.ready.has(sha)) return `${this.status.base}/${sha}`;
    if (!this.legacy.has(sha)) return null;
    const blob = await readMedia(this.db, sha);
    return blob ? URL.createObjectURL(type ? new Blob([blob], { type }) : blob) : null;
  }

  onReady(listener: (sha256: string) => void): () => void {
    return this.readyListeners.subscribe(listener);
  }

  onSettled(listener: () => void): () => void {
    return this.settledListeners.subscribe(listener);
  }

  onChange(listener: () => void): () => void {
    return this.changeListeners.subscribe(listener);
  }

  /** IndexedDB holds only the records here (and the copies of an older version): those copies go first. */
  async freeForRecords(): Promise<boolean> {
    const copies = [...this.legacy].sort((a, b) => Number(!this.ready.has(a)) - Number(!this.ready.has(b)));
    const first = copies[0];
    if (first === undefined) return false;
    await this.forgetLegacy(first);
    return true;
  }

  setPace(bytesPerSecond: DownloadPaceCap): void {
    this.bridge.mediaPace?.(bytesPerSecond).catch((error: unknown) => this.bridgeFailed(error));
  }

  async clear(): Promise<void> {
    await this.bridge.mediaClear();
    await Promise.all([...this.legacy].map((sha) => this.forgetLegacy(sha)));
    this.ready.clear();
    await this.refresh();
  }

  dispose(): void {
    this.owned.dispose();
  }

  /** Asks the file store how things stand; tells the listeners what changed. */
  async refresh(): Promise<void> {
    if (this.owned.isDisposed) return;
    let answer: unknown;
    try {
      answer = await this.bridge.mediaStatus();
    } catch (error) {
      this.bridgeFailed(error);
      return;
    }
    const parsed = MediaStoreStatus.safeParse(answer);
    if (!parsed.success) {
      this.bridgeFailed(new Error('media status: unexpected answer from the bridge'));
      return;
    }
    this.bridgeError = null;
    const before = new Map(this.status.files.map((f) => [f.sha256, f.state] as const));
    this.status = parsed.data;
    const fresh = parsed.data.ready.filter((sha) => !this.ready.has(sha));
    const nowReady = new Set(parsed.data.ready);
    for (const sha of [...this.ready]) if (!nowReady.has(sha)) this.ready.delete(sha); // evicted or cleared
    for (const sha of fresh) this.ready.add(sha);
    const settled = parsed.data.files.some((f) => before.get(f.sha256) === 'downloading' && f.state !== 'downloading');
    const files = JSON.stringify(parsed.data.files);
    const changed = files !== this.lastFiles || fresh.length > 0;
    this.lastFiles = files;
    for (const sha of fresh) {
      // The file store has it now: the page shows it from there, and the old copy goes.
      if (this.legacy.has(sha)) void this.forgetLegacy(sha);
      else this.readyListeners.notify(sha);
    }
    if (changed) this.changeListeners.notify();
    if (settled || fresh.length > 0) this.settledListeners.notify();
  }

  private async forgetLegacy(sha: string): Promise<void> {
    this.legacy.delete(sha);
    await deleteMedia(this.db, sha).catch(() => {});
  }

  private bridgeFailed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== this.bridgeError) console.warn(`[antichambre] media store: ${message}`);
    this.bridgeError = message;
  }
}
