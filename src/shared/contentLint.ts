import { z } from 'zod';
import { FULL_SCREEN, zoneOf, type Layout, type Zone } from './layout.js';
import { THEME_COLORS, type Item, type Playlist } from './playlist.js';
import { formatPath } from './validationError.js';

/**
 * Content that can be read (issue 20): every item of a set checked, each finding with the
 * field's path (`[0].items[2].body`, as the schema's errors) and a message in French and English.
 * Pure: the dashboard's editor runs it as you type, `antichambre-hub playlist push` before sending
 * (`--strict` turns warnings into errors). What it measures, and from where:
 *
 * - Contrast: WCAG 2.2 relative luminance and contrast ratio (success criterion 1.4.3, level AA):
 *   text below 4.5:1 against its background is a warning, below 3:1 (the floor even for large text,
 *   and for WCAG 1.4.11 non-text contrast) an error.
 * - Reading time: a slow reader reads READING_WPM words a minute. IReST (Trauzettel-Klosinski &
 *   Dietz, Invest. Ophthalmol. Vis. Sci. 2012;53:5452-5461, 17 languages, 436 readers aged 18-35)
 *   measured 184 ± 29 words a minute read aloud; mean − 2 SD is 126 words a minute, which also
 *   leaves room for older readers (the same team measured 167 ± 30 at age 64). A waiting room's
 *   reader looks up, finds the screen and reads: a text item shorter than its words at 126 wpm is
 *   a warning. Ticker lines scroll at the player's pace, not their duration: not checked here.
 * - Character height: the capital letters must be at least 3 % of the reading distance (3 cm a
 *   metre), the French accessibility guidance for signage in public buildings, and never below
 *   4.5 mm, the floor of the ERP accessibility rule (arrêté du 1er août 2006 modifié, annexe 3:
 *   15 mm for orientation signs, 4.5 mm otherwise). The player's sizes are those of its style
 *   sheet (TEXT_SIZES), its font's capitals 0.668 em (Atkinson Hyperlegible, OS/2 sCapHeight 668
 *   of 1000 units). Needs the screen's diagonal and viewing distance (set per screen).
 * - Captions: players show videos muted; a video with an audio track and no captions leaves
 *   what is said out. Whether a file has audio is a fact about the file (`media`), not the item.
 */

export const MIN_CONTRAST = 4.5;
export const REFUSED_CONTRAST = 3;
export const READING_WPM = 126;
/** Capital height per metre of reading distance (3 %), and its floor in millimetres. */
export const CAP_HEIGHT_PER_METRE_MM = 30;
export const MIN_CAP_HEIGHT_MM = 4.5;
/** Atkinson Hyperlegible's capital height, in em (OS/2 sCapHeight 668 / unitsPerEm 1000). */
export const CAP_HEIGHT_EM = 0.668;

/**
 * The player's text sizes (src/renderer/styles.css): CSS `clamp(min px, preferred, max px)` where
 * the preferred size is a fraction of the zone's short side (`cqmin`), of the screen's short side
 * (`vmin`) or of the zone's height (`cqh`); the larger of the zone and screen terms wins.
 */
export const TEXT_SIZES = {
  title: { minPx: 32, maxPx: 220, zoneMin: 0.08 },
  body: { minPx: 22, maxPx: 140, zoneMin: 0.05, screenMin: 0.045 },
  ticker: { minPx: 18, maxPx: 200, zoneHeight: 0.52 },
} as const;

export const LintRule = z.enum(['contrast', 'reading-time', 'character-height', 'captions']);
export type LintRule = z.infer<typeof LintRule>;

export const LintFinding = z.object({
  rule: LintRule,
  severity: z.enum(['warning', 'error']),
  /** The field, as schema errors name it: `[0].items[2].body` (`items[2].body` for a single playlist). */
  path: z.string(),
  itemId: z.string(),
  /** The screen it is about (character height depends on the screen). */
  screen: z.string().optional(),
  message: z.object({ fr: z.string(), en: z.string() }),
});
export type LintFinding = z.infer<typeof LintFinding>;

/** How a screen is seen: its size and how far its readers are. */
export const ScreenViewing = z.object({
  /** The diagonal, in inches (as screens are sold: 43, 55, 65). */
  diagonalInches: z.number({ error: 'expected a diagonal in inches' }).min(7, { error: 'expected a diagonal of at least 7 inches' }).max(300, { error: 'expected a diagonal of at most 300 inches' }),
  /** The farthest seat or standing place it must be read from, in metres. */
  distanceM: z.number({ error: 'expected a distance in metres' }).min(0.3, { error: 'expected a distance of at least 0.3 m' }).max(100, { error: 'expected a distance of at most 100 m' }),
  /** Its resolution in CSS pixels (default 1920 × 1080); sets the aspect and what a pixel is. */
  widthPx: z.number().int().positive().optional(),
  heightPx: z.number().int().positive().optional(),
});
export type ScreenViewing = z.infer<typeof ScreenViewing>;

