import { describe, expect, it, vi } from 'vitest';
import { StartImages } from '../../src/renderer/startImages.js';
import { START_IMAGE_KEY_PREFIX, START_IMAGE_MAX_BYTES, START_IMAGES_MAX_BYTES, startImageKey, type StartFile } from '../../src/shared/startMedia.js';

/** localStorage's interface over a Map, with the browser's quota error past `quota` characters. */
class MemoryStorage implements Storage {
  readonly items = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    const used = [...this.items].reduce((sum, [k, v]) => sum + (k === key ? 0 : k.length + v.length), 0);
    if (used + key.length + value.length > this.quota) throw new DOMException(`Setting the value of '${key}' exceeded the quota.`, 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
}

/** FileReader's data URL, in Node. */
const encode = async (blob: Blob): Promise<string> => `data:${blob.type};base64,${Buffer.from(await blob.arrayBuffer()).toString('base64')}`;

const sha = (n: number): string => n.toString(16).padStart(64, '0');
const BOX = { x: 0, y: 0, width: 100, height: 100 };
const image = (zone: string, n: number): StartFile => ({ zone, sha256: sha(n), video: false, box: BOX });

/** A cache of files by number: `bytes` long, of `type`. */
function cacheOf(files: Record<number, { bytes: number; type?: string }>): { read(sha256: string): Promise<Blob | null>; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: async (sha256) => {
      reads.push(sha256);
      const file = files[Number.parseInt(sha256, 16)];
      return file ? new Blob([new Uint8Array(file.bytes).fill(7)], { type: file.type ?? 'image/jpeg' }) : null;
    },
  };
}

/** The copies kept: file number → its bytes' length. */
function kept(storage: MemoryStorage): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [key, value] of storage.items) {
    if (!key.startsWith(START_IMAGE_KEY_PREFIX)) continue;
    out[Number.parseInt(key.slice(START_IMAGE_KEY_PREFIX.length), 16)] = Buffer.from(value.slice(value.indexOf(',') + 1), 'base64').length;
  }
  return out;
}

