import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256For, THREAD_FROM_BYTES } from '../../src/main/sha256Thread.js';

/** The download's SHA-256, on its own thread for a large file: the same digest as node:crypto over the same bytes, whatever the chunks. */

async function digestInChunks(bytes: Buffer, plannedSize: number | null, chunkSizes: readonly number[]): Promise<string> {
  const hash = sha256For(plannedSize);
  try {
    let at = 0;
    for (let k = 0; at < bytes.length; k++) {
      const size = chunkSizes[k % chunkSizes.length]!;
      // The caller reuses its buffer as soon as update() resolves: the thread must have taken a copy.
      const chunk = Buffer.from(bytes.subarray(at, at + size));
      await hash.update(chunk);
      chunk.fill(0);
      at += size;
    }
    return await hash.digest();
  } finally {
    hash.dispose();
  }
}

describe('SHA-256 of a download', () => {
  it('a large file (on a thread, with its queue full more than once): the digest of the bytes, in order', async () => {
    const bytes = randomBytes(THREAD_FROM_BYTES * 3 + 12_345);
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(await digestInChunks(bytes, bytes.length, [1024 * 1024, 65_536, 7, 3 * 1024 * 1024])).toBe(expected);
    // Size unknown: on a thread too.
    expect(await digestInChunks(bytes, null, [2 * 1024 * 1024])).toBe(expected);
  });

  it('a small file (hashed in place): the same digest', async () => {
    const bytes = randomBytes(200_000);
    expect(await digestInChunks(bytes, bytes.length, [16_384, 1])).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('a different byte gives a different digest (the thread hashes what it is given, not a stale buffer)', async () => {
    const bytes = randomBytes(THREAD_FROM_BYTES + 1);
    const other = Buffer.from(bytes);
    other[other.length - 1] = other[other.length - 1]! ^ 1;
    expect(await digestInChunks(other, other.length, [1024 * 1024])).not.toBe(await digestInChunks(bytes, bytes.length, [1024 * 1024]));
  });
});
