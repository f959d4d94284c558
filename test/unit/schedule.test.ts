import { describe, expect, it } from 'vitest';
import type { PlaylistInput, Schedule, When } from '../../src/shared/playlist.js';
import { Playlist } from '../../src/shared/playlist.js';
import { decide, isScheduleActive, MAX_SLEEP_MS, nextChangeAt, START_ROTATION, stillPlays, type Rotation } from '../../src/shared/schedule.js';

const PARIS = 'Europe/Paris';
const at = (iso: string) => Date.parse(iso);
const text = (id: string, extra: { schedule?: Schedule; when?: When } = {}) => ({ id, type: 'text' as const, duration: 10, title: id, ...extra });
const playlist = (input: Omit<PlaylistInput, 'items'> & { items?: PlaylistInput['items'] }) => Playlist.parse({ items: [text(`${input.id}-1`)], ...input });

function sequence(playlists: Playlist[], now: number, count: number, options: { waits?: Record<string, number>; zone?: string } = {}): string[] {
  let rotation: Rotation = START_ROTATION;
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const d = decide({ playlists, timezone: options.zone ?? PARIS, now, rotation, ...(options.waits ? { waits: options.waits } : {}) });
    out.push(d.now ? d.now.item.id : 'idle');
    rotation = d.rotation;
  }
  return out;
}

