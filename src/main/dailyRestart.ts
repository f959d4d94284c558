/**
 * The optional daily relaunch at a quiet hour (`dailyRestart: "04:00"`, local time): a long
 * running Chromium is given a fresh start, and an update downloaded meanwhile is installed.
 * The clock is looked at every minute rather than trusted to one long timer, so that a kiosk
 * whose clock is set late (offline boot, then NTP) neither misses the hour nor fires at once.
 */

export const CHECK_EVERY_MS = 60_000;
/** A time found more than this late (the clock jumped) is skipped, not caught up. */
const CATCH_UP_MS = 30 * 60_000;
/** A day and the hour a change of summer time adds. */
const DAY_MS = 25 * 3_600_000;

/** The next local `HH:MM` strictly after `from`. */
export function nextOccurrence(hhmm: string, from: Date): Date {
  const [hours, minutes] = hhmm.split(':').map(Number) as [number, number];
  const next = new Date(from.getFullYear(), from.getMonth(), from.getDate(), hours, minutes, 0, 0);
  if (next.getTime() <= from.getTime()) next.setDate(next.getDate() + 1);
  return next;
}

export interface DailyRestart {
  /** When it will fire next. */
  next(): Date;
  stop(): void;
}

export function scheduleDailyRestart(hhmm: string, onTime: (at: Date) => void, now: () => Date = () => new Date()): DailyRestart {
  let next = nextOccurrence(hhmm, now());
  const timer = setInterval(() => {
    const current = now();
    // The clock went back (set ahead at boot, then corrected): aim at the next one from now.
    if (next.getTime() - current.getTime() > DAY_MS) next = nextOccurrence(hhmm, current);
    if (current.getTime() < next.getTime()) return;
    const due = next;
    next = nextOccurrence(hhmm, current);
    if (current.getTime() - due.getTime() <= CATCH_UP_MS) onTime(due);
  }, CHECK_EVERY_MS);
  return { next: () => next, stop: () => clearInterval(timer) };
}
