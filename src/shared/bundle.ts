import { z } from 'zod';
import { Id } from './ids.js';

export { layoutPathFor } from './bundleFiles.js';

/**
 * `playlists/bundles.json`, written at build time: the playlists bundled with the player,
 * grouped in sets (one per kind of waiting room). Paths are relative to that file.
 */
const JsonPath = z.string().regex(/^[A-Za-z0-9._/-]+\.json$/, { error: 'expected a relative path to a .json file' });
const BundleEntry = z.object({
  id: Id,
  name: z.string(),
  playlists: z.array(JsonPath).min(1).max(200, { error: 'expected at most 200 playlist files' }),
  /** §6: the bundle's layout (a `.layout.json` file); absent, full screen. */
  layout: z.string().regex(/^[A-Za-z0-9._/-]+\.layout\.json$/, { error: 'expected a relative path to a .layout.json file' }).optional(),
  /** The layout used instead on a screen taller than wide (same zone ids as `layout`). */
  portraitLayout: z.string().regex(/^[A-Za-z0-9._/-]+\.layout\.json$/, { error: 'expected a relative path to a .layout.json file' }).optional(),
  /** Extension: when the screens of this bundle sleep (a `.power.json` file, src/shared/powerSchedule.ts); absent, always on. */
  power: z.string().regex(/^[A-Za-z0-9._/-]+\.power\.json$/, { error: 'expected a relative path to a .power.json file' }).optional(),
});

/** `playlists/bundles.json` as committed: which playlists make each bundle. */
export const BundleSource = z.object({
  $schema: z.string().optional(),
  default: Id,
  bundles: z.array(BundleEntry).min(1).max(100, { error: 'expected at most 100 bundles' }),
});
export type BundleSource = z.infer<typeof BundleSource>;

/** `playlists/bundles.json` as built: each bundle with a revision that changes whenever its content does. */
export const BundleIndex = BundleSource.extend({
  bundles: z.array(BundleEntry.extend({ revision: z.string().min(1) })).min(1).max(100, { error: 'expected at most 100 bundles' }),
});
export type BundleIndex = z.infer<typeof BundleIndex>;
