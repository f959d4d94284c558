import { useEffect, useState } from 'react';
import { locale, strings, type Lang } from '../i18n.js';

/** Nothing to play: a calm screen with the time and the screen's name (protocol §1, §5). */
export function IdleScreen({ name, lang, timezone }: { name: string; lang: Lang; timezone: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    // Wake once a minute, on the minute: the clock shows hours and minutes.
    const timer = setTimeout(() => setNow(Date.now()), 60_000 - (now % 60_000) + 50);
    return () => clearTimeout(timer);
  }, [now]);
  const date = new Date(now);
  const time = new Intl.DateTimeFormat(locale(lang), { hour: '2-digit', minute: '2-digit', timeZone: timezone }).format(date);
  const day = new Intl.DateTimeFormat(locale(lang), { weekday: 'long', day: 'numeric', month: 'long', timeZone: timezone }).format(date);
  return (
    <div className="idle" data-idle="">
      <div className="idle-clock">{time}</div>
      <div className="idle-date">{day}</div>
      <div className="idle-name">{name || strings(lang).welcome}</div>
    </div>
  );
}
