import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleSource } from '../../src/shared/bundle.js';
import { capHeightMm, contrastRatio, lintPlaylists, READING_WPM, strictFindings, wordCount, type LintFinding } from '../../src/shared/contentLint.js';
import { Layout } from '../../src/shared/layout.js';
import { Playlist, type PlaylistInput } from '../../src/shared/playlist.js';

const HEX = 'b'.repeat(64);

function playlist(input: Omit<PlaylistInput, 'id'> & { id?: string }): Playlist {
  return Playlist.parse({ id: 'p', ...input });
}

const rules = (findings: LintFinding[]): string[] => findings.map((f) => `${f.rule} ${f.severity} ${f.path}`);

describe('content lint: contrast (WCAG 2.2)', () => {
  it('computes the WCAG ratios of known pairs', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#000')).toBeCloseTo(21, 5);
    // The textbook pair around the AA threshold: #777 on white fails (4.48), #767676 passes (4.54).
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#123456', '#123456')).toBe(1);
  });

  it('warns below 4.5:1, refuses below 3:1, at the colour field that set it; the theme passes', () => {
    const set = [
      playlist({
        items: [
          { id: 'theme', type: 'text', duration: 30, title: 'Bienvenue', body: 'La mairie est ouverte.' },
          { id: 'grey', type: 'text', duration: 30, title: 'Horaires', colors: { text: '#777777', background: '#ffffff' } },
          { id: 'pale', type: 'text', duration: 30, title: 'Horaires', colors: { text: '#ffd23f', background: '#ffffff' } },
          { id: 'dark-bg', type: 'text', duration: 30, title: 'Horaires', body: 'Fermé le lundi', colors: { background: '#5a6b80' } },
          { id: 'ok', type: 'text', duration: 30, title: 'Horaires', colors: { text: '#767676', background: '#ffffff' } },
        ],
      }),
    ];
    const findings = lintPlaylists(set).filter((f) => f.rule === 'contrast');
    expect(rules(findings)).toEqual([
      'contrast warning [0].items[1].colors.text',
      'contrast error [0].items[2].colors.text',
      // The white title passes on #5a6b80 (5.46:1), the theme's paler body text does not (3.71:1).
      'contrast warning [0].items[3].colors.background',
    ]);
    expect(findings[2]!.message.en).toContain('3.71:1 between the text (body, #c9d6ea) and its background (#5a6b80)');
    expect(findings[0]!.message.fr).toContain('4,48:1');
    expect(findings[0]!.message.en).toContain('4.48:1');
    expect(findings[0]!.itemId).toBe('grey');
  });

  it('measures a ticker line in the ticker band colours, whatever the item says', () => {
    const layout = Layout.parse({ id: 'l', zones: [{ id: 'main', x: 0, y: 0, width: 100, height: 88 }, { id: 'bandeau', x: 0, y: 88, width: 100, height: 12, kind: 'ticker' }] });
    const set = [playlist({ zone: 'bandeau', items: [{ id: 'n', type: 'text', duration: 1, title: 'Travaux rue Victor Hugo du 3 au 7 décembre', colors: { text: '#ffffff', background: '#ffffff' } }] })];
    // Neither a contrast finding (the band is #111 on #ffd23f) nor a reading time (tickers scroll at their own pace).
    expect(lintPlaylists(set, { layout })).toEqual([]);
  });
});

describe('content lint: reading time', () => {
  it('counts words as a reader does', () => {
    expect(wordCount("Pensez à l'accueil : ouvert 8h30–12h00, 14h–17h.")).toBe(9);
    expect(wordCount('   ')).toBe(0);
  });

  it(`warns when the words need more than the duration at ${READING_WPM} words a minute`, () => {
    const words = (n: number): string => Array.from({ length: n }, (_, k) => `mot${k}`).join(' ');
    // 42 words at 126 wpm: exactly 20 s. 43 words: 20.5 s.
    const set = [
      playlist({
        items: [
          { id: 'fits', type: 'text', duration: 20, title: words(2), body: words(40) },
          { id: 'short', type: 'text', duration: 20, title: words(3), body: words(40) },
          { id: 'image', type: 'image', duration: 1, src: 'a.png', sha256: HEX },
        ],
      }),
    ];
    const findings = lintPlaylists(set, { single: true });
    expect(rules(findings)).toEqual(['reading-time warning items[1].duration']);
    expect(findings[0]!.message.en).toBe(`43 words take a slow reader 21 s (${READING_WPM} words/min, IReST): the duration is 20 s`);
    expect(findings[0]!.message.fr).toContain('43 mots demandent 21 s');
  });
});

