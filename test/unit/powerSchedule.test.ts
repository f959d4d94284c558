import { describe, expect, it } from 'vitest';
import { Playlist, type PlaylistInput } from '../../src/shared/playlist.js';
import { decidePower, isOpenAt, PowerSchedule, scheduledOffHours, type PowerInput } from '../../src/shared/powerSchedule.js';
import { formatIssues } from '../../src/shared/validationError.js';

const PARIS = 'Europe/Paris';
const at = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** A town hall: weekdays 08:30–12:00 and 13:30–17:30, Saturday morning 09:00–12:00. */
const TOWN_HALL = PowerSchedule.parse({
  open: [
    { days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:30' }] },
    { days: [6], hours: [{ start: '09:00', end: '12:00' }] },
  ],
});

function decide(power: PowerSchedule | undefined, now: number, extra: Partial<PowerInput> = {}) {
  return decidePower({ power, playlists: [], timezone: PARIS, now, urgentAlert: false, ...extra });
}

describe('power schedule: the decision (Europe/Paris)', () => {
  it('is on during opening hours and off outside, with the next change', () => {
    const open = decide(TOWN_HALL, at('2026-12-01T10:00:00+01:00'));
    expect(open).toMatchObject({ on: true, reason: 'open', wakesAt: null });
    expect(iso(open.sleepsAt)).toBe('2026-12-01T11:00:00.000Z');
    expect(iso(open.nextChangeAt)).toBe('2026-12-01T11:00:00.000Z');
    const lunch = decide(TOWN_HALL, at('2026-12-01T12:00:00+01:00'));
    expect(lunch).toMatchObject({ on: false, reason: 'closed', sleepsAt: null });
    expect(iso(lunch.wakesAt)).toBe('2026-12-01T12:30:00.000Z');
    // Opening is inclusive, closing exclusive (as §1 hours).
    expect(decide(TOWN_HALL, at('2026-12-01T13:30:00+01:00')).on).toBe(true);
    expect(decide(TOWN_HALL, at('2026-12-01T17:30:00+01:00')).on).toBe(false);
  });

  it('without a power schedule the screen is always on (v1 behaviour)', () => {
    const now = at('2026-12-06T03:00:00+01:00');
    expect(decide(undefined, now)).toEqual({ on: true, reason: 'no-schedule', nextChangeAt: now + 86_400_000, wakesAt: null, sleepsAt: null });
  });

  it('autumn change (25 Oct 2026): the weekend night is an hour longer, Monday opens at 08:30 winter time', () => {
    const saturdayNoon = at('2026-10-24T12:00:00+02:00');
    const d = decide(TOWN_HALL, saturdayNoon);
    expect(d.on).toBe(false);
    expect(iso(d.wakesAt)).toBe('2026-10-26T07:30:00.000Z'); // 08:30 CET
    // Asked again no later than a day on (a clock may be corrected meanwhile).
    expect(d.nextChangeAt).toBe(saturdayNoon + 86_400_000);
    expect(scheduledOffHours(TOWN_HALL, [], PARIS, saturdayNoon, d.wakesAt!)).toBe(45.5);
    // The same weekend a week later: 44.5 h.
    expect(scheduledOffHours(TOWN_HALL, [], PARIS, at('2026-10-31T12:00:00+01:00'), at('2026-11-02T08:30:00+01:00'))).toBe(44.5);
    // The Sunday morning is closed through the repeated hour, both times 02:30 happens.
    expect(decide(TOWN_HALL, at('2026-10-25T02:30:00+02:00')).on).toBe(false);
    expect(decide(TOWN_HALL, at('2026-10-25T02:30:00+01:00')).on).toBe(false);
  });

  it('spring change (28 Mar 2027): the weekend night is an hour shorter, Monday opens at 08:30 summer time', () => {
    const saturdayNoon = at('2027-03-27T12:00:00+01:00');
    const d = decide(TOWN_HALL, saturdayNoon);
    expect(iso(d.wakesAt)).toBe('2027-03-29T06:30:00.000Z'); // 08:30 CEST
    expect(scheduledOffHours(TOWN_HALL, [], PARIS, saturdayNoon, d.wakesAt!)).toBe(43.5);
    // A whole week in hours off: 168 h of the week minus 8 × 5 h open on weekdays... as the clock shows them.
    const week = scheduledOffHours(TOWN_HALL, [], PARIS, at('2027-03-22T00:00:00+01:00'), at('2027-03-29T00:00:00+02:00'));
    expect(week).toBe(167 - (5 * 7.5 + 3));
  });

  it('a night window that ends inside the spring-forward gap ends at the jump', () => {
    const night = PowerSchedule.parse({ open: [{ days: [6], hours: [{ start: '22:00', end: '02:30' }] }] });
    const d = decide(night, at('2027-03-27T23:00:00+01:00'));
    expect(d.on).toBe(true);
    expect(iso(d.sleepsAt)).toBe('2027-03-28T01:00:00.000Z'); // 03:00 CEST, the first wall time at or after 02:30
    expect(decide(night, at('2027-03-28T03:00:00+02:00')).on).toBe(false);
  });

  it('closures win over opening hours (Christmas Day); the next opening is Saturday morning', () => {
    const withChristmas = PowerSchedule.parse({ ...TOWN_HALL, closed: [{ from: '2026-12-25T00:00', until: '2026-12-26T00:00' }] });
    const thursdayEvening = decide(withChristmas, at('2026-12-24T18:00:00+01:00'));
    expect(thursdayEvening.on).toBe(false);
    expect(iso(thursdayEvening.wakesAt)).toBe('2026-12-26T08:00:00.000Z');
    expect(decide(withChristmas, at('2026-12-25T10:00:00+01:00')).on).toBe(false);
    expect(decide(TOWN_HALL, at('2026-12-25T10:00:00+01:00')).on).toBe(true);
  });

  it('wakes early and sleeps late by the margins; a lunch break shorter than both stays on', () => {
    const margins = PowerSchedule.parse({ ...TOWN_HALL, wakeBeforeMinutes: 10, sleepAfterMinutes: 5 });
    expect(decide(margins, at('2026-12-01T08:19:59+01:00')).on).toBe(false);
    expect(iso(decide(margins, at('2026-12-01T08:19:59+01:00')).wakesAt)).toBe('2026-12-01T07:20:00.000Z');
    expect(decide(margins, at('2026-12-01T08:20:00+01:00')).on).toBe(true);
    expect(iso(decide(margins, at('2026-12-01T11:00:00+01:00')).sleepsAt)).toBe('2026-12-01T11:05:00.000Z'); // 12:05
    expect(iso(decide(margins, at('2026-12-01T12:05:00+01:00')).wakesAt)).toBe('2026-12-01T12:20:00.000Z'); // 13:20
    const wide = PowerSchedule.parse({ ...TOWN_HALL, wakeBeforeMinutes: 60, sleepAfterMinutes: 60 });
    const morning = decide(wide, at('2026-12-01T10:00:00+01:00'));
    expect(iso(morning.sleepsAt)).toBe('2026-12-01T17:30:00.000Z'); // 18:30: on through lunch
  });

  it('an urgent alert wakes the screen whatever the hour, and the schedule still says when it opens', () => {
    const night = decide(TOWN_HALL, at('2026-12-02T03:00:00+01:00'), { urgentAlert: true });
    expect(night).toMatchObject({ on: true, reason: 'urgent-alert' });
    expect(iso(night.wakesAt)).toBe('2026-12-02T07:30:00.000Z');
  });

  it('"playlists": on while some playlist has an item scheduled, items and playlists in their own zones', () => {
    const playlists = (
      [
        { id: 'bureaux', schedule: { days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '12:00' }] }, items: [{ id: 'a', type: 'text', duration: 5, title: 'A' }] },
        // No playlist schedule, one item on Monday afternoons in Réunion's zone (UTC+4).
        { id: 'reunion', items: [{ id: 'b', type: 'text', duration: 5, title: 'B', schedule: { timezone: 'Indian/Reunion', days: [1], hours: [{ start: '17:00', end: '18:00' }] } }] },
        // Empty playlists never keep a screen awake.
        { id: 'vide', items: [] },
      ] satisfies PlaylistInput[]
    ).map((p) => Playlist.parse(p));
    const power = PowerSchedule.parse({ open: 'playlists' });
    const monday = (time: string) => decide(power, at(`2026-11-30T${time}+01:00`), { playlists });
    expect(monday('11:59:59').on).toBe(true);
    expect(monday('12:00:00')).toMatchObject({ on: false });
    expect(iso(monday('12:00:00').wakesAt)).toBe('2026-11-30T13:00:00.000Z'); // 17:00 in Réunion is 14:00 in Paris
    expect(iso(monday('14:30:00').sleepsAt)).toBe('2026-11-30T14:00:00.000Z');
    expect(isOpenAt(power, playlists, PARIS, at('2026-12-01T14:30:00+01:00'))).toBe(false); // Tuesday
    // A playlist that always plays keeps the screen on: no change within the week.
    const always = [...playlists, Playlist.parse({ id: 'toujours', items: [{ id: 'c', type: 'text', duration: 5, title: 'C' }] })];
    expect(decide(power, at('2026-12-06T03:00:00+01:00'), { playlists: always })).toMatchObject({ on: true, sleepsAt: null, wakesAt: null });
  });

  it('keeps the same answer until the next change it names, across both changes of 2026-27 (checked every 7 minutes)', () => {
    for (const [from, to] of [
      ['2026-10-22T00:00:00+02:00', '2026-10-29T00:00:00+01:00'],
      ['2027-03-25T00:00:00+01:00', '2027-04-01T00:00:00+02:00'],
    ] as const) {
      const margins = PowerSchedule.parse({ ...TOWN_HALL, wakeBeforeMinutes: 15, sleepAfterMinutes: 10 });
      let flips = 0;
      for (let t = at(from); t < at(to); t += 7 * 60_000) {
        const d = decide(margins, t);
        expect(decide(margins, d.nextChangeAt - 1).on, `${iso(t)} until ${iso(d.nextChangeAt)}`).toBe(d.on);
        const after = decide(margins, d.nextChangeAt).on;
        if (d.nextChangeAt === (d.on ? d.sleepsAt : d.wakesAt)) expect(after, `flips at ${iso(d.nextChangeAt)}`).toBe(!d.on);
        if (after !== d.on) flips++;
      }
      expect(flips).toBeGreaterThan(10);
    }
  });
});

describe('power schedule: the shape', () => {
  const problems = (input: unknown) => {
    const parsed = PowerSchedule.safeParse(input);
    return parsed.success ? null : formatIssues(parsed.error);
  };
  it('names what is wrong and where', () => {
    expect(problems({ open: 'always' })).toContain('open: expected "playlists" or a list of schedules');
    expect(problems({ open: [] })).toContain('open');
    expect(problems({ open: [{ days: [8] }] })).toContain('open[0].days[0]: expected an ISO weekday 1 (Monday) to 7 (Sunday)');
    expect(problems({ open: 'playlists', closed: [{ from: '2026-12-25T00:00', until: '2026-12-24T00:00' }] })).toContain('closed[0].until: must be after from');
    expect(problems({ open: 'playlists', wakeBeforeMinutes: 2.5 })).toContain('wakeBeforeMinutes: expected a whole number of minutes');
    expect(problems({ open: 'playlists', sleepAfterMinutes: 999 })).toContain('sleepAfterMinutes: expected at most 240 minutes');
    expect(problems({ open: [{ hours: [{ start: '08:30', end: '17:30' }], timezone: 'Europe/Paris' }] })).toBeNull();
  });
});
