import { strings, type Lang } from '../i18n.js';
import { formatClock, useMinuteClock } from './ClockZone.js';

/** Nothing to play: a calm screen with the time and the screen's name (protocol §1, §5). */
export function IdleScreen({ name, lang, timezone }: { name: string; lang: Lang; timezone: string }) {
  const { time, day } = formatClock(useMinuteClock(), lang, timezone);
  return (
    <div className="idle" data-idle="">
      <div className="idle-clock">{time}</div>
      <div className="idle-date">{day}</div>
      <div className="idle-name">{name || strings(lang).welcome}</div>
    </div>
  );
}
