import { z } from 'zod';
import { Id, UtcTime } from './ids.js';

/** Protocol §3: proof of play, one record per item shown. `id` is the idempotency key. */
export const Impression = z.object({
  id: z.uuid({ error: 'expected a UUID' }),
  screenId: Id,
  playlistId: Id,
  itemId: Id,
  revision: z.string({ error: 'expected the set revision' }),
  start: UtcTime,
  end: UtcTime,
  durationMs: z.number({ error: 'expected a duration in ms' }).int().nonnegative(),
  complete: z.boolean({ error: 'expected complete: true or false' }),
});
export type Impression = z.infer<typeof Impression>;
