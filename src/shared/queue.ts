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

/**
 * The most people a service's queue and the most counters an estimate may count: far above any
 * waiting room (a prefecture's busiest day is some thousands of tickets), and within a 32-bit
 * integer, which is how both hub engines store them (PostgreSQL failed on 3,000,000,000: a 500).
 */
export const MAX_QUEUE_LENGTH = 1_000_000;
export const MAX_OPEN_COUNTERS = 10_000;

/** Protocol §4: the expected wait of a service, in minutes, with an 80 % interval. */
export const WaitEstimate = z.object({
  service: Id,
  asOf: UtcTime,
  minutes: z.number({ error: 'expected minutes' }).nonnegative(),
  low: z.number({ error: 'expected low minutes' }).nonnegative(),
  high: z.number({ error: 'expected high minutes' }).nonnegative(),
  queueLength: z.number({ error: 'expected a queue length' }).int().nonnegative().max(MAX_QUEUE_LENGTH, { error: `expected a queue length of at most ${MAX_QUEUE_LENGTH}` }),
  openCounters: z.number({ error: 'expected a number of open counters' }).int().nonnegative().max(MAX_OPEN_COUNTERS, { error: `expected at most ${MAX_OPEN_COUNTERS} open counters` }),
});
export type WaitEstimate = z.infer<typeof WaitEstimate>;
