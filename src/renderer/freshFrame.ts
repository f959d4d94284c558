/**
 * The start frame of a fresh player (nothing stored, nothing decided before: a new screen's first
 * start, or after its cache was cleared). Its first items come from its bundle, and the player's
 * own start shows them only once it has imported it (each file fetched, hashed, stored, read back).
 * This module, an entry of its own that the start frame script loads only on such a start
 * (startFrame.ts), paints them sooner: it reads the bundle (the read the player's start then takes:
 * bundleImport.ts's readBundleAhead, once per page), takes the zones' first decisions as the
 * player will (freshStartMedia: the same engine, the same rotation), fetches those images from the
 * bundle with their digest checked by the browser (`integrity`: a file that is not the playlist's
 * is refused, never painted) and hands them to the start frame script, which paints them in their
 * zones' boxes until each zone's first item is on screen, as it paints a warm start's.
 *
 * Its code is mostly the player's own (the schemas, the engine), in chunks the player's entry
 * imports too: a page fetches, compiles and evaluates them once.
 */
import { freshStartMedia } from '../shared/freshStart.js';
import { filesOf, type Playlist } from '../shared/playlist.js';
import { framedFiles } from '../shared/startMedia.js';
import { readBundleAhead } from './bundleImport.js';
import { loadConfig } from './configSource.js';

/** A file's digest (lowercase hex) as a subresource integrity value (`sha256-<base64>`). */
function integrityOf(sha256: string): string {
  const bytes = sha256.match(/../g)!.map((pair) => String.fromCharCode(Number.parseInt(pair, 16)));
  return `sha256-${btoa(bytes.join(''))}`;
}

/** Where the set's items take a file from (its URL, made absolute by the bundle's import), by digest. */
function sourcesByDigest(playlists: readonly Playlist[]): Map<string, string> {
  const sources = new Map<string, string>();
  for (const playlist of playlists) for (const item of playlist.items) for (const file of filesOf(item)) sources.set(file.sha256.toLowerCase(), file.src);
  return sources;
}

async function paintFreshFrame(): Promise<void> {
  const start = window.antichambreStart;
  if (!start) return;
  const { config } = await loadConfig();
  const ahead = await readBundleAhead(new URL('./', window.location.href), config.bundle, { width: window.innerWidth, height: window.innerHeight });
  const set = (await ahead.content)?.set;
  if (!set) return;
  const now = Date.now();
  const media = freshStartMedia(set, now, Intl.DateTimeFormat().resolvedOptions().timeZone);
  const sources = sourcesByDigest(set.playlists);
  await Promise.all(
    framedFiles(media, now).map(async (file) => {
      const src = sources.get(file.sha256);
      if (!src) return;
      const response = await fetch(src, { integrity: integrityOf(file.sha256) });
      if (!response.ok) return;
      start.paintFresh(file, URL.createObjectURL(await response.blob()));
    }),
  );
}

// A guess painted early: whatever fails here (an unreadable bundle, a file refused), the player's own start shows and says why.
paintFreshFrame().catch(() => {});
