import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../scripts/playlistBundle.js';
import { BundleSource, layoutPathFor } from '../../src/shared/bundle.js';
import { bundleFilesFor } from '../../src/shared/bundleFiles.js';
import { parseBundleFilesAhead } from '../../src/shared/startMedia.js';

/** The bundled playlists' layouts (§6) are checked at build time like the playlists: file and path named. */

const playlistsDir = resolve(import.meta.dirname, '../../playlists');

function copyOfPlaylists(): string {
  const dir = mkdtempSync(join(tmpdir(), 'antichambre-bundle-layout-'));
  cpSync(playlistsDir, dir, { recursive: true });
  return dir;
}

describe('bundle layouts', () => {
  it('the town hall bundle has a valid layout, landscape and portrait, with a ticker for its news and a queue zone for its two services', () => {
    const built = buildBundle(playlistsDir);
    expect(built.errors).toEqual([]);
    const mairie = built.index.bundles.find((b) => b.id === 'mairie')!;
    expect(mairie.layout).toBe('mairie/layouts/accueil.layout.json');
    expect(built.files).toContain('mairie/layouts/accueil.layout.json');
    expect(built.files).toContain('mairie/layouts/accueil-portrait.layout.json');
    const layout = JSON.parse(readFileSync(join(playlistsDir, mairie.layout!), 'utf8')) as { zones: { id: string; kind?: string; services?: string[] }[] };
    expect(layout.zones.map((z) => z.kind ?? 'playlist').sort()).toEqual(['playlist', 'queue', 'ticker']);
    expect(layout.zones.find((z) => z.kind === 'queue')!.services).toEqual(['etat-civil', 'titres']);
    expect(built.index.bundles.find((b) => b.id === 'clinique')!.layout).toBeUndefined();
  });

  it('the portrait layout is chosen on a screen taller than wide', () => {
    const bundle = { layout: 'a.layout.json', portraitLayout: 'b.layout.json' };
    expect(layoutPathFor(bundle, 1920, 1080)).toBe('a.layout.json');
    expect(layoutPathFor(bundle, 1080, 1920)).toBe('b.layout.json');
    expect(layoutPathFor({ layout: 'a.layout.json' }, 1080, 1920)).toBe('a.layout.json');
    expect(layoutPathFor({}, 1080, 1920)).toBeUndefined();
  });

  it("a start reads a bundle's playlists, the layout of its shape and its power schedule; the page's head lists them as built, and a list that does not read is none", () => {
    const bundle = { playlists: ['m/a.json', 'm/b.json'], layout: 'm/a.layout.json', portraitLayout: 'm/b.layout.json', power: 'm/nuit.power.json' };
    expect(bundleFilesFor(bundle, 1920, 1080)).toEqual(['m/a.json', 'm/b.json', 'm/a.layout.json', 'm/nuit.power.json']);
    expect(bundleFilesFor(bundle, 1080, 1920)).toEqual(['m/a.json', 'm/b.json', 'm/b.layout.json', 'm/nuit.power.json']);
    expect(bundleFilesFor({ playlists: ['c/a.json'] }, 1080, 1920)).toEqual(['c/a.json']);
    const listed = { default: 'mairie', bundles: [{ id: 'mairie', ...bundle }, { id: 'clinique', playlists: ['c/a.json'] }] };
    expect(parseBundleFilesAhead(JSON.stringify(listed))).toEqual(listed);
    for (const bad of [null, '', '{', '[]', JSON.stringify({ default: 'mairie' }), JSON.stringify({ default: 'mairie', bundles: [{ id: 'mairie', playlists: 'm/a.json' }] }), JSON.stringify({ default: 'mairie', bundles: [{ playlists: [] }] })]) expect(parseBundleFilesAhead(bad)).toBeNull();
  });

  it('names the layout file and the path of each error: overlap, outside the screen, a playlist naming an unknown zone, portrait zones differing', () => {
    const dir = copyOfPlaylists();
    const path = join(dir, 'mairie/layouts/accueil.layout.json');
    const layout = JSON.parse(readFileSync(path, 'utf8')) as { zones: { id: string; x: number; width: number }[] };
    layout.zones[1]!.x = 60; // overlaps main, and 60 + 30 is inside
    writeFileSync(path, JSON.stringify(layout));
    expect(buildBundle(dir).errors.join('\n')).toMatch(/mairie\/layouts\/accueil\.layout\.json: zones\[1\]: overlaps zone "main"/);
    layout.zones[1]!.x = 70;
    layout.zones[2]!.id = 'defilant'; // bandeau.json names "bandeau"
    writeFileSync(path, JSON.stringify(layout));
    const errors = buildBundle(dir).errors.join('\n');
    expect(errors).toMatch(/mairie\/layouts\/accueil\.layout\.json: for bundle mairie's playlists: playlists\[3\]\.zone: unknown zone "bandeau"/);
    expect(errors).toMatch(/mairie\/layouts\/accueil-portrait\.layout\.json: zones .* differ from mairie\/layouts\/accueil\.layout\.json/);

    const outside = copyOfPlaylists();
    const portrait = join(outside, 'mairie/layouts/accueil-portrait.layout.json');
    const tall = JSON.parse(readFileSync(portrait, 'utf8')) as { zones: { height: number }[] };
    tall.zones[2]!.height = 20;
    writeFileSync(portrait, JSON.stringify(tall));
    expect(buildBundle(outside).errors.join('\n')).toMatch(/mairie\/layouts\/accueil-portrait\.layout\.json: zones\[2\]\.height: y \+ height is 112/);
  });

  it('refuses a layout path that is not a .layout.json file in bundles.json', () => {
    const source = JSON.parse(readFileSync(join(playlistsDir, 'bundles.json'), 'utf8')) as { bundles: { layout?: string }[] };
    source.bundles[0]!.layout = 'mairie/accueil.json';
    const parsed = BundleSource.safeParse(source);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['bundles', 0, 'layout']);
  });

  it('a bundle may carry the power schedule of its screens (.power.json): checked, shipped, part of the revision', () => {
    const dir = copyOfPlaylists();
    const before = buildBundle(dir).index.bundles.find((b) => b.id === 'mairie')!.revision;
    const sourcePath = join(dir, 'bundles.json');
    const source = JSON.parse(readFileSync(sourcePath, 'utf8')) as { bundles: { id: string; power?: string }[] };
    source.bundles.find((b) => b.id === 'mairie')!.power = 'mairie/horaires.power.json';
    writeFileSync(sourcePath, JSON.stringify(source));
    writeFileSync(join(dir, 'mairie/horaires.power.json'), JSON.stringify({ open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '17:30' }] }] }));
    const built = buildBundle(dir);
    expect(built.errors).toEqual([]);
    expect(built.files).toContain('mairie/horaires.power.json');
    expect(built.index.bundles.find((b) => b.id === 'mairie')!.revision).not.toBe(before);
    writeFileSync(join(dir, 'mairie/horaires.power.json'), JSON.stringify({ open: [{ days: [0] }] }));
    expect(buildBundle(dir).errors).toContain('mairie/horaires.power.json: open[0].days[0]: expected an ISO weekday 1 (Monday) to 7 (Sunday)');
    expect(BundleSource.safeParse({ default: 'a', bundles: [{ id: 'a', name: 'A', playlists: ['a.json'], power: 'a.json' }] }).error?.issues[0]?.path).toEqual(['bundles', 0, 'power']);
  });
});
