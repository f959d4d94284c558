import { useEffect, useState } from 'react';
import { locale, type Lang } from '../i18n.js';

/** The time, wakened once a minute on the minute (the clock shows hours and minutes). */
export function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setTimeout(() => setNow(Date.now()), 60_000 - (now % 60_000) + 50);
    return () => clearTimeout(timer);
  }, [now]);
  return now;
}

export function formatClock(now: number, lang: Lang, timezone: string): { time: string; day: string } {
  const date = new Date(now);
  return {
    time: new Intl.DateTimeFormat(locale(lang), { hour: '2-digit', minute: '2-digit', timeZone: timezone }).format(date),
    day: new Intl.DateTimeFormat(locale(lang), { weekday: 'long', day: 'numeric', month: 'long', timeZone: timezone }).format(date),
  };
}

/** A `clock` zone (§6): the local date and time, large, in the screen's language. */
export function ClockZone({ lang, timezone }: { lang: Lang; timezone: string }) {
  const { time, day } = formatClock(useMinuteClock(), lang, timezone);
  return (
    <div className="clock-zone" data-clock="">
      <div className="clock-time">{time}</div>
      <div className="clock-date">{day}</div>
    </div>
  );
}
