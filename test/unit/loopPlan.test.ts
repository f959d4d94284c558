import { describe, expect, it } from 'vitest';
import { Layout } from '../../src/shared/layout.js';
import { planLoops, type PastWait } from '../../src/shared/loopPlan.js';
import { Playlist } from '../../src/shared/playlist.js';

/** Loop planning (issue 21): each zone's loop, per daypart, against the site's waits of the last weeks. */

const text = (id: string, seconds: number, extra: object = {}) => ({ id, type: 'text', duration: seconds, title: id, ...extra });
const playlists = [
  Playlist.parse({
    id: 'matin',
    schedule: { hours: [{ start: '08:30', end: '12:00' }] },
    // Seven items of 2 min: a 14 min loop; "vaccin" is a campaign (a dated schedule).
    items: ['a', 'b', 'c', 'd', 'e', 'vaccin', 'g'].map((id) => text(id, 120, id === 'vaccin' ? { schedule: { from: '2026-11-01T00:00', until: '2026-12-31T00:00' } } : {})),
  }),
  Playlist.parse({
    id: 'apres-midi',
    schedule: { hours: [{ start: '13:30', end: '17:00' }] },
    // A 2 min loop; "longue" only plays while the wait is 10 min or more: the median (7 min) keeps it off.
    items: [text('x', 60), text('y', 60), text('longue', 60, { when: { waitMinutes: { min: 10 } } })],
  }),
];
// Paris is UTC+1 in December: 10:00 local is 09:00Z.
const past = (day: string, hhmm: string, minutes: number): PastWait => ({ issuedAt: Date.parse(`${day}T${hhmm}:00.000Z`), minutes, service: 'etat-civil' });
const waits = [
  past('2026-11-20', '09:00', 2),
  past('2026-11-21', '09:30', 7),
  past('2026-11-24', '08:00', 9),
  past('2026-11-25', '10:00', 9),
  past('2026-11-26', '10:30', 11),
  past('2026-11-24', '13:00', 3), // 14:00 local: the afternoon
  past('2026-11-27', '15:00', 5),
  past('2026-11-27', '19:00', 45), // 20:00 local: no loop plays then
];