describe('content lint: character height for the screen and its distance', () => {
  // A 55-inch 16:9 screen is 68.5 cm high; in 1080 CSS pixels, 0.634 mm a pixel.
  const screen55 = { diagonalInches: 55, widthPx: 1920, heightPx: 1080 };

  it('derives capital heights from the player style sheet sizes', () => {
    // Title alone, full screen: 8 % of 1080 = 86.4 px = 54.8 mm, capitals 0.668 of it = 36.6 mm.
    expect(capHeightMm('title', { width: 100, height: 100 }, { ...screen55, distanceM: 1 })).toBeCloseTo(36.6, 1);
    // Body: max(5 % of the zone, 4.5 % of the screen) = 54 px = 34.2 mm, capitals 22.9 mm.
    expect(capHeightMm('body', { width: 100, height: 100 }, { ...screen55, distanceM: 1 })).toBeCloseTo(22.9, 1);
    // A 12 % ticker band: 52 % of 129.6 px = 67.4 px = 42.7 mm, capitals 28.5 mm.
    expect(capHeightMm('ticker', { width: 100, height: 12 }, { ...screen55, distanceM: 1 })).toBeCloseTo(28.5, 1);
    // A small zone clamps at the minimum pixel size: 22 px body on a 24-inch 1080p screen (0.277 mm/px).
    expect(capHeightMm('body', { width: 20, height: 10 }, { diagonalInches: 24, distanceM: 1, widthPx: 1920, heightPx: 1080 })).toBeGreaterThan(0);
  });

  it('warns at 3 % of the distance (the body when there is one), never below 4.5 mm, and only with the screen known', () => {
    const set = [
      playlist({
        items: [
          { id: 'title-only', type: 'text', duration: 10, title: 'Bienvenue' },
          { id: 'with-body', type: 'text', duration: 10, title: 'Horaires', body: 'Ouvert' },
        ],
      }),
    ];
    // At 1 m: 30 mm needed; the title (36.6) passes, the body (22.9) does not.
    expect(rules(lintPlaylists(set, { single: true, viewing: { ...screen55, distanceM: 1 } }))).toEqual(['character-height warning items[1].body']);
    // At 1.5 m: 45 mm; both fail.
    const far = lintPlaylists(set, { single: true, viewing: { ...screen55, distanceM: 1.5 } });
    expect(rules(far)).toEqual(['character-height warning items[0].title', 'character-height warning items[1].body']);
    expect(far[0]!.message.en).toBe('capitals 36.6 mm high on a 55-inch screen (zone main): at least 45.0 mm to be read from 1.5 m (3 % of the distance)');
    // At 0.5 m: 15 mm; both pass. Without a screen, nothing is said about size.
    expect(lintPlaylists(set, { viewing: { ...screen55, distanceM: 0.5 } })).toEqual([]);
    expect(lintPlaylists(set)).toEqual([]);
  });

  it('measures text in its zone: the same item is smaller in a side column', () => {
    const layout = Layout.parse({ id: 'l', zones: [{ id: 'main', x: 0, y: 0, width: 30, height: 100 }, { id: 'side', x: 30, y: 0, width: 70, height: 100 }] });
    const item = { id: 't', type: 'text' as const, duration: 10, title: 'Bienvenue' };
    const viewing = { ...screen55, distanceM: 1 };
    expect(lintPlaylists([playlist({ items: [item] })], { viewing })).toEqual([]);
    expect(rules(lintPlaylists([playlist({ items: [item] })], { viewing, layout }))).toEqual(['character-height warning [0].items[0].title']);
  });
});

describe('content lint: captions', () => {
  const video = (id: string, captions?: boolean) => ({
    id,
    type: 'video' as const,
    src: `${id}.mp4`,
    sha256: (id === 'talk' || id === 'talk-captioned' ? 'A' : 'c').repeat(64),
    ...(captions ? { captions: [{ lang: 'fr', src: `${id}.vtt`, sha256: HEX }] } : {}),
  });

  it('warns for a video with an audio track and no captions, not for a silent or captioned one, nor an unknown one', () => {
    const set = [playlist({ items: [video('talk'), video('talk-captioned', true), video('silent')] })];
    const audio = new Map([['a'.repeat(64), { audio: true }], ['c'.repeat(64), { audio: false }]]);
    const findings = lintPlaylists(set, { media: (sha) => audio.get(sha) });
    expect(rules(findings)).toEqual(['captions warning [0].items[0].captions']);
    expect(lintPlaylists(set)).toEqual([]);
  });

  it('--strict turns every warning into an error', () => {
    const set = [playlist({ items: [{ id: 'short', type: 'text', duration: 1, title: 'Un deux trois quatre cinq six' }] })];
    const findings = lintPlaylists(set);
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(strictFindings(findings).map((f) => f.severity)).toEqual(['error']);
  });
});

describe('content lint: the bundled playlists', () => {
  it('give no finding with their layouts: the samples a town hall starts from follow the rules the hub checks', () => {
    const dir = join(import.meta.dirname, '../../playlists');
    const read = (path: string): unknown => JSON.parse(readFileSync(join(dir, path), 'utf8'));
    const source = BundleSource.parse(read('bundles.json'));
    expect(source.bundles.length).toBeGreaterThan(1);
    for (const bundle of source.bundles) {
      const playlists = bundle.playlists.map((path) => Playlist.parse(read(path)));
      for (const layoutPath of [bundle.layout, bundle.portraitLayout]) {
        const layout = layoutPath ? Layout.parse(read(layoutPath)) : null;
        expect({ bundle: bundle.id, layout: layoutPath ?? null, findings: lintPlaylists(playlists, { layout }) }).toEqual({ bundle: bundle.id, layout: layoutPath ?? null, findings: [] });
      }
    }
  });
});