describe('schedules (protocol §1)', () => {
  const cases: [string, PlaylistInput['schedule'], string, boolean][] = [
    ['no schedule is always active', undefined, '2026-11-25T03:00:00+01:00', true],
    ['from is inclusive', { from: '2026-12-01T08:00' }, '2026-12-01T08:00:00+01:00', true],
    ['before from', { from: '2026-12-01T08:00' }, '2026-12-01T07:59:59+01:00', false],
    ['until is exclusive', { until: '2026-12-24T18:00' }, '2026-12-24T18:00:00+01:00', false],
    ['just before until', { until: '2026-12-24T18:00' }, '2026-12-24T17:59:59+01:00', true],
    ['weekday allowed (Wednesday)', { days: [3] }, '2026-11-25T12:00:00+01:00', true],
    ['weekday not allowed', { days: [1, 2] }, '2026-11-25T12:00:00+01:00', false],
    ['inside hours', { hours: [{ start: '08:30', end: '12:00' }] }, '2026-11-25T08:30:00+01:00', true],
    ['hours end exclusive', { hours: [{ start: '08:30', end: '12:00' }] }, '2026-11-25T12:00:00+01:00', false],
    ['second window', { hours: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:00' }] }, '2026-11-25T14:00:00+01:00', true],
    ['lunch break', { hours: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:00' }] }, '2026-11-25T12:30:00+01:00', false],
    ['window wrapping midnight, evening', { hours: [{ start: '22:00', end: '02:00' }] }, '2026-11-25T23:00:00+01:00', true],
    ['window wrapping midnight, after midnight', { hours: [{ start: '22:00', end: '02:00' }] }, '2026-11-26T01:59:00+01:00', true],
    ['window wrapping midnight, ended', { hours: [{ start: '22:00', end: '02:00' }] }, '2026-11-26T02:00:00+01:00', false],
    ['wrap belongs to the day it starts: Friday night goes on into Saturday', { days: [5], hours: [{ start: '22:00', end: '02:00' }] }, '2026-11-28T01:00:00+01:00', true],
    ['wrap belongs to the day it starts: Thursday night is not Friday', { days: [5], hours: [{ start: '22:00', end: '02:00' }] }, '2026-11-27T01:00:00+01:00', false],
    ['end equal to start wraps: a whole day from start (protocol: end <= start wraps)', { hours: [{ start: '08:00', end: '08:00' }] }, '2026-11-26T07:59:00+01:00', true],
    ['end 24:00 means midnight', { hours: [{ start: '20:00', end: '24:00' }] }, '2026-11-25T23:59:00+01:00', true],
    ['summer time offset', { hours: [{ start: '08:30', end: '12:00' }] }, '2026-07-01T06:30:00Z', true],
    ['summer time offset, an hour before', { hours: [{ start: '08:30', end: '12:00' }] }, '2026-07-01T05:30:00Z', false],
    // Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:00-03:00 does not exist.
    ['spring forward: a window in the gap starts at the jump', { hours: [{ start: '02:30', end: '03:30' }] }, '2026-03-29T01:00:00Z', true],
    ['spring forward: not before the jump', { hours: [{ start: '02:30', end: '03:30' }] }, '2026-03-29T00:59:00Z', false],
    ['spring forward: 08:30 is 06:30 UTC', { hours: [{ start: '08:30', end: '12:00' }] }, '2026-03-29T06:30:00Z', true],
    // Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:00-03:00 happens twice.
    ['fall back: 02:30 the first time', { hours: [{ start: '02:15', end: '02:45' }] }, '2026-10-25T00:30:00Z', true],
    ['fall back: 02:30 the second time', { hours: [{ start: '02:15', end: '02:45' }] }, '2026-10-25T01:30:00Z', true],
    ['fall back: a window over the change lasts an hour more', { hours: [{ start: '01:00', end: '04:00' }] }, '2026-10-25T02:30:00Z', true],
    ['fall back: until a repeated time ends the first time the clock shows it', { until: '2026-10-25T02:30' }, '2026-10-25T01:15:00Z', false],
    ['fall back: until a repeated time, before it', { until: '2026-10-25T02:30' }, '2026-10-25T00:29:00Z', true],
    ['spring forward: from a time in the gap starts at the jump', { from: '2026-03-29T02:30' }, '2026-03-29T01:00:00Z', true],
    ['spring forward: from a time in the gap, before the jump', { from: '2026-03-29T02:30' }, '2026-03-29T00:59:59Z', false],
    ['schedule in another zone than the screen', { timezone: 'America/New_York', hours: [{ start: '09:00', end: '10:00' }] }, '2026-11-25T14:30:00Z', true],
  ];
  it.each(cases)('%s', (_name, schedule, iso, expected) => {
    expect(isScheduleActive(schedule ? playlist({ id: 'p', schedule }).schedule : undefined, PARIS, at(iso))).toBe(expected);
  });

  it('reads a schedule without timezone in the screen zone', () => {
    const p = playlist({ id: 'p', schedule: { hours: [{ start: '09:00', end: '10:00' }] } });
    const t = at('2026-11-25T09:30:00+01:00');
    expect(isScheduleActive(p.schedule, 'Europe/Paris', t)).toBe(true);
    expect(isScheduleActive(p.schedule, 'Europe/London', t)).toBe(false); // 08:30 in London
  });
});

describe('decide', () => {
  const wednesday10 = at('2026-11-25T10:00:00+01:00');

  it('plays items in order and loops', () => {
    const p = playlist({ id: 'a', items: [text('a1'), text('a2'), text('a3')] });
    expect(sequence([p], wednesday10, 7)).toEqual(['a1', 'a2', 'a3', 'a1', 'a2', 'a3', 'a1']);
  });

  it('starts a new set’s playlist from its first item when its id is used again for other items; goes on where the same items stood', () => {
    const play = (playlists: Playlist[], rotation: Rotation, count: number) => {
      const shown: string[] = [];
      for (let k = 0; k < count; k++) {
        const d = decide({ playlists, timezone: PARIS, now: wednesday10, rotation });
        shown.push(d.now!.item.id);
        rotation = d.rotation;
      }
      return { shown, rotation };
    };
    const first = play([playlist({ id: 'p', items: [text('a'), text('b'), text('c')] })], START_ROTATION, 2);
    expect(first.shown).toEqual(['a', 'b']);
    // Another set, the same playlist id, other items: from its first item (it opened on `z` before).
    expect(play([playlist({ id: 'p', items: [text('x'), text('y'), text('z')] })], first.rotation, 3).shown).toEqual(['x', 'y', 'z']);
    // The same items again (a set pushed again, or an item added): on after the item played last.
    expect(play([playlist({ id: 'p', items: [text('a'), text('b'), text('c')] })], first.rotation, 2).shown).toEqual(['c', 'a']);
    expect(play([playlist({ id: 'p', items: [text('new'), text('a'), text('b'), text('c')] })], first.rotation, 2).shown).toEqual(['c', 'new']);
    // A rotation saved before `taken` (its index only) goes on from its index.
    expect(play([playlist({ id: 'p', items: [text('a'), text('b'), text('c')] })], { last: 'p', cursors: { p: 2 } }, 2).shown).toEqual(['c', 'a']);
  });

  it('round-robins item by item among equal priorities', () => {
    const a = playlist({ id: 'a', items: [text('a1'), text('a2'), text('a3')] });
    const b = playlist({ id: 'b', items: [text('b1')] });
    expect(sequence([a, b], wednesday10, 6)).toEqual(['a1', 'b1', 'a2', 'b1', 'a3', 'b1']);
  });

  it('plays only the highest active layer', () => {
    const low = playlist({ id: 'low', priority: 0 });
    const high = playlist({ id: 'high', priority: 2, schedule: { from: '2026-11-20T00:00' } });
    expect(sequence([low, high], wednesday10, 3)).toEqual(['high-1', 'high-1', 'high-1']);
    expect(sequence([low, high], at('2026-11-19T10:00:00+01:00'), 2)).toEqual(['low-1', 'low-1']);
  });

  it('gives way to a lower layer when the higher has nothing playable', () => {
    const low = playlist({ id: 'low' });
    const high = playlist({ id: 'high', priority: 1, items: [text('h', { schedule: { hours: [{ start: '20:00', end: '21:00' }] } })] });
    expect(sequence([low, high], wednesday10, 2)).toEqual(['low-1', 'low-1']);
  });

  it('skips items outside their own schedule, items not ready, and waits out of range', () => {
    const p = playlist({
      id: 'a',
      items: [
        text('morning', { schedule: { hours: [{ start: '08:00', end: '09:00' }] } }),
        text('always'),
        { id: 'img', type: 'image', duration: 5, src: 'x.png', sha256: 'b'.repeat(64) },
        text('long-wait', { when: { waitMinutes: { min: 15 } } }),
        text('short-wait', { when: { waitMinutes: { max: 15 } } }),
      ],
    });
    const d = (waits?: Record<string, number>) => {
      let rotation: Rotation = START_ROTATION;
      const out: string[] = [];
      for (let k = 0; k < 4; k++) {
        const r = decide({ playlists: [p], timezone: PARIS, now: wednesday10, rotation, isReady: (item) => item.id !== 'img', ...(waits ? { waits } : {}) });
        out.push(r.now?.item.id ?? 'idle');
        rotation = r.rotation;
      }
      return out;
    };
    expect(d()).toEqual(['always', 'always', 'always', 'always']); // no estimate: waitMinutes items are inactive
    expect(d({ 'etat-civil': 20 })).toEqual(['always', 'long-wait', 'always', 'long-wait']);
    expect(d({ 'etat-civil': 5 })).toEqual(['always', 'short-wait', 'always', 'short-wait']);
  });

  it('is idle when nothing is playable, and says when to look again', () => {
    const p = playlist({ id: 'a', schedule: { days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '12:00' }] } });
    const saturday = at('2026-11-28T10:00:00+01:00');
    const d = decide({ playlists: [p], timezone: PARIS, now: saturday, rotation: START_ROTATION });
    expect(d.now).toBeNull();
    // Monday 08:30 is more than a day away: the engine asks to be called again in a day at most.
    expect(d.nextChangeAt).toBe(saturday + MAX_SLEEP_MS);
    const sunday = decide({ playlists: [p], timezone: PARIS, now: at('2026-11-29T10:00:00+01:00'), rotation: START_ROTATION });
    expect(new Date(sunday.nextChangeAt).toISOString()).toBe('2026-11-30T07:30:00.000Z');
    const days = playlist({ id: 'd', schedule: { days: [6, 7] } });
    expect(new Date(nextChangeAt([days], PARIS, at('2026-11-27T10:00:00+01:00'))).toISOString()).toBe('2026-11-27T23:00:00.000Z');
  });

  it('answers what plays next', () => {
    const p = playlist({ id: 'a', items: [text('a1'), text('a2')] });
    const d = decide({ playlists: [p], timezone: PARIS, now: wednesday10, rotation: START_ROTATION });
    expect([d.now?.item.id, d.next?.item.id]).toEqual(['a1', 'a2']);
  });

  it('finds the next boundary: window end, then window start, DST included', () => {
    const p = playlist({ id: 'a', schedule: { hours: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:00' }] } });
    const iso = (t: number) => new Date(t).toISOString();
    expect(iso(nextChangeAt([p], PARIS, wednesday10))).toBe('2026-11-25T11:00:00.000Z');
    expect(iso(nextChangeAt([p], PARIS, at('2026-11-25T12:00:00+01:00')))).toBe('2026-11-25T12:30:00.000Z');
    const gap = playlist({ id: 'g', schedule: { hours: [{ start: '02:30', end: '05:00' }] } });
    expect(iso(nextChangeAt([gap], PARIS, at('2026-03-28T23:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
    const twice = playlist({ id: 't', schedule: { hours: [{ start: '02:30', end: '02:40' }] } });
    expect(iso(nextChangeAt([twice], PARIS, at('2026-10-25T00:35:00Z')))).toBe('2026-10-25T00:40:00.000Z');
    expect(iso(nextChangeAt([twice], PARIS, at('2026-10-25T00:45:00Z')))).toBe('2026-10-25T01:30:00.000Z');
  });

  it('cuts an item whose playlist is outranked or whose window closed', () => {
    const low = playlist({ id: 'low' });
    const high = playlist({ id: 'high', priority: 1, schedule: { from: '2026-11-25T10:00' } });
    const before = { playlists: [low, high], timezone: PARIS, rotation: START_ROTATION };
    expect(stillPlays({ ...before, now: at('2026-11-25T09:59:59+01:00') }, 'low', 'low-1')).toBe(true);
    expect(stillPlays({ ...before, now: wednesday10 }, 'low', 'low-1')).toBe(false);
    expect(stillPlays({ ...before, now: wednesday10 }, 'high', 'high-1')).toBe(true);
    expect(stillPlays({ ...before, now: wednesday10 }, 'gone', 'x')).toBe(false);
  });
});

describe('boundaries in zones with odd offsets', () => {
  it('finds a window start on the day of a DST change at +12:45 (Pacific/Chatham, found by fast-check)', () => {
    const p = Playlist.parse({ id: 'p', items: [{ id: 'a', type: 'text', duration: 10, title: 't', schedule: { timezone: 'Pacific/Chatham', hours: [{ start: '02:00', end: '00:15' }] } }] });
    const t = Date.parse('2027-09-25T11:30:00Z'); // 00:15 on 26 September in Chatham, the day clocks go forward at 02:45
    expect(new Date(nextChangeAt([p], 'Europe/Paris', t)).toISOString()).toBe('2027-09-25T13:15:00.000Z'); // 02:00 at +12:45
  });

  it('finds the instant clocks fall back into a window that had closed (New York, 2027-11-07, found by fast-check)', () => {
    // 00:00 to 01:15 and 02:00 to midnight: at 01:15 EDT the window closes; at 02:00 EDT clocks go back to
    // 01:00 EST, inside it again until 01:15 EST. The change is the jump, a wall time of no window's.
    const p = Playlist.parse({ id: 'p', schedule: { timezone: 'America/New_York', hours: [{ start: '00:00', end: '01:15' }, { start: '02:00', end: '00:00' }] }, items: [text('a')] });
    const closed = Date.parse('2027-11-07T05:15:00Z'); // 01:15 EDT
    expect(isScheduleActive(p.schedule, PARIS, closed)).toBe(false);
    const next = nextChangeAt([p], PARIS, closed);
    expect(new Date(next).toISOString()).toBe('2027-11-07T06:00:00.000Z'); // 01:00 EST
    expect(isScheduleActive(p.schedule, PARIS, next - 1)).toBe(false);
    expect(isScheduleActive(p.schedule, PARIS, next)).toBe(true);
    expect(new Date(nextChangeAt([p], PARIS, next)).toISOString()).toBe('2027-11-07T06:15:00.000Z'); // 01:15 EST
  });
  it('starts a schedule from a time inside the spring-forward gap at the jump itself, to the millisecond, whichever minute it names', () => {
    // Paris, 2027-03-28: clocks go from 02:00 CET to 03:00 CEST at 01:00:00Z; no wall time from 02:00 to 02:59 exists.
    const jump = Date.parse('2027-03-28T01:00:00Z');
    const wrong: string[] = [];
    for (let minute = 0; minute < 60; minute++) {
      const from = `2027-03-28T02:${String(minute).padStart(2, '0')}`;
      const p = Playlist.parse({ id: 'p', schedule: { from }, items: [text('a')] });
      const next = nextChangeAt([p], PARIS, jump - 3_600_000);
      if (next !== jump || isScheduleActive(p.schedule, PARIS, jump - 1) || !isScheduleActive(p.schedule, PARIS, jump)) wrong.push(`${from}: ${new Date(next).toISOString()}`);
    }
    // (Before, the jump was found to the second and rounded up: 56 of these 60 started 1 s late.)
    expect(wrong).toEqual([]);
  });
  it('reaches a from or until with seconds inside the spring-forward gap at the jump, and one after the gap at its own second', () => {
    const jump = Date.parse('2027-03-28T01:00:00Z');
    for (const from of ['2027-03-28T02:00:30', '2027-03-28T02:59:59', '2027-03-28T02:30:01']) {
      const p = Playlist.parse({ id: 'p', schedule: { from }, items: [text('a')] });
      // (Before, the seconds were added after the gap was resolved: 02:59:59 began at 03:00:59, 59 s late.)
      expect([from, isScheduleActive(p.schedule, PARIS, jump - 1), isScheduleActive(p.schedule, PARIS, jump)]).toEqual([from, false, true]);
    }
    const until = Playlist.parse({ id: 'p', schedule: { until: '2027-03-28T02:59:59' }, items: [text('a')] });
    expect([isScheduleActive(until.schedule, PARIS, jump - 1), isScheduleActive(until.schedule, PARIS, jump)]).toEqual([true, false]);
    const after = Playlist.parse({ id: 'p', schedule: { from: '2027-03-28T03:00:59' }, items: [text('a')] });
    expect([isScheduleActive(after.schedule, PARIS, jump + 58_999), isScheduleActive(after.schedule, PARIS, jump + 59_000)]).toEqual([false, true]);
  });
});

describe('when.service (§1)', () => {
  it('counts only the named service estimate; without it, the longest of all', async () => {
    const { isWhenSatisfied } = await import('../../src/shared/schedule.js');
    const waits = { 'etat-civil': 25, titres: 5 };
    expect(isWhenSatisfied({ waitMinutes: { min: 15 }, service: 'titres' }, waits)).toBe(false);
    expect(isWhenSatisfied({ waitMinutes: { min: 15 }, service: 'etat-civil' }, waits)).toBe(true);
    expect(isWhenSatisfied({ waitMinutes: { min: 15 } }, waits)).toBe(true);
    // The named service has no estimate: inactive, whatever the others say.
    expect(isWhenSatisfied({ waitMinutes: { max: 60 }, service: 'passeports' }, waits)).toBe(false);
  });
});
