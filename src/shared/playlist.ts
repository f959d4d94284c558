import { z } from 'zod';
import { IANAZone } from 'luxon';
import { Id, Sha256 } from './ids.js';

/** Caps on lists that arrive over the wire (issue 17: every array bounded, so a message's size is). */
export const MAX_PLAYLISTS = 200;
export const MAX_ITEMS = 2_000;
export const MAX_CAPTIONS = 20;

/** Protocol §1: the playlist format. The TypeScript types are inferred from these schemas. */

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

function isRealLocalDateTime(value: string): boolean {
  const m = LOCAL_DATE_TIME.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

export const LocalDateTime = z
  .string({ error: 'expected a local date-time like 2026-12-01T08:30' })
  .regex(LOCAL_DATE_TIME, { error: 'expected a local date-time like 2026-12-01T08:30' })
  .refine(isRealLocalDateTime, { error: 'not a real date and time' });

export const LocalTime = z
  .string({ error: 'expected a local time like 08:30' })
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, { error: 'expected a local time like 08:30 (00:00 to 24:00)' });

export const TimeZone = z
  .string({ error: 'expected an IANA time zone like Europe/Paris' })
  .refine((zone) => IANAZone.isValidZone(zone), { error: 'unknown time zone (expected an IANA zone like Europe/Paris)' });

export const HoursWindow = z.object({ start: LocalTime, end: LocalTime });

export const Schedule = z
  .object({
    timezone: TimeZone.optional(),
    from: LocalDateTime.optional(),
    until: LocalDateTime.optional(),
    days: z
      .array(z.number({ error: 'expected an ISO weekday number' }).int().min(1, { error: 'expected an ISO weekday 1 (Monday) to 7 (Sunday)' }).max(7, { error: 'expected an ISO weekday 1 (Monday) to 7 (Sunday)' }), { error: 'expected a list of ISO weekdays' })
      .min(1, { error: 'expected at least one weekday (omit days for every day)' })
      .max(7, { error: 'expected at most 7 weekdays' })
      .optional(),
    hours: z
      .array(HoursWindow, { error: 'expected a list of { start, end } windows' })
      .min(1, { error: 'expected at least one window (omit hours for all day)' })
      .max(48, { error: 'expected at most 48 windows' })
      .optional(),
  })
  .superRefine((schedule, ctx) => {
    if (schedule.from && schedule.until && schedule.until <= schedule.from) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: `must be after from (${schedule.from})` });
    }
  });

export const WaitRange = z
  .object({
    min: z.number({ error: 'expected a number of minutes' }).nonnegative({ error: 'expected minutes >= 0' }).optional(),
    max: z.number({ error: 'expected a number of minutes' }).positive({ error: 'expected minutes > 0' }).optional(),
  })
  .superRefine((range, ctx) => {
    if (range.min !== undefined && range.max !== undefined && range.max <= range.min) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: `must be greater than min (${range.min})` });
    }
  });

export const When = z.object({
  waitMinutes: WaitRange.optional(),
  /** The service whose estimate counts; absent: the longest current estimate among the screen's services. */
  service: Id.optional(),
});

const Duration = z
  .number({ error: 'expected a duration in seconds' })
  .positive({ error: 'expected a duration in seconds > 0' })
  .max(86_400, { error: 'expected a duration of at most one day (86400 s)' });

const Src = z
  .string({ error: 'expected a URL or a path relative to the playlist file' })
  .min(1, { error: 'expected a URL or a path relative to the playlist file' })
  .refine((src) => !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(src) || /^https?:\/\//i.test(src), {
    error: 'expected an http(s) URL or a relative path',
  })
  .refine((src) => !src.startsWith('//'), { error: 'expected an http(s) URL or a relative path (not //host)' });

const Bytes = z.number({ error: 'expected a size in bytes' }).int({ error: 'expected a whole number of bytes' }).nonnegative({ error: 'expected a size in bytes >= 0' });

export const Caption = z.object({
  lang: z.string({ error: 'expected a language tag like fr' }).regex(/^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$/, { error: 'expected a language tag like fr or fr-FR' }),
  label: z.string().optional(),
  src: Src,
  sha256: Sha256,
  bytes: Bytes.optional(),
});

/**
 * §1 `qr` (image and text items): a QR code of `url` (https only) shown with the item, in a band
 * that leaves its content clear, large enough to scan from 2 m, rendered without network.
 */
export const Qr = z.object({
  url: z
    .url({ protocol: /^https$/, error: 'expected an https URL (a QR code on a public screen only leads to https)' })
    .max(1000, { error: 'expected a URL of at most 1000 characters (a longer one makes a QR code too dense to scan from 2 m)' }),
  label: z.string({ error: 'expected a label' }).max(120, { error: 'expected a label of at most 120 characters' }).optional(),
});
export type Qr = z.infer<typeof Qr>;

/** A colour as `#rrggbb` (or `#rgb`): what the player paints and the content lint measures. */
export const HexColor = z
  .string({ error: 'expected a colour like #0b1f3a' })
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, { error: 'expected a colour like #0b1f3a (#rrggbb or #rgb)' });

/**
 * Extension (optional, text items): the slide's colours; absent, the player's theme
 * (`THEME_COLORS`). Text below WCAG 4.5:1 against its background is flagged by the content lint.
 */
export const TextColors = z.object({
  text: HexColor.optional(),
  background: HexColor.optional(),
});
export type TextColors = z.infer<typeof TextColors>;

