// zod's mini build: this shape is read by the player's start frame script (src/renderer/startFrame.ts),
// a classic script of its own that runs before the player's code is even fetched; the mini build
// brings only what it uses.
import * as z from 'zod/mini';
import type { Item } from './playlist.js';

/** Where the player keeps, in its origin's localStorage, what a start would show first. */
export const START_MEDIA_KEY = 'antichambre:start-media';

/** At most this many zones' files are read ahead at a start. */
export const START_MEDIA_MAX = 8;

/** The page's head names the fresh start frame's module (freshFrame.ts, built as an entry of its own) in a meta element of this name. */
export const FRESH_FRAME_META = 'antichambre-fresh-frame';

/**
 * The page's head lists the bundled playlists' files as built (BundleFilesAhead) in a meta element
 * of this name: on a fresh start, the start frame script asks for them (bundleFilesFor) before the
 * player's code is there, and the bundle's import takes the answers.
 */
export const BUNDLE_FILES_META = 'antichambre-bundle-files';

/**
 * A schema made when it is first used. Making a zod schema costs main-thread time at each start
 * (in the start frame script, about 12 ms for those of this file, 4 of them for the bundle's list,
 * machine C), and a start uses only some of them: a warm one not the bundle's list, a fresh one
 * none of the stored list's.
 */
function lazily<S>(make: () => S): () => S {
  let made: S | undefined;
  return () => (made ??= make());
}

/** That list: each bundle's id and files (paths relative to the index), and the one played when the page names none. */
const bundleFilesAhead = lazily(() =>
  z.object({
    default: z.string(),
    bundles: z.array(z.object({ id: z.string(), playlists: z.array(z.string()), layout: z.optional(z.string()), portraitLayout: z.optional(z.string()), power: z.optional(z.string()) })),
  }),
);
export type BundleFilesAhead = z.infer<ReturnType<typeof bundleFilesAhead>>;

/** `text` as JSON of `schema`'s shape; `otherwise` when there is none (the schema then not even made), or it is no JSON or not of that shape. */
function readJsonAs<T, F>(schema: () => { safeParse(value: unknown): { success: true; data: T } | { success: false } }, text: string | null | undefined, otherwise: F): T | F {
  if (!text) return otherwise;
  try {
    const parsed = schema().safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : otherwise;
  } catch {
    return otherwise;
  }
}

/** The list in the page's head; null when there is none or it does not read (the bundle is then read as before, once the player's code runs). */
export const parseBundleFilesAhead = (text: string | null | undefined): BundleFilesAhead | null => readJsonAs(bundleFilesAhead, text, null);

/** The element timing identifier of a start frame's image (the benchmark times its paint). */
export const START_FRAME_TIMING = 'antichambre-start-frame';

/**
 * Marked when a zone's first item is on screen and its start frame is taken down, with
 * `detail: { zone, right }`: whether the start frame showed that zone's first item (its file).
 */
export const START_FRAME_MARK = 'antichambre:start-frame';

/** A zone's box in percent of the screen (§6), as the stage lays it out (made as a part of startMedia's). */
const makeStartBox = () =>
  z.object({
    x: z.number().check(z.gte(0), z.lte(100)),
    y: z.number().check(z.gte(0), z.lte(100)),
    width: z.number().check(z.gt(0), z.lte(100)),
    height: z.number().check(z.gt(0), z.lte(100)),
  });
export type StartBox = z.infer<ReturnType<typeof makeStartBox>>;

/** A layout zone's box, as the start frame paints it. */
export const boxOf = (zone: StartBox): StartBox => ({ x: zone.x, y: zone.y, width: zone.width, height: zone.height });

/**
 * A playlist zone's file that a start at this moment would show first (decided from the rotation
 * it saved): read from storage, and an image decoded, while the player's code loads. A guess:
 * when the start decides otherwise, the read is only wasted. With its zone's box, an image is
 * painted there at once (the start frame), until the zone's first item is on screen.
 */
const makeStartFile = () =>
  z.object({
    zone: z.string().check(z.maxLength(64)),
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    video: z.boolean(),
    /** An image shown with its QR code beside it (§1 `qr`): the frame lays the image out the same way, the code's band left empty. */
    qr: z.optional(z.object({ label: z.optional(z.string().check(z.maxLength(120))) })),
    box: z.optional(makeStartBox()),
  });
export type StartFile = z.infer<ReturnType<typeof makeStartFile>>;

