import { z } from 'zod';

/** Ids on the wire: `[A-Za-z0-9._-]{1,64}` (protocol, preamble). */
export const Id = z
  .string({ error: 'expected a string id' })
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'expected 1 to 64 characters among A-Z a-z 0-9 . _ -' });

/** Wire times: ISO-8601 in UTC with milliseconds (`2026-11-23T08:30:00.000Z`), a real instant (not month 13 nor 30 February). */
export const UtcTime = z
  .string({ error: 'expected an ISO-8601 UTC time' })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, {
    error: 'expected an ISO-8601 UTC time with milliseconds, like 2026-11-23T08:30:00.000Z',
  })
  // The one spelling of a real instant is its own toISOString (Date.parse rolls 30 February over to March, or gives NaN).
  .refine(isRealUtcTime, { error: 'not a real date and time (month 01-12, a day of that month, 00:00:00.000 to 23:59:59.999)' });

function isRealUtcTime(text: string): boolean {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && new Date(ms).toISOString() === text;
}

export const Sha256 = z
  .string({ error: 'expected 64 hex characters' })
  .regex(/^[0-9a-fA-F]{64}$/, { error: 'expected 64 hex characters' });

export function toUtcTime(ms: number): string {
  return new Date(ms).toISOString();
}