/** The player's own colours (src/renderer/styles.css `--fg`, `--muted`, `--bg`, and the ticker's band). */
export const THEME_COLORS = {
  title: '#ffffff',
  body: '#c9d6ea',
  background: '#0b1f3a',
  tickerText: '#111111',
  tickerBackground: '#ffd23f',
} as const;

const itemBase = {
  id: Id,
  schedule: Schedule.optional(),
  when: When.optional(),
};

export const ImageItem = z.object({
  ...itemBase,
  type: z.literal('image'),
  duration: Duration,
  src: Src,
  sha256: Sha256,
  bytes: Bytes.optional(),
  /** Extension: a description of the image for assistive technology. */
  alt: z.string().optional(),
  qr: Qr.optional(),
});

export const VideoItem = z.object({
  ...itemBase,
  type: z.literal('video'),
  /** Optional for video: cuts it short; absent, the video plays to its natural end. */
  duration: Duration.optional(),
  src: Src,
  sha256: Sha256,
  bytes: Bytes.optional(),
  captions: z.array(Caption).max(MAX_CAPTIONS, { error: `expected at most ${MAX_CAPTIONS} caption tracks` }).optional(),
});

export const TextItem = z.object({
  ...itemBase,
  type: z.literal('text'),
  duration: Duration,
  title: z.string({ error: 'expected a title' }).min(1, { error: 'expected a non-empty title' }).max(200, { error: 'expected a title of at most 200 characters' }),
  body: z.string({ error: 'expected a text body' }).max(2000, { error: 'expected a body of at most 2000 characters' }).optional(),
  qr: Qr.optional(),
  colors: TextColors.optional(),
});

export const WaitItem = z.object({
  ...itemBase,
  type: z.literal('wait'),
  duration: Duration,
  service: Id,
});

export const Item = z.discriminatedUnion('type', [ImageItem, VideoItem, TextItem, WaitItem], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'expected type to be one of image, video, text, wait' : undefined,
});

export const Playlist = z
  .object(
    {
    $schema: z.string().optional(),
    id: Id,
    name: z.string({ error: 'expected a name' }).optional(),
    priority: z.number({ error: 'expected an integer priority' }).int({ error: 'expected an integer priority' }).default(0),
    schedule: Schedule.optional(),
    items: z.array(Item, { error: 'expected a list of items' }).max(MAX_ITEMS, { error: `expected at most ${MAX_ITEMS} items in a playlist` }),
    /** §6: the layout zone it plays in (absent: `main`). */
    zone: Id.optional(),
    /** §6 share of voice: at least this fraction of its zone's airtime in every clock hour it plays whole. */
    share: z.number({ error: 'expected a share between 0 and 1, like 0.25' }).gt(0, { error: 'expected a share above 0 (omit it for none)' }).max(1, { error: 'expected a share of at most 1' }).optional(),
    },
    { error: 'expected a playlist object' },
  )
  .superRefine((playlist, ctx) => {
    const seen = new Set<string>();
    playlist.items.forEach((item, i) => {
      if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `duplicate item id "${item.id}"` });
      seen.add(item.id);
    });
  });

/** A screen's complete set of playlists. Playlist ids are unique within a set. */
export const PlaylistSet = z.array(Playlist, { error: 'expected a list of playlists' }).max(MAX_PLAYLISTS, { error: `expected at most ${MAX_PLAYLISTS} playlists in a set` }).superRefine((playlists, ctx) => {
  const seen = new Set<string>();
  playlists.forEach((playlist, i) => {
    if (seen.has(playlist.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate playlist id "${playlist.id}"` });
    seen.add(playlist.id);
  });
});

export type LocalDateTime = z.infer<typeof LocalDateTime>;
export type HoursWindow = z.infer<typeof HoursWindow>;
export type Schedule = z.infer<typeof Schedule>;
export type When = z.infer<typeof When>;
export type Caption = z.infer<typeof Caption>;
export type ImageItem = z.infer<typeof ImageItem>;
export type VideoItem = z.infer<typeof VideoItem>;
export type TextItem = z.infer<typeof TextItem>;
export type WaitItem = z.infer<typeof WaitItem>;
export type Item = z.infer<typeof Item>;
export type Playlist = z.infer<typeof Playlist>;
export type PlaylistInput = z.input<typeof Playlist>;

/** Items that need a downloaded file. */
export type MediaItem = ImageItem | VideoItem;
export function isMediaItem(item: Item): item is MediaItem {
  return item.type === 'image' || item.type === 'video';
}

/** An absolute http(s) URL, as opposed to a path relative to the playlist file. */
export function isRemoteSrc(src: string): boolean {
  return /^https?:\/\//i.test(src);
}

/** Every file an item needs before it may be shown: its media and captions. */
export function filesOf(item: Item): { src: string; sha256: string; bytes?: number | undefined }[] {
  if (item.type === 'image') return [{ src: item.src, sha256: item.sha256, bytes: item.bytes }];
  if (item.type === 'video') return [{ src: item.src, sha256: item.sha256, bytes: item.bytes }, ...(item.captions ?? [])];
  return [];
}

/** The playlist with every file `src` (media and captions) passed through `map`. */
export function mapSources(playlist: Playlist, map: (src: string) => string): Playlist {
  return {
    ...playlist,
    items: playlist.items.map((item): Item => {
      if (item.type === 'image') return { ...item, src: map(item.src) };
      if (item.type === 'video') {
        return { ...item, src: map(item.src), ...(item.captions ? { captions: item.captions.map((c) => ({ ...c, src: map(c.src) })) } : {}) };
      }
      return item;
    }),
  };
}
