import { describe, expect, it } from 'vitest';
import { stringsOf } from '../../src/dashboard/i18n.js';
import { scheduleSentence } from '../../src/dashboard/scheduleText.js';

/** The playlist form says each schedule in a sentence: days, hours and dates together, as the player applies them. */

const fr = (schedule: unknown): string => scheduleSentence(schedule, stringsOf('fr'), 'fr-FR');
const en = (schedule: unknown): string => scheduleSentence(schedule, stringsOf('en'), 'en-GB');

describe('a schedule said in a sentence', () => {
  it('says every day, all day, for no schedule, and for all seven days', () => {
    expect(fr(undefined)).toBe('Passe tous les jours, toute la journée.');
    expect(fr({ days: [1, 2, 3, 4, 5, 6, 7] })).toBe('Passe tous les jours, toute la journée.');
    expect(en(undefined)).toBe('Plays every day, all day.');
  });

  it('says the days, the hours (midnight, the next day) and the dates together, the last day included', () => {
    expect(fr({ days: [7, 6], hours: [{ start: '18:00', end: '22:00' }], from: '2026-12-14T00:00', until: '2026-12-25T00:00' })).toBe(
      'Passe chaque samedi et dimanche, de 18:00 à 22:00, du lun. 14 décembre 2026 au jeu. 24 décembre 2026 inclus.',
    );
    expect(fr({ hours: [{ start: '08:30', end: '12:00' }, { start: '22:00', end: '02:00' }, { start: '18:00', end: '00:00' }] })).toBe(
      'Passe tous les jours, de 08:30 à 12:00, de 22:00 à 02:00 le lendemain et de 18:00 à minuit.',
    );
    expect(fr({ until: '2026-12-24T18:00' })).toBe('Passe tous les jours, toute la journée, jusqu’au jeu. 24 décembre 2026 à 18:00.');
    expect(fr({ from: '2026-12-14T08:00' })).toBe('Passe tous les jours, toute la journée, à partir du lun. 14 décembre 2026 à 08:00.');
    expect(en({ days: [1, 2, 3], from: '2026-12-14T00:00', until: '2026-12-25T00:00' })).toBe('Plays every Monday, Tuesday and Wednesday, all day, between Mon, 14 December 2026 and Thu, 24 December 2026 included.');
  });

  it('says which part the schema refuses needs fixing, rather than reading it as every day or all day', () => {
    expect(fr({ days: [9], hours: [{ start: '25:00', end: '26:00' }], from: '14/12/2026' })).toBe('Passe jours à corriger, heures à corriger, dates à corriger.');
    expect(fr({ days: ['6'] })).toBe('Passe jours à corriger, toute la journée.');
    expect(fr({ hours: [{ start: '08:00', end: '12:00' }, { start: '14:00' }] })).toBe('Passe tous les jours, heures à corriger.');
    expect(en({ until: 'tomorrow' })).toBe('Plays every day, all day, dates to fix.');
  });
});
