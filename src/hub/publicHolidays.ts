import Holidays from 'date-holidays';
import type { Schedule } from '../shared/playlist.js';

/**
 * Public holidays as power-schedule closures (`closed`), from date-holidays (a maintained
 * calendar of holidays per country and region: France with Alsace-Moselle's Good Friday and
 * 26 December, and the overseas departments). Each is a whole local day, read in the screen's zone.
 */

export interface HolidayClosure {
  name: string;
  closure: Schedule;
}

function nextDay(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/** The public holidays of `year` in `country` (ISO 3166 code, e.g. FR) and its `region` (e.g. 57 for Moselle), as closures. */
export function holidayClosures(year: number, country: string, region?: string): HolidayClosure[] {
  const known = new Holidays();
  if (!Object.keys(known.getCountries() ?? {}).includes(country)) throw new Error(`--country ${country}: not a country the holiday calendar knows (an ISO 3166 code like FR)`);
  const regions = Object.keys(known.getStates(country) ?? {});
  if (region && !regions.includes(region)) throw new Error(`--region ${region}: not a region of ${country} (${regions.join(', ') || 'it has none'})`);
  const calendar = region ? new Holidays(country, region) : new Holidays(country);
  return calendar
    .getHolidays(year)
    .filter((holiday) => holiday.type === 'public')
    .map((holiday) => {
      const date = holiday.date.slice(0, 10);
      return { name: holiday.name, closure: { from: `${date}T00:00`, until: `${nextDay(date)}T00:00` } };
    });
}
