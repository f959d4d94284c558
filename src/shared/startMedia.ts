// zod's mini build: this shape is read by the player's start frame script (src/renderer/startFrame.ts),
// a classic script of its own that runs before the player's code is even fetched; the mini build
// brings only what it uses.
import * as z from 'zod/mini';

/** Where the player keeps, in its origin's localStorage, what a start would show first. */
export const START_MEDIA_KEY = 'antichambre:start-media';

/** At most this many zones' files are read ahead at a start. */
export const START_MEDIA_MAX = 8;

/** The element timing identifier of a start frame's image (the benchmark times its paint). */
export const START_FRAME_TIMING = 'antichambre-start-frame';

/**
 * Marked when a zone's first item is on screen and its start frame is taken down, with
 * `detail: { zone, right }`: whether the start frame showed that zone's first item (its file).
 */
export const START_FRAME_MARK = 'antichambre:start-frame';

/** A zone's box in percent of the screen (§6), as the stage lays it out. */
export const StartBox = z.object({
  x: z.number().check(z.gte(0), z.lte(100)),
  y: z.number().check(z.gte(0), z.lte(100)),
  width: z.number().check(z.gt(0), z.lte(100)),
  height: z.number().check(z.gt(0), z.lte(100)),
});
export type StartBox = z.infer<typeof StartBox>;

/**
 * A playlist zone's file that a start at this moment would show first (decided from the rotation
 * it saved): read from storage, and an image decoded, while the player's code loads. A guess:
 * when the start decides otherwise, the read is only wasted. With its zone's box, an image is
 * painted there at once (the start frame), until the zone's first item is on screen.
 */
export const StartFile = z.object({
  zone: z.string().check(z.maxLength(64)),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  video: z.boolean(),
  /** An image shown with its QR code beside it (§1 `qr`): the frame lays the image out the same way, the code's band left empty. */
  qr: z.optional(z.object({ label: z.optional(z.string().check(z.maxLength(120))) })),
  box: z.optional(StartBox),
});
export type StartFile = z.infer<typeof StartFile>;

/**
 * What a start would show first, decided at `decidedAt` (ms since the epoch; the first time this
 * list was written as it is). `paintUntil`: until when those decisions hold (the zones' next
 * schedule change, the power schedule's next sleep; 0 while an alert or the power schedule covers
 * the screen). Outside [decidedAt, paintUntil) (a boundary passed, or a clock set back) the files
 * are still read ahead, but no start frame is painted: it could show what may not play now.
 */
export const StartMedia = z.object({
  files: z.array(StartFile).check(z.maxLength(START_MEDIA_MAX)),
  decidedAt: z.number(),
  paintUntil: z.number(),
});
export type StartMedia = z.infer<typeof StartMedia>;

export const NO_START_MEDIA: StartMedia = { files: [], decidedAt: 0, paintUntil: 0 };

/** A cached file's record as the player's database keeps it (what the read ahead needs of it). */
export const StoredFileHead = z.object({ bytes: z.number().check(z.int(), z.nonnegative()), type: z.string() });
export type StoredFileHead = z.infer<typeof StoredFileHead>;

/** The stored list, parsed; anything unreadable (or a list of an older version) counts as no guess: it is only a head start. */
export function parseStartMedia(text: string | null): StartMedia {
  if (!text) return NO_START_MEDIA;
  try {
    const parsed = StartMedia.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : NO_START_MEDIA;
  } catch {
    return NO_START_MEDIA;
  }
}

/** The files whose start frame may be painted at `now`: images, with their box, while the decisions hold. */
export function framedFiles(media: StartMedia, now: number): StartFile[] {
  if (!(media.decidedAt <= now && now < media.paintUntil)) return [];
  return media.files.filter((file) => !file.video && file.box !== undefined);
}
