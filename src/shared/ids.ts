import { z } from 'zod';

/** Ids on the wire: `[A-Za-z0-9._-]{1,64}` (protocol, preamble). */
export const Id = z
  .string({ error: 'expected a string id' })
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'expected 1 to 64 characters among A-Z a-z 0-9 . _ -' });

/** Wire times: ISO-8601 in UTC with milliseconds (`2026-11-23T08:30:00.000Z`). */
export const UtcTime = z
  .string({ error: 'expected an ISO-8601 UTC time' })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, {
    error: 'expected an ISO-8601 UTC time with milliseconds, like 2026-11-23T08:30:00.000Z',
  });

export const Sha256 = z
  .string({ error: 'expected 64 hex characters' })
  .regex(/^[0-9a-fA-F]{64}$/, { error: 'expected 64 hex characters' });

export function toUtcTime(ms: number): string {
  return new Date(ms).toISOString();
}
