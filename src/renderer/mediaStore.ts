import type { PlayerDb, StoredPart } from './db.js';

/**
 * Verified files in IndexedDB: a `media` record per file and its bytes in `parts`. A file
 * is read back as one Blob made of its parts (no copy, nothing loaded into memory).
 */

export async function readMedia(db: PlayerDb, sha256: string): Promise<Blob | null> {
  // The record and its parts asked for side by side (one wait for the store, not two). Not in one
  // explicit transaction: Dexie would resolve it only once committed, a wait more. A part without
  // its record is never read as a file: the size must match the record's.
  const [media, parts] = await Promise.all([db.media.get(sha256), db.parts.where('sha256').equals(sha256).sortBy('offset') as Promise<StoredPart[]>]);
  if (!media) return null;
  const blob = new Blob(
    parts.map((p) => p.blob),
    { type: media.type },
  );
  return blob.size === media.bytes ? blob : null;
}

export async function touchMedia(db: PlayerDb, sha256: string, at: number): Promise<void> {
  await db.media.update(sha256, { lastUsed: at });
}

/** Removes a file, its parts and any download of it, in one transaction. */
export async function deleteMedia(db: PlayerDb, sha256: string): Promise<void> {
  await db.transaction('rw', db.media, db.parts, db.downloads, async () => {
    await db.media.delete(sha256);
    await db.parts.where('sha256').equals(sha256).delete();
    await db.downloads.delete(sha256);
  });
}

/** Bytes of verified files, and of downloads under way. */
export async function storedBytes(db: PlayerDb): Promise<{ media: number; partial: number; files: number }> {
  const [media, downloads] = await Promise.all([db.media.toArray(), db.downloads.toArray()]);
  return { media: media.reduce((sum, m) => sum + m.bytes, 0), partial: downloads.reduce((sum, d) => sum + d.bytesDone, 0), files: media.length };
}
