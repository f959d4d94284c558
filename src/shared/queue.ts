import { z } from 'zod';
import { Id, UtcTime } from './ids.js';

/** Protocol §4: events from a site's ticketing system, relayed by the hub. */
export const QueueEvent = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('issued'), ticket: Id, service: Id, at: UtcTime }),
    z.object({ type: z.literal('called'), ticket: Id, counter: Id, at: UtcTime }),
    z.object({ type: z.literal('done'), ticket: Id, at: UtcTime }),
    z.object({ type: z.literal('cancelled'), ticket: Id, at: UtcTime }),
    z.object({ type: z.literal('counter'), counter: Id, open: z.boolean({ error: 'expected open: true or false' }), services: z.array(Id).max(200, { error: 'expected at most 200 services' }), at: UtcTime }),
  ],
  { error: 'expected type issued, called, done, cancelled or counter' },
);
export type QueueEvent = z.infer<typeof QueueEvent>;

/** Protocol §4: the expected wait of a service, in minutes, with an 80 % interval. */
export const WaitEstimate = z.object({
  service: Id,
  asOf: UtcTime,
  minutes: z.number({ error: 'expected minutes' }).nonnegative(),
  low: z.number({ error: 'expected low minutes' }).nonnegative(),
  high: z.number({ error: 'expected high minutes' }).nonnegative(),
  queueLength: z.number({ error: 'expected a queue length' }).int().nonnegative(),
  openCounters: z.number({ error: 'expected a number of open counters' }).int().nonnegative(),
});
export type WaitEstimate = z.infer<typeof WaitEstimate>;
