/**
 * Which files of a bundle (`playlists/bundles.json`'s entries) a screen reads at its start: kept
 * free of zod, so that the start frame script (src/renderer/startFrame.ts, a classic script run
 * before the player's code) can ask for them too, from the list the page's head carries
 * (BUNDLE_FILES_META, src/shared/startMedia.ts).
 */

/** The files a bundle's entry names, paths relative to the index. */
export interface BundleFileNames {
  playlists: readonly string[];
  layout?: string | undefined;
  portraitLayout?: string | undefined;
  power?: string | undefined;
}

/** The layout file a screen of this shape uses: the portrait one on a screen taller than wide, when the bundle has one. */
export function layoutPathFor(bundle: Pick<BundleFileNames, 'layout' | 'portraitLayout'>, width: number, height: number): string | undefined {
  return height > width && bundle.portraitLayout ? bundle.portraitLayout : bundle.layout;
}

/** Every file a screen of this shape reads of a bundle it imports: its playlists, its layout, its power schedule. */
export function bundleFilesFor(bundle: BundleFileNames, width: number, height: number): string[] {
  const layout = layoutPathFor(bundle, width, height);
  return [...bundle.playlists, ...(layout ? [layout] : []), ...(bundle.power ? [bundle.power] : [])];
}