/**
 * What a start would show first, decided at `decidedAt` (ms since the epoch; the first time this
 * list was written as it is). `paintUntil`: until when those decisions hold (the zones' next
 * schedule change, the power schedule's next sleep; 0 while an alert or the power schedule covers
 * the screen). Outside [decidedAt, paintUntil) (a boundary passed, or a clock set back) the files
 * are still read ahead, but no start frame is painted: it could show what may not play now.
 */
const startMedia = lazily(() =>
  z.object({
    files: z.array(makeStartFile()).check(z.maxLength(START_MEDIA_MAX)),
    decidedAt: z.number(),
    paintUntil: z.number(),
  }),
);
export type StartMedia = z.infer<ReturnType<typeof startMedia>>;

/** An item's file as a start would read it ahead (its image or video; none for text), and an image's QR band (the start frame lays it out alike). */
export function startFileOf(zone: string, item: Item | undefined): StartFile | null {
  if (item?.type === 'video') return { zone, sha256: item.sha256.toLowerCase(), video: true };
  if (item?.type !== 'image') return null;
  return { zone, sha256: item.sha256.toLowerCase(), video: false, ...(item.qr ? { qr: item.qr.label !== undefined ? { label: item.qr.label } : {} } : {}) };
}

export const NO_START_MEDIA: StartMedia = { files: [], decidedAt: 0, paintUntil: 0 };

/**
 * The web player keeps a copy of each start frame image beside the list, in localStorage, as a
 * data URL (StartImages, src/renderer/startImages.ts): the start frame script paints it as soon
 * as it runs, without waiting for IndexedDB to open and read the file (the bench's warm start:
 * the frame painted at 142 against 178 ms, medians of 16, session 16). An image larger than
 * START_IMAGE_MAX_BYTES, or past the copies' total, is read from IndexedDB as before. The kiosk
 * keeps none: its files are `app://media` URLs, read at once.
 */
export const START_IMAGE_KEY_PREFIX = 'antichambre:start-image:';
export const startImageKey = (sha256: string): string => `${START_IMAGE_KEY_PREFIX}${sha256}`;
/**
 * The largest file given a copy (bytes). Every start pays for the copies: the page's first read of
 * localStorage loads all of the origin's, at once, before the script goes on (measured in Chromium
 * here: 1 M characters about 10 ms, 3.3 M 32 to 64 ms), where IndexedDB reads a file without
 * holding the page. A signage image of 1920×1080 is 100 KB to 1 MB.
 */
export const START_IMAGE_MAX_BYTES = 1_000_000;
/** All the copies together (bytes; 4/3 as many characters in base64: 2 M, about 20 ms to load). */
export const START_IMAGES_MAX_BYTES = 1_500_000;

/** A copy as kept: an image's bytes as a base64 data URL, at most START_IMAGE_MAX_BYTES of them (the decoder checks the rest: a copy that does not decode is taken down once that is known, and the file read from IndexedDB painted instead). */
const startImageCopy = lazily(() => z.string().check(z.maxLength(Math.ceil((START_IMAGE_MAX_BYTES * 4) / 3) + 100), z.regex(/^data:image\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/]/)));

/** The copy kept for a file, parsed; anything else (none, or not an image's data URL) is no copy. */
export function parseStartImage(text: string | null): string | null {
  if (text === null) return null;
  const parsed = startImageCopy().safeParse(text);
  return parsed.success ? parsed.data : null;
}

/** A cached file's record as the player's database keeps it (what the read ahead needs of it). */
export const storedFileHead = lazily(() => z.object({ bytes: z.number().check(z.int(), z.nonnegative()), type: z.string() }));
export type StoredFileHead = z.infer<ReturnType<typeof storedFileHead>>;

/**
 * Whether a list is stored (`read`: the origin's localStorage): ScreenLayout keeps one from a
 * player's first decision on, so a fresh player has none. Storage refused counts as a list (read
 * as a player with a set would be: nothing read or painted ahead).
 */
export function listStored(read: (key: string) => string | null): boolean {
  try {
    return read(START_MEDIA_KEY) !== null;
  } catch {
    return true;
  }
}

/** The stored list, parsed; anything unreadable (or a list of an older version) counts as no guess: it is only a head start. */
export const parseStartMedia = (text: string | null): StartMedia => readJsonAs(startMedia, text, NO_START_MEDIA);

/** The files whose start frame may be painted at `now`: images, with their box, while the decisions hold. */
export function framedFiles(media: StartMedia, now: number): StartFile[] {
  if (!(media.decidedAt <= now && now < media.paintUntil)) return [];
  return media.files.filter((file) => !file.video && file.box !== undefined);
}
