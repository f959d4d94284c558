import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleIndex } from '../../src/shared/bundle.js';
import type { LayoutInput } from '../../src/shared/layout.js';
import type { PlaylistInput } from '../../src/shared/playlist.js';
import { sha256File } from '../../scripts/playlistBundle.js';
import { PLAYLISTS_DIR } from './bundled.js';

/** A bundled media file, with what a playlist item needs to name it. */
export function bundledMedia(name: string): { src: string; sha256: string } {
  return { src: `media/${name}`, sha256: sha256File(join(PLAYLISTS_DIR, 'media', name)) };
}

/**
 * A playlists folder served in place of the bundled one: one bundle made of `playlists`,
 * with the bundled media files they name copied beside them, and `layout` if given.
 */
export function makePlaylistsDir(playlists: PlaylistInput[], revision = `test-${Date.now()}`, layout?: LayoutInput): string {
  const dir = mkdtempSync(join(tmpdir(), 'antichambre-playlists-'));
  mkdirSync(join(dir, 'media'));
  const paths: string[] = [];
  for (const playlist of playlists) {
    const path = `${playlist.id}.json`;
    writeFileSync(join(dir, path), JSON.stringify(playlist));
    paths.push(path);
    for (const item of playlist.items) {
      const files = 'src' in item ? [item.src, ...((item.type === 'video' && item.captions?.map((c) => c.src)) || [])] : [];
      for (const src of files) if (src.startsWith('media/')) copyFileSync(join(PLAYLISTS_DIR, src), join(dir, src));
    }
  }
  const index: BundleIndex = { default: 'test', bundles: [{ id: 'test', name: 'Test', revision, playlists: paths }] };
  if (layout) {
    writeFileSync(join(dir, 'test.layout.json'), JSON.stringify(layout));
    index.bundles[0]!.layout = 'test.layout.json';
  }
  writeFileSync(join(dir, 'bundles.json'), JSON.stringify(index));
  return dir;
}
