import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { BundleIndex, BundleSource } from '../src/shared/bundle.js';
import { checkZonesOfSet, Layout } from '../src/shared/layout.js';
import { PowerSchedule } from '../src/shared/powerSchedule.js';
import { filesOf, isRemoteSrc, Playlist } from '../src/shared/playlist.js';
import { formatIssues } from '../src/shared/validationError.js';
import { z } from 'zod';

/**
 * Reads a playlists folder (`bundles.json`, the playlists it names, their media), checks
 * every playlist against the schema and every file against its sha256, and answers the
 * built `bundles.json` with a revision per bundle. Used by the web build and by tests.
 */

export interface BuiltBundle {
  index: BundleIndex;
  /** Every file to ship, relative to the folder. */
  files: string[];
  errors: string[];
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function buildBundle(dir: string): BuiltBundle {
  const errors: string[] = [];
  const sourcePath = join(dir, 'bundles.json');
  const source = BundleSource.safeParse(JSON.parse(readFileSync(sourcePath, 'utf8')));
  if (!source.success) throw new Error(`${sourcePath}: ${formatIssues(source.error)}`);
  const files = new Set<string>(['bundles.json']);
  if (existsSync(join(dir, 'playlist.schema.json'))) files.add('playlist.schema.json');
  const bundles = source.data.bundles.map((bundle) => {
    const hash = createHash('sha256');
    const playlists: Playlist[] = [];
    /** A file the bundle names, hashed into its revision and parsed with `schema`; null (with the error kept) when missing or invalid. */
    const read = <T,>(path: string, schema: z.ZodType<T>): { data: T; file: string } | null => {
      const file = join(dir, path);
      if (!existsSync(file)) {
        errors.push(`${path}: file not found (named by bundle ${bundle.id})`);
        return null;
      }
      const text = readFileSync(file, 'utf8');
      hash.update(text);
      files.add(path);
      const parsed = schema.safeParse(JSON.parse(text));
      if (!parsed.success) {
        errors.push(`${path}: ${formatIssues(parsed.error)}`);
        return null;
      }
      return { data: parsed.data, file };
    };
    for (const path of bundle.playlists) {
      const found = read(path, Playlist);
      if (!found) continue;
      const { data: playlist, file } = found;
      playlists.push(playlist);
      playlist.items.forEach((item, i) => {
        for (const media of filesOf(item)) {
          if (isRemoteSrc(media.src)) continue;
          const mediaPath = resolve(dirname(file), media.src);
          const rel = relative(dir, mediaPath);
          if (rel.startsWith('..')) {
            errors.push(`${path}: items[${i}].src: ${media.src} is outside the playlists folder`);
            continue;
          }
          if (!existsSync(mediaPath)) {
            errors.push(`${path}: items[${i}]: ${media.src} not found`);
            continue;
          }
          const actual = sha256File(mediaPath);
          if (actual !== media.sha256.toLowerCase()) errors.push(`${path}: items[${i}]: ${media.src} has sha256 ${actual}, the playlist says ${media.sha256}`);
          if (media.bytes !== undefined && media.bytes !== statSync(mediaPath).size) errors.push(`${path}: items[${i}]: ${media.src} is ${statSync(mediaPath).size} bytes, the playlist says ${media.bytes}`);
          files.add(rel.split('\\').join('/'));
        }
      });
    }
    // Its layouts (§6), checked like the playlists: each valid, each playlist's zone one of theirs.
    const layouts: Layout[] = [];
    for (const path of [bundle.layout, bundle.portraitLayout]) {
      if (path === undefined) continue;
      const parsed = read(path, Layout);
      if (!parsed) continue;
      layouts.push(parsed.data);
      const zoneIssues = z.object({}).superRefine((_, ctx) => checkZonesOfSet(playlists, parsed.data, ctx));
      const zones = zoneIssues.safeParse({});
      if (!zones.success) errors.push(`${path}: for bundle ${bundle.id}'s playlists: ${formatIssues(zones.error)}`);
    }
    // Its power schedule (when its screens sleep), checked like the rest.
    if (bundle.power !== undefined) read(bundle.power, PowerSchedule);
    if (bundle.portraitLayout && !bundle.layout) errors.push(`bundles.json: bundle ${bundle.id} has a portraitLayout without a layout`);
    if (layouts.length === 2) {
      const ids = (layout: Layout) => layout.zones.map((zone) => `${zone.id}:${zone.kind}`).sort().join(',');
      if (ids(layouts[0]!) !== ids(layouts[1]!)) errors.push(`${bundle.portraitLayout}: zones ${ids(layouts[1]!)} differ from ${bundle.layout}'s ${ids(layouts[0]!)} (a screen plays the same playlists either way up)`);
    }
    return { ...bundle, revision: `bundle-${bundle.id}-${hash.digest('hex').slice(0, 16)}` };
  });
  return { index: { ...source.data, bundles }, files: [...files].sort(), errors };
}

/** Every playlist file in the folder (recursively), for checks that cover them all. */
export function listPlaylistFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listPlaylistFiles(path));
    else if (entry.name.endsWith('.json') && !entry.name.endsWith('.layout.json') && !entry.name.endsWith('.power.json') && entry.name !== 'bundles.json' && entry.name !== 'playlist.schema.json') out.push(path);
  }
  return out.sort();
}
