import { instantOfLocal } from '../shared/localTime.js';

/** Days as people pick them (YYYY-MM-DD) and the instants they span in a time zone. */

/** This browser's local day, `offsetDays` from today. */
export function localDay(offsetDays = 0, now = Date.now()): string {
  const d = new Date(now + offsetDays * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function nextDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Every day from `first` to `last`, both included. */
export function daysFrom(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = first; day <= last && days.length < 366; day = nextDay(day)) days.push(day);
  return days;
}

/** [from, until) of the local day in `timezone` (23 or 25 hours when the clocks change). */
export function dayBounds(day: string, timezone: string): { from: number; until: number } {
  return { from: instantOfLocal(`${day}T00:00`, timezone), until: instantOfLocal(`${nextDay(day)}T00:00`, timezone) };
}
