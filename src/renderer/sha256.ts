import { createSHA256 } from 'hash-wasm';

/**
 * SHA-256 of a Blob, read in slices so that a large video is never held in memory
 * at once. hash-wasm rather than crypto.subtle: it hashes incrementally and works on
 * plain-http pages, where crypto.subtle does not exist.
 */
export async function sha256OfBlob(blob: Blob, sliceBytes = 4 * 1024 * 1024): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  for (let offset = 0; offset < blob.size; offset += sliceBytes) {
    hasher.update(new Uint8Array(await blob.slice(offset, offset + sliceBytes).arrayBuffer()));
  }
  return hasher.digest('hex');
}