async function settled(images: StartImages): Promise<void> {
  for (let k = 0; k < 200 && (k === 0 || images.busy); k++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(images.busy).toBe(false);
}

describe('StartImages: copies of the start frame images beside the list', () => {
  it('copies nothing before start(), then each image of the list, its very bytes', async () => {
    const storage = new MemoryStorage();
    const cache = cacheOf({ 1: { bytes: 1_000 }, 2: { bytes: 2_000, type: 'image/png' } });
    const images = new StartImages(cache.read, { storage, encode, delayMs: 0 });
    images.keep([image('main', 1), image('side', 2)]);
    await settled(images);
    expect(cache.reads).toEqual([]);
    images.start();
    await settled(images);
    expect(kept(storage)).toEqual({ 1: 1_000, 2: 2_000 });
    expect(images.lastError).toBeNull();
    expect(storage.getItem(startImageKey(sha(2)))).toMatch(/^data:image\/png;base64,/);
  });

  it('keeps no copy of a video, a file without a box, a file not an image, one too large, or one gone from the cache', async () => {
    const storage = new MemoryStorage();
    const cache = cacheOf({ 1: { bytes: 10 }, 2: { bytes: 10 }, 3: { bytes: 10, type: 'video/mp4' }, 4: { bytes: START_IMAGE_MAX_BYTES + 1 }, 6: { bytes: START_IMAGE_MAX_BYTES } });
    const images = new StartImages(cache.read, { storage, encode, delayMs: 0 });
    images.start();
    images.keep([{ zone: 'a', sha256: sha(1), video: true, box: BOX }, { zone: 'b', sha256: sha(2), video: false }, image('c', 3), image('d', 4), image('e', 5), image('f', 6)]);
    await settled(images);
    expect(kept(storage)).toEqual({ 6: START_IMAGE_MAX_BYTES });
  });

  it('stays within the copies’ total, in zone order, and reads nothing once it is reached', async () => {
    const storage = new MemoryStorage();
    const big = START_IMAGE_MAX_BYTES;
    const cache = cacheOf({ 1: { bytes: big }, 2: { bytes: START_IMAGES_MAX_BYTES - big + 1 }, 3: { bytes: START_IMAGES_MAX_BYTES - big } });
    const images = new StartImages(cache.read, { storage, encode, delayMs: 0 });
    images.start();
    images.keep([image('main', 1), image('side', 2), image('third', 3)]);
    await settled(images);
    // The second would pass the total by one byte; the third fits.
    expect(kept(storage)).toEqual({ 1: big, 3: START_IMAGES_MAX_BYTES - big });
    // Again, with two more: the copies kept are counted first, the total is reached, nothing more is read.
    cache.reads.length = 0;
    images.keep([image('main', 1), image('side', 2), image('third', 3), image('fourth', 4)]);
    await settled(images);
    expect(cache.reads).toEqual([]);
    expect(kept(storage)).toEqual({ 1: big, 3: START_IMAGES_MAX_BYTES - big });
  });

  it('removes the copies of files the list no longer names, and leaves the other keys alone', async () => {
    const storage = new MemoryStorage();
    storage.setItem('antichambre:start-media', '{}');
    const cache = cacheOf({ 1: { bytes: 10 }, 2: { bytes: 20 } });
    const images = new StartImages(cache.read, { storage, encode, delayMs: 0 });
    images.start();
    images.keep([image('main', 1)]);
    await settled(images);
    images.keep([image('main', 2)]);
    await settled(images);
    expect(kept(storage)).toEqual({ 2: 20 });
    expect(storage.getItem('antichambre:start-media')).toBe('{}');
  });

  it('the latest list wins: an update under way stops and follows it', async () => {
    const storage = new MemoryStorage();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const cache = cacheOf({ 1: { bytes: 10 }, 2: { bytes: 20 } });
    const images = new StartImages(
      async (sha256) => {
        if (sha256 === sha(1)) await held;
        return cache.read(sha256);
      },
      { storage, encode, delayMs: 0 },
    );
    const written: string[] = [];
    const setItem = storage.setItem.bind(storage);
    storage.setItem = (key, value) => (written.push(key), setItem(key, value));
    images.start();
    images.keep([image('main', 1)]);
    // The update under way is reading file 1 when the list changes.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(cache.reads).toEqual([]);
    images.keep([image('main', 2)]);
    release();
    await settled(images);
    // File 1's copy, read while the list changed, was never written.
    expect(written).toEqual([startImageKey(sha(2))]);
    expect(kept(storage)).toEqual({ 2: 20 });
  });

  it('storage full: the copies made so far stay, the error is kept, and nothing is thrown', async () => {
    const storage = new MemoryStorage(5_000);
    const cache = cacheOf({ 1: { bytes: 1_000 }, 2: { bytes: 3_000 } });
    const images = new StartImages(cache.read, { storage, encode, delayMs: 0 });
    images.start();
    images.keep([image('main', 1), image('side', 2)]);
    await settled(images);
    expect(kept(storage)).toEqual({ 1: 1_000 });
    expect(images.lastError).toMatch(/^start image 000000000000… not copied: Setting the value of 'antichambre:start-image:0+2' exceeded the quota\.$/);
  });

  it('clear() removes every copy, and an update under way writes nothing it read before', async () => {
    const storage = new MemoryStorage();
    const files: Record<number, { bytes: number }> = { 1: { bytes: 10 }, 2: { bytes: 20 } };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const cache = cacheOf(files);
    let hold = false;
    const images = new StartImages(
      async (sha256) => {
        // The bytes read before the cache is cleared, handed over after.
        const blob = await cache.read(sha256);
        if (hold) await held;
        return blob;
      },
      { storage, encode, delayMs: 0 },
    );
    images.start();
    images.keep([image('main', 1)]);
    await settled(images);
    expect(kept(storage)).toEqual({ 1: 10 });
    // The media cache cleared while a copy of file 2 is being read.
    hold = true;
    images.keep([image('main', 1), image('side', 2)]);
    delete files[1];
    delete files[2];
    images.clear();
    expect(kept(storage)).toEqual({});
    release();
    await settled(images);
    expect(kept(storage)).toEqual({});
  });

  it('counts the copies already kept first, wherever their zone is in the list', async () => {
    const storage = new MemoryStorage();
    const big = START_IMAGE_MAX_BYTES;
    const cache = cacheOf({ 1: { bytes: big }, 2: { bytes: big } });
    const images = new StartImages(cache.read, { storage, encode, delayMs: 0 });
    images.start();
    images.keep([image('side', 2)]);
    await settled(images);
    expect(kept(storage)).toEqual({ 2: big });
    // File 1 comes first in the list now: made after counting file 2's copy, it would pass the total.
    images.keep([image('main', 1), image('side', 2)]);
    await settled(images);
    expect(kept(storage)).toEqual({ 2: big });
  });

  it('a damaged copy is made again from the cache', async () => {
    const storage = new MemoryStorage();
    const cache = cacheOf({ 1: { bytes: 10 } });
    const images = new StartImages(cache.read, { storage, encode, delayMs: 0 });
    storage.setItem(startImageKey(sha(1)), 'bonjour');
    images.start();
    images.keep([image('main', 1)]);
    await settled(images);
    expect(kept(storage)).toEqual({ 1: 10 });
    expect(storage.getItem(startImageKey(sha(1)))).toMatch(/^data:image\/jpeg;base64,/);
  });

  it('reads nothing until the delay after the list changed, then the latest list', async () => {
    const storage = new MemoryStorage();
    const cache = cacheOf({ 1: { bytes: 10 }, 2: { bytes: 10 } });
    // Timers faked: on a busy machine (CI), real sleeps of 40 and 20 ms overran the 80 ms delay.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const images = new StartImages(cache.read, { storage, encode, delayMs: 80 });
    try {
      images.start();
      images.keep([image('main', 1)]);
      await vi.advanceTimersByTimeAsync(40);
      images.keep([image('main', 2)]);
      await vi.advanceTimersByTimeAsync(39);
      // 79 ms after the first list: nothing read yet; at 80 the update begins (not put off by the second list).
      expect(cache.reads).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
    } finally {
      vi.useRealTimers();
    }
    await settled(images);
    expect(cache.reads).toEqual([sha(2)]);
    expect(kept(storage)).toEqual({ 2: 10 });
  });

  it('a list that keeps changing does not put the copies off for good', async () => {
    const storage = new MemoryStorage();
    const cache = cacheOf({ 1: { bytes: 10 }, 2: { bytes: 10 } });
    const images = new StartImages(cache.read, { storage, encode, delayMs: 60 });
    images.start();
    // A new list every 20 ms for 300 ms (items of a moment): copies are made meanwhile.
    for (let k = 0; k < 15; k++) {
      images.keep([image('main', 1 + (k % 2))]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(cache.reads.length).toBeGreaterThan(0);
    await settled(images);
    // The last list (file 1, k = 14) is the one kept.
    expect(kept(storage)).toEqual({ 1: 10 });
  });

  it('disposed during an update, writes nothing more', async () => {
    const storage = new MemoryStorage();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const cache = cacheOf({ 1: { bytes: 10 } });
    const images = new StartImages(
      async (sha256) => {
        await held;
        return cache.read(sha256);
      },
      { storage, encode, delayMs: 0 },
    );
    images.start();
    images.keep([image('main', 1)]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    images.dispose();
    release();
    await settled(images);
    expect(kept(storage)).toEqual({});
  });

  it('once disposed, does nothing more', async () => {
    const storage = new MemoryStorage();
    const cache = cacheOf({ 1: { bytes: 10 } });
    const images = new StartImages(cache.read, { storage, encode, delayMs: 0 });
    images.start();
    images.dispose();
    images.keep([image('main', 1)]);
    await settled(images);
    expect(cache.reads).toEqual([]);
    expect(kept(storage)).toEqual({});
  });
});