/** Facts about a media file the item alone does not tell (by sha256, lower case). */
export interface MediaFacts {
  /** true: it has an audio track; false: none; absent: not known (not checked). */
  audio?: boolean;
}

export interface LintContext {
  /** The set's layout (zones and their kinds); absent: one full-screen zone `main`. */
  layout?: Layout | null;
  /** The screen it plays on; absent, character height is not checked. */
  viewing?: ScreenViewing | null;
  /** Facts about media files, by lower-case sha256. */
  media?: (sha256: string) => MediaFacts | undefined;
  /** Paths as for one playlist (`items[2]`) rather than a set (`[0].items[2]`). */
  single?: boolean;
}

// --- contrast (WCAG 2.2, "relative luminance" and "contrast ratio" definitions) ---

function channels(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255) as [number, number, number];
}

export function relativeLuminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

// --- reading time ---

/** Words as a reader counts them: runs of letters or digits (`l'accueil` is two, `14h30` one). */
export function wordCount(text: string): number {
  return text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}

export function readingSeconds(words: number): number {
  return (words / READING_WPM) * 60;
}

// --- character height ---

/** The screen's physical size in centimetres, and its size in CSS pixels. */
export function screenSize(viewing: ScreenViewing): { widthCm: number; heightCm: number; widthPx: number; heightPx: number } {
  const widthPx = viewing.widthPx ?? 1920;
  const heightPx = viewing.heightPx ?? 1080;
  const diagonalCm = viewing.diagonalInches * 2.54;
  const diagonalPx = Math.hypot(widthPx, heightPx);
  return { widthCm: (diagonalCm * widthPx) / diagonalPx, heightCm: (diagonalCm * heightPx) / diagonalPx, widthPx, heightPx };
}

/** The font size, in CSS pixels, the player gives a text size in a zone (`zone`, in percent) of a screen of `screen` CSS pixels. */
export function textSizePx(size: keyof typeof TEXT_SIZES, zone: Pick<Zone, 'width' | 'height'>, screen: { widthPx: number; heightPx: number }): number {
  const zoneW = (zone.width / 100) * screen.widthPx;
  const zoneH = (zone.height / 100) * screen.heightPx;
  const spec: { minPx: number; maxPx: number; zoneMin?: number; screenMin?: number; zoneHeight?: number } = TEXT_SIZES[size];
  const preferred = Math.max((spec.zoneMin ?? 0) * Math.min(zoneW, zoneH), (spec.screenMin ?? 0) * Math.min(screen.widthPx, screen.heightPx), (spec.zoneHeight ?? 0) * zoneH);
  return Math.min(spec.maxPx, Math.max(spec.minPx, preferred));
}

/** The capital height, in millimetres, of a text size in a zone of a screen. */
export function capHeightMm(size: keyof typeof TEXT_SIZES, zone: Pick<Zone, 'width' | 'height'>, viewing: ScreenViewing): number {
  const screen = screenSize(viewing);
  const mmPerPx = (screen.heightCm * 10) / screen.heightPx;
  return textSizePx(size, zone, screen) * CAP_HEIGHT_EM * mmPerPx;
}

export function requiredCapHeightMm(distanceM: number): number {
  return Math.max(MIN_CAP_HEIGHT_MM, distanceM * CAP_HEIGHT_PER_METRE_MM);
}

// --- the lint ---

const fmt = (n: number, digits = 1): string => n.toFixed(digits);
const fmtFr = (n: number, digits = 1): string => n.toFixed(digits).replace('.', ',');

/** The zone a playlist plays in under `layout` (its `zone`, else main); the whole screen without a layout, or when the layout has no such zone. */
export function zoneFor(playlist: Pick<Playlist, 'zone'>, layout: Layout | null | undefined): Zone {
  const zones = layout?.zones ?? FULL_SCREEN.zones;
  return zones.find((z) => z.id === zoneOf(playlist)) ?? FULL_SCREEN.zones[0]!;
}

