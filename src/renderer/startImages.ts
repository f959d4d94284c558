import { dataUrlOf } from './blobDataUrl.js';
import { TimerSlot, type Disposable } from './disposables.js';
import { pageStorage } from './pageStorage.js';
import { parseStartImage, START_IMAGE_KEY_PREFIX, START_IMAGE_MAX_BYTES, START_IMAGES_MAX_BYTES, startImageKey, type StartFile } from '../shared/startMedia.js';


/**
 * The copies follow the list this long after it changed: the list changes as an item begins, and
 * reading, encoding (up to 1.33 M characters) and storing a copy is the page's own work, kept out
 * of the item's entrance.
 */
export const START_IMAGES_DELAY_MS = 2_000;

export interface StartImagesOptions {
  /** Where the copies are kept (the page's localStorage; null: nowhere, nothing done). */
  storage?: Storage | null;
  /** A blob as a data URL (FileReader). */
  encode?: (blob: Blob) => Promise<string>;
  delayMs?: number;
}

/**
 * The web player's copies of its start frame images (src/shared/startMedia.ts, START_IMAGE_KEY_PREFIX):
 * each playlist zone's start file that is an image, kept in localStorage as a data URL so that the
 * next start paints it before IndexedDB is even open (startFrame.ts). Follows the list ScreenLayout
 * writes: a copy made for each image in it (in zone order, within START_IMAGE_MAX_BYTES a file and
 * START_IMAGES_MAX_BYTES in all, the copies already kept counted first), the others removed.
 *
 * Only the files of the list are kept (not the rotation's others, which would save rewriting one
 * at each item): each copy is loaded at every start, with the rest of localStorage. Chromium writes
 * localStorage to disk at a limited rate (about 10 MB an hour): with copies rewritten at each item,
 * what is on disk may be some minutes old after a power cut: an older list is only a wrong guess,
 * painted until the zone's first item is on screen, and a file named with no copy beside it is
 * read from IndexedDB.
 *
 * Nothing is done before `start()` (the player calls it once its first item is on screen, or after
 * the deferred code's fallback: a fresh start's files are not read back while it shows its first),
 * and one update at a time, START_IMAGES_DELAY_MS after the list changed, the latest list
 * winning. A copy that cannot be made (the file gone, storage full) is only a slower start frame;
 * nothing here is ever a reason to show less.
 */
export class StartImages implements Disposable {
  private wanted: readonly StartFile[] = [];
  private started = false;
  private running = false;
  /** The list changed (or the copies were cleared) since the update under way began. */
  private again = false;
  private disposed = false;
  private readonly delay = new TimerSlot();
  private readonly storage: Storage | null;
  private readonly encode: (blob: Blob) => Promise<string>;
  private readonly delayMs: number;
  /** Why the last update stopped short (storage full): null when it went through. */
  lastError: string | null = null;

  constructor(
    /** A cached file's bytes (null when it is not there). */
    private readonly read: (sha256: string) => Promise<Blob | null>,
    options: StartImagesOptions = {},
  ) {
    this.storage = options.storage === undefined ? pageStorage() : options.storage;
    this.encode = options.encode ?? dataUrlOf;
    this.delayMs = options.delayMs ?? START_IMAGES_DELAY_MS;
  }

  /** An update is scheduled or under way. */
  get busy(): boolean {
    return this.running || this.delay.armed;
  }

  /** The zones' start files as ScreenLayout just wrote them. */
  keep(files: readonly StartFile[]): void {
    this.wanted = files;
    this.schedule();
  }

  /** From now on the copies follow the list. */
  start(): void {
    this.started = true;
    this.schedule();
  }

  /**
   * Every copy removed now (the `clear-cache` command: media only, and these are media). An update
   * under way writes nothing more; the next one reads the cache as it is then.
   */
  clear(): void {
    if (!this.storage) return;
    for (const key of keysOf(this.storage)) this.storage.removeItem(key);
    this.again = true;
    this.schedule();
  }

  /** An update under way writes nothing more (it stops at its next step); none is scheduled. */
  dispose(): void {
    this.disposed = true;
    this.delay.dispose();
  }

  private schedule(): void {
    if (!this.started || this.disposed || !this.storage) return;
    this.again = true;
    // Not pushed back by each change (items of a second or two would put the copies off for good): the latest list then.
    if (!this.delay.armed) this.delay.arm(() => this.update(), this.delayMs);
  }

  private update(): void {
    if (this.running || this.disposed) return; // the update under way sees `again` and goes on
    this.running = true;
    void this.updateUntilCurrent();
  }

  private async updateUntilCurrent(): Promise<void> {
    // `running` is cleared in the same step that finds nothing more to do: a change after it schedules an update of its own.
    while (this.again && !this.disposed) {
      this.again = false;
      try {
        await this.updateOnce(this.storage!, this.wanted);
        this.lastError = null;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
      }
    }
    this.running = false;
  }

  private async updateOnce(storage: Storage, files: readonly StartFile[]): Promise<void> {
    const images = [...new Set(files.filter((file) => !file.video && file.box).map((file) => file.sha256))];
    const wanted = new Set(images.map(startImageKey));
    for (const key of keysOf(storage)) if (!wanted.has(key)) storage.removeItem(key);
    // The copies kept (and sound) counted first, wherever their zone is in the list; a damaged one is made again.
    let room = START_IMAGES_MAX_BYTES;
    const missing: string[] = [];
    for (const sha256 of images) {
      const key = startImageKey(sha256);
      const kept = parseStartImage(storage.getItem(key));
      if (kept !== null) room -= bytesOf(kept);
      else {
        storage.removeItem(key);
        missing.push(sha256);
      }
    }
    for (const sha256 of missing) {
      if (room <= 0) return;
      const blob = await this.read(sha256);
      if (this.disposed || this.again) return;
      // Gone from the cache, not an image, too large for a copy: its frame is read from IndexedDB.
      if (!blob || !blob.type.startsWith('image/') || blob.size > START_IMAGE_MAX_BYTES || blob.size > room) continue;
      const copy = await this.encode(blob);
      if (this.disposed || this.again) return;
      try {
        storage.setItem(startImageKey(sha256), copy);
        room -= blob.size;
      } catch (error) {
        // Storage full: the copies made so far stay; the others' frames are read from IndexedDB.
        throw new Error(`start image ${sha256.slice(0, 12)}… not copied: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/** The keys of the copies kept now. */
function keysOf(storage: Storage): string[] {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(START_IMAGE_KEY_PREFIX)) keys.push(key);
  }
  return keys;
}

/** The bytes a data URL holds (its base64 payload's length × 3/4). */
function bytesOf(copy: string): number {
  const payload = copy.length - copy.indexOf(',') - 1;
  return Math.floor((payload * 3) / 4);
}
