import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { WaitEstimate } from '../../shared/queue.js';
import type { QueueTracker } from '../queueTracker.js';

/** The tracker the `wait` items read (provided by the stage). */
export const QueueContext = createContext<QueueTracker | null>(null);

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
export function QueueBoard({ service }: { service: string }) {
  const tracker = useContext(QueueContext);
  const view = useSyncExternalStore(tracker?.subscribe ?? (() => () => {}), tracker?.getView ?? (() => null));
  const latest = view?.calls[0];
  const [announced, setAnnounced] = useState<string | null>(null);
  const first = useRef(true);
  useEffect(() => {
    if (!latest) return;
    if (first.current) {
      first.current = false;
      return;
    }
    setAnnounced(`${latest.ticket}@${latest.at}`);
    const timer = setTimeout(() => setAnnounced(null), ANNOUNCE_MS);
    return () => clearTimeout(timer);
  }, [latest?.ticket, latest?.at]);

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