describe('loop planning (issue 21)', () => {
  const [main, ...others] = planLoops({ playlists, timezone: 'Europe/Paris', day: '2026-12-01', waits });

  it('splits the day into dayparts where the same items play, from the engine\'s schedule', () => {
    expect(others).toEqual([]);
    expect(main!.zoneId).toBe('main');
    expect(main!.dayparts.map((p) => [new Date(p.start).toISOString(), new Date(p.end).toISOString()])).toEqual([
      ['2026-12-01T07:30:00.000Z', '2026-12-01T11:00:00.000Z'],
      ['2026-12-01T12:30:00.000Z', '2026-12-01T16:00:00.000Z'],
    ]);
  });

  it('compares the loop with the waits issued at those hours: median, 80th percentile, each item\'s reach', () => {
    const morning = main!.dayparts[0]!;
    expect(morning.loopMs).toBe(14 * 60_000);
    expect(morning.waits).toEqual({ count: 5, sameWeekday: false, medianMin: 9, p80Min: 9.4 });
    expect(morning.items.map((i) => i.itemId)).toEqual(['a', 'b', 'c', 'd', 'e', 'vaccin', 'g']);
    // Arriving at any moment, a 2 min item back every 14 min is seen whole with probability (W - 2) / 14:
    // (0 + 5 + 7 + 7 + 9) / 14 / 5 = 0.4 for each.
    for (const item of morning.items) {
      expect(item.periodMs).toBe(14 * 60_000);
      expect(item.showings).toBe(15);
      expect(item.reach).toBeCloseTo(0.4, 10);
    }
    // Arriving as the loop starts, the item at offset o is seen by those waiting o + 2 min or more.
    expect(morning.items.map((i) => i.reachFromStart)).toEqual([1, 0.8, 0.8, 0.6, 0.2, 0, 0]);
    expect(morning.unseen.map((i) => i.itemId)).toEqual(['a', 'b', 'c', 'd', 'e', 'vaccin', 'g']);
    // The campaign first, the others as they were.
    expect(morning.items.find((i) => i.itemId === 'vaccin')!.featured).toBe(true);
    expect(morning.suggestedOrder).toEqual([{ playlistId: 'matin', itemIds: ['vaccin', 'a', 'b', 'c', 'd', 'e', 'g'] }]);

    const afternoon = main!.dayparts[1]!;
    expect(afternoon.loopMs).toBe(2 * 60_000);
    expect(afternoon.waits).toEqual({ count: 2, sameWeekday: false, medianMin: 4, p80Min: 4.6 });
    expect(afternoon.items.map((i) => [i.itemId, i.reach, i.reachFromStart])).toEqual([
      ['x', 1, 1],
      ['y', 1, 1],
    ]);
    expect(afternoon.unseen).toEqual([]);
    expect(afternoon.suggestedOrder).toEqual([]);
  });

  it('goes by the waits of the same weekday when there are enough of them', () => {
    // December 1st 2026 is a Tuesday: twenty Tuesday mornings of 30 min waits, and Saturdays of 3 min.
    const tuesdays = Array.from({ length: 20 }, (_, k) => past(['2026-11-10', '2026-11-17', '2026-11-24'][k % 3]!, '09:00', 30));
    const saturdays = Array.from({ length: 40 }, () => past('2026-11-28', '09:00', 3));
    const [plan] = planLoops({ playlists, timezone: 'Europe/Paris', day: '2026-12-01', waits: [...tuesdays, ...saturdays] });
    expect(plan!.dayparts[0]!.waits).toEqual({ count: 20, sameWeekday: true, medianMin: 30, p80Min: 30 });
    // One Tuesday short of it: every day's waits.
    const [fewer] = planLoops({ playlists, timezone: 'Europe/Paris', day: '2026-12-01', waits: [...tuesdays.slice(1), ...saturdays] });
    expect(fewer!.dayparts[0]!.waits).toMatchObject({ count: 59, sameWeekday: false, medianMin: 3 });
  });

  it('plans each playlist or ticker zone of a layout, not the queue zone, and a playlist with a share is featured', () => {
    const layout = Layout.parse({
      id: 'l',
      zones: [
        { id: 'main', x: 0, y: 0, width: 70, height: 88 },
        { id: 'file', x: 70, y: 0, width: 30, height: 88, kind: 'queue', services: ['etat-civil'] },
        { id: 'bandeau', x: 0, y: 88, width: 100, height: 12, kind: 'ticker' },
      ],
    });
    const set = [
      Playlist.parse({ id: 'infos', items: [text('i1', 120), text('i2', 120)] }),
      Playlist.parse({ id: 'sante', share: 0.5, items: [text('s1', 120)] }),
      Playlist.parse({ id: 'breves', zone: 'bandeau', items: [text('b1', 240)] }),
    ];
    const plans = planLoops({ playlists: set, layout, timezone: 'Europe/Paris', day: '2026-12-01', waits: [] });
    expect(plans.map((p) => p.zoneId)).toEqual(['main', 'bandeau']);
    const allDay = plans[0]!.dayparts[0]!;
    expect(allDay.waits).toEqual({ count: 0, sameWeekday: false, medianMin: null, p80Min: null });
    // The playlist with a share first (not shown yet this hour), then the others in turn.
    expect(allDay.items.map((i) => [`${i.playlistId}/${i.itemId}`, i.featured, i.reach])).toEqual([
      ['sante/s1', true, null],
      ['infos/i1', false, null],
      ['infos/i2', false, null],
    ]);
    // With half of the airtime, s1 comes back twice as often as i1 and i2.
    expect(allDay.items.find((i) => i.itemId === 's1')!.periodMs).toBeCloseTo(240_000, -3);
    expect(allDay.loopMs).toBeCloseTo(480_000, -3);
  });
});
