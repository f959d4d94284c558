import { z } from 'zod';
import { Id } from './ids.js';
import type { Playlist } from './playlist.js';

/**
 * Protocol §6: a set's optional layout. Zones in percent of the screen, each of one kind;
 * without a layout the screen is one `playlist` zone `main` filling it (v1, unchanged).
 */

export const MAIN_ZONE = 'main';
/** Geometry is compared with this slack, so that 33.333 + 66.667 = 100 lies inside the screen. */
const EPSILON = 1e-6;

const Percent = z
  .number({ error: 'expected a percentage of the screen (0 to 100)' })
  .min(0, { error: 'expected a percentage of the screen (0 to 100)' })
  .max(100, { error: 'expected a percentage of the screen (0 to 100)' });
const Extent = z
  .number({ error: 'expected a percentage of the screen (above 0, at most 100)' })
  .gt(0, { error: 'expected a percentage of the screen (above 0, at most 100)' })
  .max(100, { error: 'expected a percentage of the screen (above 0, at most 100)' });

export const ZoneKind = z.enum(['playlist', 'ticker', 'queue', 'clock'], { error: 'expected kind playlist, ticker, queue or clock' });
export type ZoneKind = z.infer<typeof ZoneKind>;

export const Zone = z.object({
  id: Id,
  x: Percent,
  y: Percent,
  width: Extent,
  height: Extent,
  kind: ZoneKind.default('playlist'),
  /** `queue` zones: the services whose calls and waits it shows (absent: every service the screen has queue data for). */
  services: z.array(Id, { error: 'expected a list of service ids' }).max(50, { error: 'expected at most 50 services' }).optional(),
});
export type Zone = z.infer<typeof Zone>;

/** A BCP 47 language tag like `fr-FR`. */
const LanguageTag = z.string({ error: 'expected a language tag like fr-FR' }).regex(/^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$/, { error: 'expected a language tag like fr-FR' });

export const CallShow = z.enum(['overlay', 'zone', 'off'], { error: 'expected show overlay, zone or off' });
export type CallShow = z.infer<typeof CallShow>;

/**
 * §6's `calls`. `show` absent: its default (`zone` with a queue zone, else `off`), as for the
 * whole object; the bare string (`"calls": "off"`, as §6 writes the default) is `{ show }`.
 */
const CallsObject = z.object({
  show: CallShow.optional(),
  /** How long an `overlay` banner stays (each at least 3 s when calls queue up). */
  seconds: z.number({ error: 'expected a number of seconds' }).positive({ error: 'expected a number of seconds above 0' }).max(3600, { error: 'expected at most 3600 seconds' }).optional(),
  chime: z.boolean({ error: 'expected chime: true or false' }).optional(),
  voice: LanguageTag.optional(),
});
// (Typed with the inputs it takes: a preprocess alone would take `unknown`, and layouts written in code would go unchecked.)
export const Calls = z.preprocess((value) => (typeof value === 'string' ? { show: value } : value), CallsObject) as unknown as z.ZodType<z.output<typeof CallsObject>, z.input<typeof CallsObject> | CallShow>;
export type Calls = z.infer<typeof Calls>;

/** At most this many services, or counters, named in one layout. */
const MAX_NAMES = 100;
/**
 * The longest names: what fits the queue zone of the town hall's layouts (30 % of a 1080p screen's
 * width, or a third of a portrait screen's height) in two lines, with three calls and two services
 * (test/browser/zones.test.ts measures it); the board cuts a longer one with an ellipsis.
 */
export const MAX_SERVICE_NAME = 24;
export const MAX_COUNTER_NAME = 16;

/**
 * Extension: how the screen names services and counters ("État civil" rather than the id
 * `etat-civil`, "Box 3" rather than "guichet box-3"). `what`: "service" or "counter", in the
 * errors.
 */
