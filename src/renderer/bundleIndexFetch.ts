/**
 * The bundled playlists' index (`playlists/bundles.json`), asked for as soon as this module is
 * evaluated (main.tsx imports it among the first), while the rest of the player's code is: every
 * start reads it (a fresh player imports the bundle, a player after an update notices a newer
 * one), and on a fresh player the first item waits for it.
 */

import { BUNDLE_FETCH, bundleIndexUrl } from './bundleFetch.js';

let early: { url: string; response: Promise<Response> } | null = null;

/**
 * A bundle file the start frame script asked for on a fresh start (its index, the playlists, layout
 * and power schedule of the bundle the page names), once; undefined when it did not.
 */
export function takeEarlyBundleFile(url: URL): Promise<Response> | undefined {
  return window.antichambreStart?.takeEarlyBundleFile(url.href);
}

/** Asks for the index now (or takes the start frame script's request for it); the importer takes the answer. */
function fetchBundleIndexEarly(appBase: string): void {
  const url = bundleIndexUrl(appBase);
  const response = takeEarlyBundleFile(url) ?? fetch(url, BUNDLE_FETCH);
  response.catch(() => {}); // taken, and its failure reported, by the importer
  early = { url: url.href, response };
}

/** The answer to the early request for `url`, once (undefined when it was not asked for early). */
export function takeEarlyBundleIndex(url: URL): Promise<Response> | undefined {
  if (early?.url !== url.href) return undefined;
  const { response } = early;
  early = null;
  return response;
}

fetchBundleIndexEarly(new URL('./', window.location.href).href);
