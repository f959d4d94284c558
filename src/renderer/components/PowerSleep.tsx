import { useSyncExternalStore } from 'react';
import { locale, strings, type Lang } from '../i18n.js';
import type { ScreenPower } from '../screenPower.js';
import { useMinuteClock } from './ClockZone.js';

/** Where the dim line stands each minute: it never stays on the same pixels (no burn-in), in the middle 80 % of the screen. */
export function driftPosition(minute: number): { left: number; top: number } {
  const left = 10 + ((minute * 37) % 61);
  const top = 10 + ((minute * 53) % 71);
  return { left, top };
}

/**
 * The screen asleep (building closed): black over the content and info alerts (an urgent alert
 * wakes the screen first; the identify, status and pairing overlays show over it). Only a dim line says it sleeps and when it wakes, for the staff, moved
 * every minute. Under a display powered down (`off`) it is what shows if the display wakes by itself.
 */
export function PowerSleep({ power, lang, timezone }: { power: ScreenPower; lang: Lang; timezone: string }) {
  const view = useSyncExternalStore(power.subscribe, power.getView);
  const now = useMinuteClock();
  if (!view.asleep) return null;
  const { left, top } = driftPosition(Math.floor(now / 60_000));
  const wakes = view.wakesAt === null ? null : new Intl.DateTimeFormat(locale(lang), { weekday: 'long', hour: '2-digit', minute: '2-digit', timeZone: timezone }).format(view.wakesAt);
  return (
    <div className="power-sleep" data-power={view.state} aria-hidden="true">
      <div className="power-sleep-line" style={{ left: `${left}%`, top: `${top}%` }}>
        {strings(lang).asleep}
        {wakes ? ` · ${strings(lang).wakes(wakes)}` : ''}
      </div>
    </div>
  );
}
