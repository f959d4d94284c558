import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Lang } from '../i18n.js';
import type { TickerFeed, TickerLine } from '../tickerFeed.js';
import { formatClock, useMinuteClock } from './ClockZone.js';

/**
 * A `ticker` zone (§6): one line scrolling right to left, continuously. Each line is its own
 * element moved by a transform animation (Web Animations: run by the compositor, not by script),
 * from just off the right edge to just off the left one; the next line is launched once the
 * previous one's tail has come in, plus a gap, so new content joins the run behind what is already
 * scrolling and nothing on screen ever jumps. A line is an impression from the moment it sets off:
 * complete once it has crossed, cut short when it is taken off before (tickerFeed.ts). The line
 * launched last is the zone's current item; those still crossing ahead of it are leaving, and
 * carry `data-leaving` (§5: while two are on screen, the outgoing one also carries it).
 * With nothing to scroll (no text for the zone now), the band shows the day and the time, still:
 * an empty band of colour looks broken from across the room.
 */

/** Scrolling speed, in zone heights per second. */
export const TICKER_SPEED = 1.4;
/** Gap between two lines, in zone heights. */
const GAP = 2;
/** With nothing to scroll, the feed is asked again this often (a schedule may start). */
const RETRY_MS = 5_000;

interface Running {
  line: TickerLine;
}

export function TickerZone({ feed, lang, timezone }: { feed: TickerFeed; lang: Lang; timezone: string }) {
  const version = useSyncExternalStore(feed.subscribe, feed.getVersion);
  const [running, setRunning] = useState<Running[]>([]);
  /** The feed had no line the last time it was asked. */
  const [empty, setEmpty] = useState(false);
  /** Whether a line is on its way in (its tail not yet inside): the next waits for it. */
  const entering = useRef(false);
  const zoneRef = useRef<HTMLDivElement>(null);

  const launch = () => {
    if (entering.current) return;
    const line = feed.next();
    setEmpty(!line);
    if (!line) return;
    entering.current = true;
    setRunning((lines) => [...lines, { line }]);
  };

  // Something changed (a set, an alert): start again if the band stood empty. Lines the feed cut
  // short (an urgent alert covered the screen, even one gone again since) are taken off.
  useEffect(() => {
    if (running.some((r) => r.line.generation !== feed.generation)) {
      entering.current = false;
      setRunning((lines) => lines.filter((r) => r.line.generation === feed.generation));
    }
    launch();
    const retry = setInterval(launch, RETRY_MS);
    return () => clearInterval(retry);
  }, [feed, version]);

  const onEntered = () => {
    entering.current = false;
    launch();
  };
  const onCrossed = (key: string) => setRunning((lines) => lines.filter((r) => r.line.key !== key));

  return (
    <div className="ticker" ref={zoneRef}>
      {empty && running.length === 0 ? <TickerClock lang={lang} timezone={timezone} /> : null}
      {running.map(({ line }, k) => (
        <TickerRun key={line.key} line={line} leaving={k < running.length - 1} feed={feed} zone={zoneRef} onEntered={onEntered} onCrossed={onCrossed} />
      ))}
    </div>
  );
}

function TickerRun({ line, leaving, feed, zone, onEntered, onCrossed }: { line: TickerLine; leaving: boolean; feed: TickerFeed; zone: React.RefObject<HTMLDivElement | null>; onEntered(): void; onCrossed(key: string): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    const box = zone.current;
    if (!el || !box) return;
    const zoneWidth = box.clientWidth;
    const width = el.scrollWidth;
    const speed = Math.max(20, box.clientHeight * TICKER_SPEED);
    const move = el.animate([{ transform: `translateX(${zoneWidth}px)` }, { transform: `translateX(${-width}px)` }], { duration: ((zoneWidth + width) / speed) * 1000, easing: 'linear', fill: 'both' });
    // An empty animation on the same timeline marks when the tail (and the gap behind it) is in.
    const entry = el.animate([], { duration: ((width + GAP * box.clientHeight) / speed) * 1000 });
    feed.setOff(line, Date.now());
    let live = true;
    entry.finished.then(() => live && onEntered(), () => {});
    move.finished.then(
      () => {
        if (!live) return;
        feed.crossed(line, Date.now());
        onCrossed(line.key);
      },
      () => {},
    );
    return () => {
      live = false;
      move.cancel();
      entry.cancel();
      // Taken off before it crossed (nothing when it did): its showing ends, cut short.
      feed.cut(line, Date.now());
    };
  }, [line.key]);
  return (
    <div ref={ref} className="ticker-line" data-playlist-id={line.playlistId} data-item-id={line.itemId} data-leaving={leaving ? '' : undefined} style={{ transform: 'translateX(200vw)' }}>
      {line.text}
    </div>
  );
}

/** The band with nothing to scroll: the day and the time, still, in the screen's language. */
function TickerClock({ lang, timezone }: { lang: Lang; timezone: string }) {
  const { time, day } = formatClock(useMinuteClock(), lang, timezone);
  return (
    <div className="ticker-clock" data-ticker-clock="">
      {day} · {time}
    </div>
  );
}