function lintItem(item: Item, at: (string | number)[], zone: Zone, context: LintContext, out: LintFinding[]): void {
  const push = (rule: LintRule, severity: LintFinding['severity'], field: (string | number)[], fr: string, en: string): void => {
    out.push({ rule, severity, path: formatPath([...at, ...field]), itemId: item.id, message: { fr, en } });
  };
  const ticker = zone.kind === 'ticker';
  if (item.type === 'text') {
    // Contrast: a ticker line is painted in the ticker's own colours; a slide in its own or the theme's.
    const background = ticker ? THEME_COLORS.tickerBackground : (item.colors?.background ?? THEME_COLORS.background);
    const texts: { field: 'title' | 'body'; color: string }[] = ticker
      ? [{ field: 'title', color: THEME_COLORS.tickerText }]
      : [
          { field: 'title', color: item.colors?.text ?? THEME_COLORS.title },
          ...(item.body ? [{ field: 'body' as const, color: item.colors?.text ?? THEME_COLORS.body }] : []),
        ];
    for (const { field, color } of texts) {
      const ratio = contrastRatio(color, background);
      if (ratio >= MIN_CONTRAST) continue;
      const where: (string | number)[] = item.colors?.text ? ['colors', 'text'] : item.colors?.background ? ['colors', 'background'] : [field];
      push(
        'contrast',
        ratio < REFUSED_CONTRAST ? 'error' : 'warning',
        where,
        `contraste ${fmtFr(ratio, 2)}:1 entre le texte (${field === 'title' ? 'titre' : 'corps'}, ${color}) et le fond (${background}) : au moins ${fmtFr(MIN_CONTRAST)}:1 (WCAG 1.4.3)`,
        `contrast ${fmt(ratio, 2)}:1 between the text (${field}, ${color}) and its background (${background}): at least ${fmt(MIN_CONTRAST)}:1 (WCAG 1.4.3)`,
      );
      break;
    }
    if (!ticker) {
      const words = wordCount(`${item.title} ${item.body ?? ''}`);
      const needed = readingSeconds(words);
      if (item.duration < needed) {
        push(
          'reading-time',
          'warning',
          ['duration'],
          `${words} mots demandent ${Math.ceil(needed)} s à un lecteur lent (${READING_WPM} mots/min, IReST) : la durée est de ${item.duration} s`,
          `${words} words take a slow reader ${Math.ceil(needed)} s (${READING_WPM} words/min, IReST): the duration is ${item.duration} s`,
        );
      }
    }
    if (context.viewing) {
      const size = ticker ? 'ticker' : item.body ? 'body' : 'title';
      const field = ticker || !item.body ? 'title' : 'body';
      const cap = capHeightMm(size, zone, context.viewing);
      const needed = requiredCapHeightMm(context.viewing.distanceM);
      if (cap < needed) {
        push(
          'character-height',
          'warning',
          [field],
          `majuscules de ${fmtFr(cap)} mm sur un écran de ${context.viewing.diagonalInches} pouces (zone ${zone.id}) : ${fmtFr(needed)} mm au moins pour une lecture à ${fmtFr(context.viewing.distanceM)} m (3 % de la distance)`,
          `capitals ${fmt(cap)} mm high on a ${context.viewing.diagonalInches}-inch screen (zone ${zone.id}): at least ${fmt(needed)} mm to be read from ${fmt(context.viewing.distanceM)} m (3 % of the distance)`,
        );
      }
    }
  }
  if (item.type === 'video' && (item.captions?.length ?? 0) === 0 && context.media?.(item.sha256.toLowerCase())?.audio === true) {
    push(
      'captions',
      'warning',
      ['captions'],
      'la vidéo a une piste son mais pas de sous-titres : les écrans la passent sans le son',
      'the video has an audio track but no captions: screens play it muted',
    );
  }
}

/** Every finding of a set (or, with `single`, of one playlist given as a set of one). */
export function lintPlaylists(playlists: readonly Playlist[], context: LintContext = {}): LintFinding[] {
  const out: LintFinding[] = [];
  playlists.forEach((playlist, p) => {
    const zone = zoneFor(playlist, context.layout);
    playlist.items.forEach((item, i) => lintItem(item, [...(context.single ? [] : [p]), 'items', i], zone, context, out));
  });
  return out;
}

/**
 * The lint for the screens a push targets: every rule once, and character height once per
 * screen whose size and distance are known (each such finding names its screen).
 */
export function lintForScreens(
  playlists: readonly Playlist[],
  context: Omit<LintContext, 'viewing'>,
  /** `layout`: the screen's own, when the push does not set one (its zones size the text). */
  screens: readonly { id: string; viewing?: ScreenViewing | null | undefined; layout?: Layout | null | undefined }[],
): LintFinding[] {
  const out = lintPlaylists(playlists, context);
  for (const screen of screens) {
    if (!screen.viewing) continue;
    const layout = context.layout ?? screen.layout ?? null;
    for (const finding of lintPlaylists(playlists, { ...context, layout, viewing: screen.viewing })) {
      if (finding.rule === 'character-height') out.push({ ...finding, screen: screen.id });
    }
  }
  return out;
}

/** `--strict`: every warning an error. */
export function strictFindings(findings: readonly LintFinding[]): LintFinding[] {
  return findings.map((finding) => ({ ...finding, severity: 'error' }));
}
