/**
 * The bundled playlists' index (`playlists/bundles.json`), asked for as soon as this module is
 * evaluated (main.tsx imports it among the first), while the rest of the player's code is: every
 * start reads it (a fresh player imports the bundle, a player after an update notices a newer
 * one), and on a fresh player the first item waits for it.
 */

/** Where the bundled playlists' index is, next to the page. */
export function bundleIndexUrl(appBase: URL | string): URL {
  return new URL('playlists/bundles.json', appBase);
}

/** Revalidated with the server at each start: an update ships a newer bundle. */
export const BUNDLE_FETCH: RequestInit = { cache: 'no-cache' };

let early: { url: string; response: Promise<Response> } | null = null;

/** Asks for the index now; the importer takes the answer. */
function fetchBundleIndexEarly(appBase: string): void {
  const url = bundleIndexUrl(appBase).href;
  const response = fetch(url, BUNDLE_FETCH);
  response.catch(() => {}); // taken, and its failure reported, by the importer
  early = { url, response };
}

/** The answer to the early request for `url`, once (undefined when it was not asked for early). */
export function takeEarlyBundleIndex(url: URL): Promise<Response> | undefined {
  if (early?.url !== url.href) return undefined;
  const { response } = early;
  early = null;
  return response;
}

fetchBundleIndexEarly(new URL('./', window.location.href).href);
