import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { serviceLabel } from '../../shared/layout.js';
import type { WaitEstimate } from '../../shared/queue.js';
import { counterLabel, strings, type Lang, type Strings } from '../i18n.js';
import type { QueueTracker } from '../queueTracker.js';
import type { CallAnnouncer } from '../callAnnouncer.js';

/**
 * What the queue boards read (provided by the stage): the tracker, the language, whether a `wait`
 * item chimes by itself (the player's `chime` setting, when no layout announces calls), the
 * call announcer whose `zone` highlights the queue zone shows, and the services' and counters' names.
 */
export const QueueContext = createContext<{
  tracker: QueueTracker;
  chime: boolean;
  lang: Lang;
  announcer: CallAnnouncer | null;
  showWait: ShowWait;
  /** The layout's `serviceNames` and `counterNames` (none without a layout, or when it names none). */
  serviceNames: Readonly<Record<string, string>> | undefined;
  counterNames: Readonly<Record<string, string>> | undefined;
} | null>(null);

/** §2 `showWait`: what the board shows of the queue. */
export type ShowWait = 'range' | 'calls-only' | 'off';

/** Two soft tones (a "ding-dong"), through Web Audio: no file to ship or to cache. */
export function playChime(): void {
  const audio = new AudioContext();
  for (const [k, frequency] of [659.25, 523.25].entries()) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    const start = audio.currentTime + k * 0.45;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.3, start + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.9);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.95);
  }
  setTimeout(() => void audio.close(), 2_000);
}

/** How long a newly called ticket stays highlighted. */
export const ANNOUNCE_MS = 10_000;

/** "moins de 5 min", "15 à 20 min": a range rounded to 5 minutes, never a false precision. */
export function waitRange(estimate: WaitEstimate, t: Strings = strings('fr')): string {
  const low = Math.floor(estimate.low / 5) * 5;
  const high = Math.max(5, Math.ceil(estimate.high / 5) * 5);
  if (high <= 5) return t.under5;
  if (low === 0 && high <= 10) return t.under10;
  if (high - low > 30 && estimate.minutes >= 60) return t.overHours(Math.floor(estimate.minutes / 60));
  return t.range(low, high);
}

const noTracker = () => () => {};
const noView = () => null;

/**
 * A queue board: the last tickets called, large, and each service's wait as a range ("Service
 * fermé" when its counters are all closed). `item`: the board of a `wait` item (one service;
 * highlights a call made while it is up). `zone`: a queue zone (§6), always on, its services'
 * calls only, the call being announced (`calls.show: zone`) highlighted. `onScreen` false: a
 * `wait` item's board on its way out, whose §5 attributes are left to the board coming in.
 */
export function QueueBoard({ services, onScreen, variant = 'item' }: { services: readonly string[] | null; onScreen: boolean; variant?: 'item' | 'zone' }) {
  const context = useContext(QueueContext);
  const tracker = context?.tracker;
  const t = strings(context?.lang ?? 'fr');
  const view = useSyncExternalStore(tracker?.subscribe ?? noTracker, tracker?.getView ?? noView);
  const announcer = variant === 'zone' ? (context?.announcer ?? null) : null;
  const announcing = useSyncExternalStore(announcer?.subscribe ?? noTracker, announcer?.getView ?? noView)?.current;
  const showWait = context?.showWait ?? 'range';
  const shown = services ?? (view ? [...view.services.keys()] : []);
  const calls = (view?.calls ?? []).filter((call) => variant === 'item' || services === null || call.service === null || services.includes(call.service));
  const latest = calls[0];
  const latestKey = latest ? `${latest.ticket}@${latest.at}` : null;
  const [announced, setAnnounced] = useState<string | null>(null);
  // Only calls made while the board is up are announced (not the last one, each time it comes on screen).
  const shownAtMount = useRef(latestKey);
  useEffect(() => {
    if (variant !== 'item' || latestKey === null || latestKey === shownAtMount.current) return;
    setAnnounced(latestKey);
    if (context?.chime && onScreen) playChime();
    const timer = setTimeout(() => setAnnounced(null), ANNOUNCE_MS);
    return () => clearTimeout(timer);
  }, [latestKey]);
  const highlighted = variant === 'zone' ? (announcing?.show === 'zone' ? `${announcing.ticket}@${announcing.at}` : null) : announced;
  // The call being announced comes first (when calls queue up, it is older than the latest ones), then the latest others.
  const listed = calls.slice();
  const pinned = listed.findIndex((call) => `${call.ticket}@${call.at}` === highlighted);
  if (pinned > 0) listed.unshift(...listed.splice(pinned, 1));

  return (
    <div className={`queue-board queue-board-${variant}`}>
      {showWait === 'off' ? (
        <section className="queue-calls">
          <h2 className="queue-heading">{t.pleaseWait}</h2>
        </section>
      ) : (
      <section className="queue-calls" aria-live="polite">
        <h2 className="queue-heading">{t.called}</h2>
        {calls.length > 0 ? (
          <ol>
            {listed.slice(0, variant === 'zone' ? 3 : 4).map((call) => {
              const isNew = highlighted === `${call.ticket}@${call.at}`;
              return (
                <li
                  key={`${call.ticket}-${call.at}`}
                  className={isNew ? 'queue-call queue-call-new' : 'queue-call'}
                  data-ticket={call.ticket}
                  data-call-ticket={isNew && variant === 'zone' ? call.ticket : undefined}
                  data-call-counter={isNew && variant === 'zone' ? call.counter : undefined}
                >
                  <span className="queue-ticket">{call.ticket}</span>
                  <span className="queue-counter">{counterLabel(t, call.counter, context?.counterNames)}</span>
                </li>
              );
            })}
          </ol>
        ) : (
          <p className="queue-empty">{t.noCalls}</p>
        )}
      </section>
      )}
      <div className="queue-waits">
        {/* One heading over the services' estimates (as "Appelés" over the calls), each service then by its name. */}
        {showWait === 'range' && shown.length > 0 ? <h2 className="queue-heading">{t.waitHeading}</h2> : null}
        {shown.map((service) => {
          const board = view?.services.get(service);
          // An estimate whose range has not held lately is not shown: the board says the wait is unavailable.
          const estimate = board?.trusted ? board.estimate : null;
          if (showWait !== 'range') {
            // An undetermined wait, by the operator's choice: the service and whether it is open, no figure.
            return (
              <section key={service} className="queue-wait" data-service={onScreen ? service : undefined}>
                <h3 className="queue-heading queue-service-name">{serviceLabel(service, context?.serviceNames)}</h3>
                <p className="queue-range">{board?.closed ? t.serviceClosed : t.calledOnScreen}</p>
              </section>
            );
          }
          return (
            // §5: the estimate's minutes whenever there is one (the one sent to the hub); one not trusted is marked, and not shown.
            <section
              key={service}
              className="queue-wait"
              data-service={onScreen ? service : undefined}
              data-wait-minutes={onScreen && board?.estimate && !board.closed ? String(board.estimate.minutes) : undefined}
              data-wait-trusted={onScreen && board?.estimate && !board.trusted ? 'false' : undefined}
            >
              <h3 className="queue-heading queue-service-name">{serviceLabel(service, context?.serviceNames)}</h3>
              <p className="queue-range">{board?.closed ? t.serviceClosed : estimate ? waitRange(estimate, t) : board?.estimate ? t.waitUnavailable : t.noEstimate}</p>
              {estimate && variant === 'item' ? <p className="queue-ahead">{t.waiting(estimate.queueLength, estimate.openCounters)}</p> : null}
            </section>
          );
        })}
      </div>
    </div>
  );
}
