import { BundleIndex } from '../shared/bundle.js';
import { filesOf, mapSources, Playlist } from '../shared/playlist.js';
import { formatIssues } from '../shared/validationError.js';
import { StoredSet, type PlayerDb } from './db.js';
import { sha256OfBlob } from './sha256.js';

/**
 * First start with no hub: copy the playlists bundled with the player, and their media,
 * into IndexedDB. From then on the player plays from IndexedDB only; the bundle is read
 * again only to notice a newer one shipped with an update.
 */

export interface ImportReport {
  /** The set now stored, or null when the bundle was not (or could not be) imported. */
  stored: StoredSet | null;
  errors: string[];
}

async function fetchJson(url: URL): Promise<unknown> {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response.json();
}

export async function importBundle(db: PlayerDb, appBase: URL, wanted: string | undefined): Promise<ImportReport> {
  const errors: string[] = [];
  const indexUrl = new URL('playlists/bundles.json', appBase);
  const parsedIndex = BundleIndex.safeParse(await fetchJson(indexUrl));
  if (!parsedIndex.success) return { stored: null, errors: [`playlists/bundles.json: ${formatIssues(parsedIndex.error)}`] };
  const index = parsedIndex.data;
  let bundle = index.bundles.find((b) => b.id === (wanted ?? index.default));
  if (!bundle) {
    errors.push(`bundle "${wanted}" is not among ${index.bundles.map((b) => b.id).join(', ')}; playing "${index.default}"`);
    bundle = index.bundles.find((b) => b.id === index.default) ?? index.bundles[0]!;
  }

  const current = StoredSet.safeParse(await db.sets.get('current'));
  if (current.success && (current.data.source === 'hub' || current.data.revision === bundle.revision)) return { stored: null, errors };

  const playlists: Playlist[] = [];
  for (const path of bundle.playlists) {
    const url = new URL(path, indexUrl);
    const parsed = Playlist.safeParse(await fetchJson(url));
    if (!parsed.success) {
      errors.push(`${path}: ${formatIssues(parsed.error)}`);
      continue;
    }
    playlists.push(mapSources(parsed.data, (src) => new URL(src, url).href));
  }

  for (const playlist of playlists) {
    for (const item of playlist.items) {
      for (const file of filesOf(item)) {
        const error = await storeVerified(db, file.src, file.sha256.toLowerCase());
        if (error) errors.push(`${playlist.id}/${item.id}: ${error}`);
      }
    }
  }

  const stored: StoredSet = { key: 'current', source: 'bundle', revision: bundle.revision, playlists, storedAt: Date.now() };
  // A hub set may have arrived while the bundle was being copied: it wins.
  const written = await db.transaction('rw', db.sets, async () => {
    const now = await db.sets.get('current');
    if (now?.source === 'hub') return null;
    await db.sets.put(stored);
    return stored;
  });
  return { stored: written, errors };
}

/** Fetch a file, check its digest, store it by digest. Answers an error text, or null. */
async function storeVerified(db: PlayerDb, src: string, sha256: string): Promise<string | null> {
  if (await db.media.get(sha256)) return null;
  const response = await fetch(src);
  if (!response.ok) return `${src}: HTTP ${response.status}`;
  const blob = await response.blob();
  const actual = await sha256OfBlob(blob);
  if (actual !== sha256) return `${src}: sha256 is ${actual}, expected ${sha256}; file refused`;
  const now = Date.now();
  await db.media.put({ sha256, blob, bytes: blob.size, type: blob.type, storedAt: now, lastUsed: now });
  return null;
}
