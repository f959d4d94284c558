// zod's mini build: this shape is read by the player's first module, before the rest of its code
// (and the full build's schemas) is evaluated; the mini build evaluates only what it uses.
import * as z from 'zod/mini';

/** Where the player keeps, in its origin's localStorage, the media a start would show first. */
export const START_MEDIA_KEY = 'antichambre:start-media';

/** At most this many zones' files are read ahead at a start. */
export const START_MEDIA_MAX = 8;

/**
 * A playlist zone's file that a start at this moment would show first (decided from the rotation
 * it saved): read from storage, and an image decoded, while the player's code loads. A guess:
 * when the start decides otherwise, the read is only wasted.
 */
export const StartFile = z.object({
  zone: z.string().check(z.maxLength(64)),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  video: z.boolean(),
});
export type StartFile = z.infer<typeof StartFile>;

export const StartMedia = z.array(StartFile).check(z.maxLength(START_MEDIA_MAX));
export type StartMedia = z.infer<typeof StartMedia>;

/** A cached file's record as the player's database keeps it (what the read ahead needs of it). */
export const StoredFileHead = z.object({ bytes: z.number().check(z.int(), z.nonnegative()), type: z.string() });
export type StoredFileHead = z.infer<typeof StoredFileHead>;

/** The stored list, parsed; anything unreadable counts as no guess (it is only a head start). */
export function parseStartMedia(text: string | null): StartMedia {
  if (!text) return [];
  try {
    const parsed = StartMedia.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