function namesById(what: string, maxLength: number) {
  const notAnId = `not a ${what} id (1 to 64 characters among A-Z a-z 0-9 . _ -)`;
  const Name = z
    .string({ error: `expected the name people read for the ${what}` })
    .trim()
    .min(1, { error: `expected the name people read for the ${what} (not empty)` })
    .max(maxLength, { error: `expected a ${what} name of at most ${maxLength} characters (it is read from across the room)` })
    // One line of plain text: no line break, tab or other control character, no invisible direction mark.
    .regex(/^[^\p{Cc}\p{Cf}]*$/u, { error: `expected a ${what} name on one line, without control or invisible characters` });
  const Names = z
    .record(Id, Name, { error: (issue) => (issue.code === 'invalid_key' ? notAnId : `expected an object of ${what} id: name`) })
    .refine((names) => Object.keys(names).length <= MAX_NAMES, { error: `expected at most ${MAX_NAMES} ${what} names` });
  // zod's record skips a `__proto__` key without a word (it would set the prototype): refused here by name instead.
  // (Typed with the inputs it takes, as Calls: a preprocess alone would take `unknown`.)
  return z.preprocess((value, ctx) => {
    if (typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__')) ctx.addIssue({ code: 'custom', path: ['__proto__'], message: `"__proto__" cannot be a ${what} id: choose another`, input: value });
    return value;
  }, Names) as unknown as z.ZodType<z.output<typeof Names>, z.input<typeof Names>>;
}

/** Zones overlap when their interiors meet (sharing an edge is fine). */
function overlaps(a: Zone, b: Zone): boolean {
  return a.x < b.x + b.width - EPSILON && b.x < a.x + a.width - EPSILON && a.y < b.y + b.height - EPSILON && b.y < a.y + a.height - EPSILON;
}

export const Layout = z
  .object(
    {
      id: Id,
      zones: z.array(Zone, { error: 'expected a list of zones' }).min(1, { error: 'expected at least one zone' }).max(16, { error: 'expected at most 16 zones' }),
      calls: Calls.optional(),
      /** Extension: the services' names on the queue boards (a service not named shows its id, `serviceLabel`). */
      serviceNames: namesById('service', MAX_SERVICE_NAME).optional(),
      /** Extension: the counters' names where a call says where to go (a counter not named is "guichet <id>"). */
      counterNames: namesById('counter', MAX_COUNTER_NAME).optional(),
    },
    { error: 'expected a layout object' },
  )
  .superRefine((layout, ctx) => {
    const seen = new Set<string>();
    layout.zones.forEach((zone, i) => {
      if (seen.has(zone.id)) ctx.addIssue({ code: 'custom', path: ['zones', i, 'id'], message: `duplicate zone id "${zone.id}"` });
      seen.add(zone.id);
      if (zone.x + zone.width > 100 + EPSILON) ctx.addIssue({ code: 'custom', path: ['zones', i, 'width'], message: `x + width is ${zone.x + zone.width}: the zone leaves the screen (at most 100)` });
      if (zone.y + zone.height > 100 + EPSILON) ctx.addIssue({ code: 'custom', path: ['zones', i, 'height'], message: `y + height is ${zone.y + zone.height}: the zone leaves the screen (at most 100)` });
      for (let j = 0; j < i; j++) {
        const other = layout.zones[j]!;
        if (overlaps(zone, other)) ctx.addIssue({ code: 'custom', path: ['zones', i], message: `overlaps zone "${other.id}"` });
      }
    });
  });
export type Layout = z.infer<typeof Layout>;
export type LayoutInput = z.input<typeof Layout>;

/** Without a layout: one `playlist` zone `main` filling the screen. */
export const FULL_SCREEN: Layout = { id: 'plein-ecran', zones: [{ id: MAIN_ZONE, x: 0, y: 0, width: 100, height: 100, kind: 'playlist' }] };

/** §6: `calls` default `{ show: "zone" }` when a queue zone exists, else `"off"`; banner 8 s. */
export function effectiveCalls(layout: Layout | undefined): { show: CallShow; seconds: number; chime?: boolean; voice?: string } {
  const hasQueue = layout?.zones.some((zone) => zone.kind === 'queue') ?? false;
  const { show, seconds, chime, voice } = layout?.calls ?? {};
  return { show: show ?? (hasQueue ? 'zone' : 'off'), seconds: seconds ?? 8, ...(chime !== undefined ? { chime } : {}), ...(voice !== undefined ? { voice } : {}) };
}

/** The name `names` gives `id` (its own property only: never an inherited one like `constructor`). */
export function nameOf(id: string, names: Readonly<Record<string, string>> | undefined): string | undefined {
  return names && Object.hasOwn(names, id) ? names[id] : undefined;
}

/** A service as people read it: its name in the layout's `serviceNames`, else its id with hyphens and underscores as spaces ("etat-civil" → "Etat civil"). */
export function serviceLabel(service: string, names: Readonly<Record<string, string>> | undefined): string {
  const named = nameOf(service, names);
  if (named !== undefined) return named;
  const words = service.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The zone a playlist plays in: its `zone`, else `main`. */
export function zoneOf(playlist: Pick<Playlist, 'zone'>): string {
  return playlist.zone ?? MAIN_ZONE;
}

/** The playlists of one zone (those whose `zone` names it; without `zone`, `main`). */
export function playlistsOfZone<P extends Pick<Playlist, 'zone'>>(playlists: readonly P[], zoneId: string): P[] {
  return playlists.filter((playlist) => zoneOf(playlist) === zoneId);
}

/**
 * Cross-checks of a set and its layout: each playlist's `zone` names a zone of the layout that
 * plays playlists (`playlist` or `ticker`); without a layout, only `main` exists; a playlist
 * without `zone` plays in `main`, which the layout must then have. Issues are added at
 * `playlists[i].zone` under `playlistsPath`. `zoneless: 'skipped'` checks only the playlists that
 * name a zone, as before that last rule (a set stored before it: read back as it was taken).
 */
export function checkZonesOfSet(playlists: readonly Pick<Playlist, 'zone'>[], layout: Layout | undefined, ctx: z.RefinementCtx, playlistsPath: PropertyKey[] = ['playlists'], zoneless: 'checked' | 'skipped' = 'checked'): void {
  const zones = layout?.zones ?? FULL_SCREEN.zones;
  playlists.forEach((playlist, i) => {
    if (playlist.zone === undefined && zoneless === 'skipped') return;
    const zone = zones.find((z) => z.id === (playlist.zone ?? MAIN_ZONE));
    const path = [...playlistsPath, i, 'zone'];
    if (!zone && playlist.zone === undefined) {
      // §6: a playlist without `zone` plays in main. A layout without main gave it no place: it was taken, and never played.
      ctx.addIssue({ code: 'custom', path, message: `missing: without a zone it plays in "${MAIN_ZONE}", which the layout does not have (it has ${zones.map((z) => z.id).join(', ')})` });
    } else if (!zone) {
      ctx.addIssue({ code: 'custom', path, message: layout ? `unknown zone "${playlist.zone}" (the layout has ${zones.map((z) => z.id).join(', ')})` : `unknown zone "${playlist.zone}": without a layout the only zone is main` });
    } else if (zone.kind !== 'playlist' && zone.kind !== 'ticker') {
      ctx.addIssue({ code: 'custom', path, message: `zone "${zone.id}" is a ${zone.kind} zone: it plays no playlist` });
    }
  });
}
