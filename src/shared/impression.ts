import { z } from 'zod';
import { Id, UtcTime } from './ids.js';

/** Protocol §3: proof of play, one record per item shown. `id` is the idempotency key. */
export const Impression = z.object({
  // Any UUID in its text form (z.uuid() would refuse those of no RFC 9562 version, e.g. hand-written ones in a test).
  id: z.guid({ error: 'expected a UUID' }),
  screenId: Id,
  playlistId: Id,
  itemId: Id,
  revision: z.string({ error: 'expected the set revision' }).max(200, { error: 'expected a revision of at most 200 characters' }),
  start: UtcTime,
  end: UtcTime,
  durationMs: z.number({ error: 'expected a duration in ms' }).int().nonnegative(),
  complete: z.boolean({ error: 'expected complete: true or false' }),
  /** §6: the zone it played in (absent: `main`). */
  zoneId: Id.optional(),
  /** §3: mean number of people waiting over the interval (absent without queue data). */
  audience: z.number({ error: 'expected a number of people >= 0' }).nonnegative({ error: 'expected a number of people >= 0' }).optional(),
});
export type Impression = z.infer<typeof Impression>;
