import type { Counter, DayHours, QueueModel } from './queueModel.js';

/**
 * When each counter will be open, foretold from its hours on a past day (Ibrahim & Whitt 2011:
 * with time-varying capacity, a delay predictor must use the staffing to come, not only the
 * counters open now; a town hall's lunch closes counters whose queue waits for their return).
 */

const DAY_MS = 24 * 3_600_000;
/** A counter open past its usual hours is taken to stay open this much longer. */
export const OVERTIME_MS = 15 * 60_000;
/** A counter open a little before its usual opening is in that opening's hours. */
export const EARLY_MS = 30 * 60_000;

export interface ReferenceDay {
  hours: DayHours;
  /** Whole days from that day to today: what shifts its hours onto today's. */
  shift: number;
}

/** The past day whose counters' hours foretell today's: the same weekday a week before, else the latest. */
export function referenceDay(model: QueueModel): ReferenceDay | null {
  const days = model.pastDays.map((hours) => ({ hours, shift: Math.round((model.today.start - hours.start) / DAY_MS) * DAY_MS }));
  return days.find((d) => d.shift === 7 * DAY_MS) ?? days.at(-1) ?? null;
}

/**
 * When a counter can call tickets from now on, as [from, to) instants in ascending order: from
 * its state now and its usual hours (the reference day's, shifted to today). Without usual
 * hours, an open counter stays open and a closed one stays closed.
 */
export function openWindows(now: number, counter: Counter | undefined, usual: readonly [number, number][] | undefined, shift: number): [number, number][] {
  if (!usual) return counter?.open ? [[now, Infinity]] : [];
  const hours = usual.map(([from, to]): [number, number] => [from + shift, to + shift]).filter(([, to]) => to > now);
  if (!counter?.open) return hours.map(([from, to]) => [Math.max(from, now), to]);
  const current = hours.find(([from]) => from <= now + EARLY_MS);
  const end = current ? current[1] : now + OVERTIME_MS;
  return [[now, end], ...hours.filter(([from]) => from >= end)];
}

/**
 * A counter closed in the middle of a day is on a break: expected back this long after it closed
 * (a lunch hour), when no past day tells its hours.
 */
export const BREAK_MS = 60 * 60_000;
/** ...unless it closed longer ago than this: then it has closed for the day. */
export const BREAK_HORIZON_MS = 2 * 3_600_000;

/**
 * When a counter can call from now on, on a day with no past day to foretell its hours (a screen's
 * first day): an open one stays open; one that closed today less than BREAK_HORIZON_MS ago
 * reopens BREAK_MS after it closed (on a first day, a town hall's staggered lunch otherwise left
 * the counters still serving as the only ones for the rest of the day); any other stays closed.
 */
export function firstDayWindows(now: number, counter: Counter | undefined, today: { open: readonly [number, number][] } | undefined): [number, number][] {
  if (counter?.open) return [[now, Infinity]];
  const closedAt = today?.open.at(-1)?.[1];
  if (!counter || closedAt === undefined || !Number.isFinite(closedAt) || now - closedAt >= BREAK_HORIZON_MS) return [];
  return [[Math.max(now, closedAt + BREAK_MS), Infinity]];
}
