/**
 * Where the bundled playlists' index is and how its files are fetched: shared by the player's
 * bundle import (bundleImport.ts, bundleIndexFetch.ts) and the start frame script (startFrame.ts,
 * which asks for a fresh start's bundle files before the player's code runs). No side effects,
 * no imports: the start frame script bundles it.
 */

/** Where the bundled playlists' index is, next to the page. */
export function bundleIndexUrl(appBase: URL | string): URL {
  return new URL('playlists/bundles.json', appBase);
}

/** Revalidated with the server at each start: an update ships a newer bundle. */
export const BUNDLE_FETCH: RequestInit = { cache: 'no-cache' };
