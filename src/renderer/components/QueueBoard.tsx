import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { WaitEstimate } from '../../shared/queue.js';
import type { QueueTracker } from '../queueTracker.js';

/** What the `wait` items read (provided by the stage): the tracker, and whether to chime. */
export const QueueContext = createContext<{ tracker: QueueTracker; chime: boolean } | null>(null);

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
export function waitRange(estimate: WaitEstimate): string {
  const low = Math.floor(estimate.low / 5) * 5;
  const high = Math.max(5, Math.ceil(estimate.high / 5) * 5);
  if (high <= 5) return 'moins de 5 min';
  if (low === 0 && high <= 10) return 'moins de 10 min';
  if (high - low > 30 && estimate.minutes >= 60) return `plus d’${Math.floor(estimate.minutes / 60)} h`;
  return `${low} à ${high} min`;
}

/** The queue board of a `wait` item: the last tickets called, large, and the service's wait as a range. */
export function QueueBoard({ service, onScreen }: { service: string; onScreen: boolean }) {
  const context = useContext(QueueContext);
  const tracker = context?.tracker;
  const view = useSyncExternalStore(tracker?.subscribe ?? (() => () => {}), tracker?.getView ?? (() => null));
  const latest = view?.calls[0];
  const latestKey = latest ? `${latest.ticket}@${latest.at}` : null;
  const [announced, setAnnounced] = useState<string | null>(null);
  // Only calls made while the board is up are announced (not the last one, each time it comes on screen).
  const shownAtMount = useRef(latestKey);
  useEffect(() => {
    if (latestKey === null || latestKey === shownAtMount.current) return;
    setAnnounced(latestKey);
    if (context?.chime && onScreen) playChime();
    const timer = setTimeout(() => setAnnounced(null), ANNOUNCE_MS);
    return () => clearTimeout(timer);
  }, [latestKey]);

  const board = view?.services.get(service);
  return (
    <div className="queue-board">
      <section className="queue-calls" aria-live="polite">
        <h2 className="queue-heading">Appelés</h2>
        {view && view.calls.length > 0 ? (
          <ol>
            {view.calls.slice(0, 4).map((call, k) => (
              <li key={`${call.ticket}-${call.at}`} className={k === 0 && announced === `${call.ticket}@${call.at}` ? 'queue-call queue-call-new' : 'queue-call'} data-ticket={call.ticket}>
                <span className="queue-ticket">{call.ticket}</span>
                <span className="queue-counter">guichet {call.counter}</span>
              </li>
            ))}
          </ol>
        ) : (
          <p className="queue-empty">Aucun appel pour le moment</p>
        )}
      </section>
      <section className="queue-wait" data-service={service} data-wait-minutes={board?.estimate ? String(board.estimate.minutes) : undefined}>
        <h2 className="queue-heading">Attente estimée · {service}</h2>
        <p className="queue-range">{board?.closed ? 'Service fermé' : board?.estimate ? waitRange(board.estimate) : 'Estimation indisponible'}</p>
        {board?.estimate ? <p className="queue-ahead">{board.estimate.queueLength} personne(s) en attente · {board.estimate.openCounters} guichet(s) ouvert(s)</p> : null}
      </section>
    </div>
  );
}
