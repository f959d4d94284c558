import type { Strings } from './i18n.js';
import { fromFields, untilFields, valueAt } from './playlistForm.js';

/**
 * A schedule (§1) said in one sentence, as the form's fields set it: "Passe chaque samedi et
 * dimanche, de 18:00 à 22:00, du lun. 14 décembre 2026 au jeu. 24 décembre 2026 inclus." Days,
 * hours and dates all apply together; the sentence says so by saying them together. A part the
 * schema would refuse is left out (its field says why).
 */
export function scheduleSentence(schedule: unknown, t: Strings, locale: string): string {
  const list = (parts: string[]): string => new Intl.ListFormat(locale, { type: 'conjunction' }).format(parts);
  const days = valueAt(schedule, ['days']);
  const dayList = Array.isArray(days) ? days : [];
  const dayNumbers = [...new Set(dayList.filter((d): d is number => Number.isInteger(d) && d >= 1 && d <= 7))].sort((a, b) => a - b);
  // A part the schema refuses is said to need fixing, not read as "every day" or "all day".
  const daysPart =
    days !== undefined && (!Array.isArray(days) || dayNumbers.length !== dayList.length) ? t.sentenceToFix(t.formDays) : dayNumbers.length === 0 || dayNumbers.length === 7 ? t.sentenceEveryDay : t.sentenceDays(list(dayNumbers.map((d) => weekdayName(d, locale))));

  const hours = valueAt(schedule, ['hours']);
  const time = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
  const windowList = Array.isArray(hours) ? hours : [];
  const windows = windowList.flatMap((w: unknown) => {
    const start = valueAt(w, ['start']);
    const end = valueAt(w, ['end']);
    return typeof start === 'string' && typeof end === 'string' && time.test(start) && time.test(end) ? [{ start, end }] : [];
  });
  const hoursPart =
    hours !== undefined && (!Array.isArray(hours) || windows.length !== windowList.length)
      ? t.sentenceToFix(t.formHours)
      : windows.length === 0
        ? t.sentenceAllDay
        : list(windows.map(({ start, end }) => t.sentenceWindow(start, end === '00:00' || end === '24:00' ? null : end, end !== '00:00' && end !== '24:00' && end <= start)));

  const date = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const day = (iso: string): string => {
    const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
    return date.format(Date.UTC(y, m - 1, d));
  };
  const fromValue = valueAt(schedule, ['from']);
  const untilValue = valueAt(schedule, ['until']);
  const from = fromFields(fromValue);
  const until = untilFields(untilValue);
  const fromText = from ? t.sentenceAt(day(from.day), from.time || null) : null;
  const untilText = until ? t.sentenceAt(day(until.day), until.time || null) : null;
  const datesPart =
    (fromValue !== undefined && !from) || (untilValue !== undefined && !until)
      ? t.sentenceToFix(t.sentenceDates)
      : fromText && untilText
        ? t.sentenceFromTo(fromText, untilText, !until!.time)
        : fromText
          ? t.sentenceFrom(fromText)
          : untilText
            ? t.sentenceUntil(untilText, !until!.time)
            : null;

  return `${t.sentencePlays} ${[daysPart, hoursPart, datesPart].filter(Boolean).join(', ')}.`;
}

/** ISO weekday 1 (Monday) to 7 named in `locale`: 2026-11-30 was a Monday. */
export function weekdayName(isoDay: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, 10, 29 + isoDay));
}
