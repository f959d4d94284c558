import { describe, expect, it } from 'vitest';
import { quantile, reachAndFrequency, reachBounds, type RealizedWait, type Showing } from '../../src/shared/reach.js';

/** Reach and frequency of each item among the people who waited (issue 21), on a day made by hand. */

const at = (hhmmss: string, day = '2026-12-01'): number => Date.parse(`${day}T${hhmmss}.000Z`);
const wait = (service: string, issued: string, called: string): RealizedWait => ({ service, issuedAt: at(issued), calledAt: at(called) });
const showing = (playlistId: string, itemId: string, start: string, seconds: number, complete = true, day = '2026-12-01'): Showing => ({
  playlistId,
  itemId,
  start: at(start, day),
  end: at(start, day) + seconds * 1000,
  complete,
});

describe('reach and frequency (issue 21)', () => {
  // Three people (Paris is UTC+1: 09:00 local is 08:00Z):
  //   A etat-civil 08:00 → 08:10 (10 min); B etat-civil 08:05 → 08:07 (2 min); C titres 08:03 → 08:20 (17 min).
  const waits = [wait('etat-civil', '08:00:00', '08:10:00'), wait('etat-civil', '08:05:00', '08:07:00'), wait('titres', '08:03:00', '08:20:00')];
  const plays = [
    showing('accueil', 'en-ligne', '08:01:00', 15), // A
    showing('accueil', 'en-ligne', '08:04:00', 15), // A, C
    showing('accueil', 'en-ligne', '08:04:05', 15), // the same moment on a second screen: once for A and C
    showing('accueil', 'en-ligne', '08:06:00', 15), // A, B, C
    showing('accueil', 'en-ligne', '08:09:55', 15), // ends after A was called: C only
    showing('accueil', 'en-ligne', '08:15:00', 15, false), // cut short: nobody
    showing('accueil', 'horaires', '08:02:00', 10), // A
    showing('accueil', 'horaires', '08:19:55', 10), // ends after C was called: nobody
    showing('vaccins', 'rappel', '08:06:30', 20, false), // shown, cut short: nobody, but listed
    showing('fetes', 'noel', '10:00:00', 8, true, '2026-12-02'), // another day: not listed
  ];
  const figures = reachAndFrequency(waits, plays, 'Europe/Paris');

  it('groups the people per local day and service, with their median wait', () => {
    expect(figures.groups).toEqual([
      { day: '2026-12-01', service: 'etat-civil', people: 2, medianWaitMin: 6 },
      { day: '2026-12-01', service: 'titres', people: 1, medianWaitMin: 17 },
    ]);
  });

  it('gives each item shown that day its reach and frequency, highest reach first', () => {
    const row = (service: string, playlistId: string, itemId: string) => figures.rows.find((r) => r.service === service && r.playlistId === playlistId && r.itemId === itemId);
    // A saw en-ligne 3 times (08:01, 08:04 on either screen, 08:06), B once (08:06).
    expect(row('etat-civil', 'accueil', 'en-ligne')).toEqual({ day: '2026-12-01', service: 'etat-civil', playlistId: 'accueil', itemId: 'en-ligne', people: 2, reached: 2, reach: 1, showings: 4, frequency: 2, frequencyAmongReached: 2 });
    // C saw it 3 times (08:04, 08:06, 08:09:55).
    expect(row('titres', 'accueil', 'en-ligne')).toEqual({ day: '2026-12-01', service: 'titres', playlistId: 'accueil', itemId: 'en-ligne', people: 1, reached: 1, reach: 1, showings: 3, frequency: 3, frequencyAmongReached: 3 });
    expect(row('etat-civil', 'accueil', 'horaires')).toEqual({ day: '2026-12-01', service: 'etat-civil', playlistId: 'accueil', itemId: 'horaires', people: 2, reached: 1, reach: 0.5, showings: 1, frequency: 0.5, frequencyAmongReached: 1 });
    expect(row('titres', 'accueil', 'horaires')).toMatchObject({ people: 1, reached: 0, reach: 0, showings: 0, frequency: 0, frequencyAmongReached: null });
    expect(row('etat-civil', 'vaccins', 'rappel')).toMatchObject({ reached: 0, reach: 0, showings: 0 });
    expect(row('etat-civil', 'fetes', 'noel')).toBeUndefined();
    expect(figures.rows.map((r) => `${r.service} ${r.playlistId}/${r.itemId}`)).toEqual([
      'etat-civil accueil/en-ligne',
      'etat-civil accueil/horaires',
      'etat-civil vaccins/rappel',
      'titres accueil/en-ligne',
      'titres accueil/horaires',
      'titres vaccins/rappel',
    ]);
  });

  it('counts the most showings a person can watch one after the other, on any of the screens', () => {
    // Three screens, each 5 s after the other: 08:01:00-10, 08:01:05-15, 08:01:10-20. Watching the first then the third: 2.
    const chained = [showing('p', 'i', '08:01:00', 10), showing('p', 'i', '08:01:05', 10), showing('p', 'i', '08:01:10', 10), showing('p', 'i', '07:59:55', 10)];
    const figures = reachAndFrequency([wait('s', '08:00:00', '08:05:00')], chained, 'Europe/Paris');
    // The showing that began before the ticket was taken is not seen whole.
    expect(figures.rows).toMatchObject([{ reached: 1, showings: 2 }]);
  });

  it('counts a ticket on the local day it was issued', () => {
    // 23:30Z on November 30th is 00:30 on December 1st in Paris.
    const late = reachAndFrequency([{ service: 's', issuedAt: at('23:30:00', '2026-11-30'), calledAt: at('23:40:00', '2026-11-30') }], [showing('p', 'i', '23:31:00', 10, true, '2026-11-30')], 'Europe/Paris');
    expect(late.groups.map((g) => g.day)).toEqual(['2026-12-01']);
    expect(late.rows).toMatchObject([{ day: '2026-12-01', reached: 1, showings: 1 }]);
  });

  it('reads a query\'s days in the site\'s zone, the last one included', () => {
    const bounds = reachBounds({ since: '2026-12-01', until: '2026-12-02' }, 'Europe/Paris', 0);
    expect([new Date(bounds.since).toISOString(), new Date(bounds.until).toISOString()]).toEqual(['2026-11-30T23:00:00.000Z', '2026-12-02T23:00:00.000Z']);
    expect(reachBounds({ since: '2026-12-01T08:00:00.000Z' }, 'Europe/Paris', 42)).toEqual({ since: Date.parse('2026-12-01T08:00:00.000Z'), until: 42 });
  });

  it('quantiles interpolate between order statistics', () => {
    expect(quantile([9, 1, 5], 0.5)).toBe(5);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 0.8)).toBe(8);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
