import type { Disposable } from './disposables.js';
import { START_IMAGE_KEY_PREFIX, START_IMAGE_MAX_BYTES, START_IMAGES_MAX_BYTES, startImageKey, type StartFile } from '../shared/startMedia.js';

/** A blob's bytes as a data URL (the browser's FileReader: encoded off the page's script). */
export function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => (typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error('FileReader gave no text')));
    reader.onerror = () => reject(reader.error ?? new Error('FileReader failed'));
    reader.readAsDataURL(blob);
  });
}

/** The origin's localStorage, or null where the page may not use it (a policy, a private window). */
function pageStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * The web player's copies of its start frame images (src/shared/startMedia.ts, START_IMAGE_KEY_PREFIX):
 * each playlist zone's start file that is an image, kept in localStorage as a data URL so that the
 * next start paints it before IndexedDB is even open (startFrame.ts). Follows the list ScreenLayout
 * writes: a copy made for each image in it (in zone order, within the size limits), the others removed.
 *
 * Only the files of the list are kept (not the rotation's others, which would save rewriting one
 * at each item): each copy is loaded at every start, with the rest of localStorage.
 *
 * Nothing is done before `start()` (the player calls it once its first item is on screen: a fresh
 * start's files are not read back while it is showing its first), and one update at a time, the
 * latest list winning. A copy that cannot be made (the file gone, storage full) is only a slower
 * start frame; nothing here is ever a reason to show less.
 */
export class StartImages implements Disposable {
  private wanted: readonly StartFile[] = [];
  private started = false;
  private running = false;
  private again = false;
  private disposed = false;
  /** The last update's outcome (tests and the console read it): null until one ran. */
  lastError: string | null = null;

  constructor(
    /** A cached file's bytes (null when it is not there). */
    private readonly read: (sha256: string) => Promise<Blob | null>,
    private readonly storage: Storage | null = pageStorage(),
    private readonly encode: (blob: Blob) => Promise<string> = dataUrlOf,
  ) {}

  /** The zones' start files as ScreenLayout just wrote them. */
  keep(files: readonly StartFile[]): void {
    this.wanted = files;
    this.update();
  }

  /** From now on the copies follow the list. */
  start(): void {
    this.started = true;
    this.update();
  }

  /**
   * Every copy removed now (the `clear-cache` command: media only, and these are media). An update
   * under way writes nothing more and starts again, from the cache as it is now.
   */
  clear(): void {
    if (!this.storage) return;
    for (const key of keysOf(this.storage)) this.storage.removeItem(key);
    if (this.running) this.again = true;
  }

  /** A running update finishes its current file, then stops. */
  dispose(): void {
    this.disposed = true;
  }

  private update(): void {
    if (!this.started || this.disposed || !this.storage) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.updateUntilCurrent().finally(() => (this.running = false));
  }

  private async updateUntilCurrent(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.updateOnce(this.storage!, this.wanted);
        this.lastError = null;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
      }
    } while (this.again && !this.disposed);
  }

  private async updateOnce(storage: Storage, files: readonly StartFile[]): Promise<void> {
    const images = [...new Set(files.filter((file) => !file.video && file.box).map((file) => file.sha256))];
    const wanted = new Set(images.map(startImageKey));
    for (const key of keysOf(storage)) if (!wanted.has(key)) storage.removeItem(key);
    let room = START_IMAGES_MAX_BYTES;
    for (const sha256 of images) {
      if (this.disposed || this.again) return;
      const key = startImageKey(sha256);
      const kept = storage.getItem(key);
      if (kept !== null) {
        room -= bytesOf(kept);
        continue;
      }
      if (room <= 0) continue; // full: only copies already kept may still be counted
      const blob = await this.read(sha256);
      if (this.disposed || this.again) return;
      // Gone from the cache, not an image, too large for a copy: its frame is read from IndexedDB.
      if (!blob || !blob.type.startsWith('image/') || blob.size > START_IMAGE_MAX_BYTES || blob.size > room) continue;
      const copy = await this.encode(blob);
      if (this.disposed || this.again) return;
      try {
        storage.setItem(key, copy);
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
