import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UtcTime } from '../../src/shared/ids.js';

/** Wire times (protocol preamble): ISO-8601 in UTC with milliseconds, and a real instant. */

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The reference: a real instant is spelled exactly as its own toISOString. */
function roundTrips(text: string): boolean {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && new Date(ms).toISOString() === text;
}

describe('UtcTime', () => {
  it('takes a time iff it is its own toISOString: every field just past its range is refused, leap days where the calendar has them', () => {
    // Years 1000 to 9999 (Date.parse reads 0000 to 0099 as 1900s in some forms); months, days and times up to just past their ranges.
    const time = fc
      .record({ year: fc.integer({ min: 1000, max: 9999 }), month: fc.integer({ min: 0, max: 13 }), day: fc.integer({ min: 0, max: 32 }), hour: fc.integer({ min: 0, max: 24 }), minute: fc.integer({ min: 0, max: 60 }), second: fc.integer({ min: 0, max: 60 }), ms: fc.integer({ min: 0, max: 999 }) })
      .map(({ year, month, day, hour, minute, second, ms }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(ms, 3)}Z`);
    fc.assert(
      fc.property(time, (text) => UtcTime.safeParse(text).success === roundTrips(text)),
      { numRuns: 20_000 },
    );
  });

  it('names what is wrong', () => {
    expect(UtcTime.safeParse('2024-02-29T23:59:59.999Z').success).toBe(true);
    expect(UtcTime.safeParse('2000-02-29T00:00:00.000Z').success).toBe(true);
    for (const text of ['2026-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2026-04-31T08:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-12-01T24:00:00.000Z', '2026-12-01T23:60:00.000Z']) {
      expect(UtcTime.safeParse(text).error?.issues.map((issue) => issue.message), text).toEqual(['not a real date and time (month 01-12, a day of that month, 00:00:00.000 to 23:59:59.999)']);
    }
    expect(UtcTime.safeParse('2026-12-01T08:00:00Z').error?.issues[0]?.message).toBe('expected an ISO-8601 UTC time with milliseconds, like 2026-11-23T08:30:00.000Z');
  });
});
