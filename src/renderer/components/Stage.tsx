import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { effectiveCalls, type Zone } from '../../shared/layout.js';
import type { Lang } from '../i18n.js';
import type { Playback, PlayerView } from '../playback.js';
import type { ScreenLayout, ZoneRuntime } from '../screenLayout.js';
import type { PlayerMedia } from '../playerMedia.js';
import type { AlertBoard } from '../alertBoard.js';
import type { HubReport } from '../hubSync.js';
import type { QueueTracker } from '../queueTracker.js';
import type { CallAnnouncer } from '../callAnnouncer.js';
import { QueueBoard, QueueContext, type ShowWait } from './QueueBoard.js';
import type { IdentifyFlag } from '../screenCommands.js';
import { AlertLayer, INFO_BAND_BOTTOM, INFO_BAND_TOP } from './AlertLayer.js';
import { CallBanner } from './CallBanner.js';
import { ClockZone } from './ClockZone.js';
import { ConfigNotice } from './ConfigNotice.js';
import type { ConfigNotices } from '../configNotices.js';
import { IdentifyOverlay } from './IdentifyOverlay.js';
import { IdleScreen } from './IdleScreen.js';
import { StatusOverlay } from './StatusOverlay.js';
import { PowerSleep } from './PowerSleep.js';
import type { ScreenPower } from '../screenPower.js';
import { ItemView, type ItemCallbacks } from './ItemView.js';
import { TickerZone } from './TickerZone.js';
import { markFirstItem } from '../deferredCode.js';
import { keepStartFrameOf, startFrameShown } from '../startHandoff.js';

export interface StageProps {
  screen: ScreenLayout;
  cache: PlayerMedia;
  alerts: AlertBoard;
  identify: IdentifyFlag;
  name: string;
  screenId: string;
  lang: Lang;
  timezone: string;
  /** Configuration errors to name on screen (file, field, reason). */
  /** The configuration's problems, at start and met since (a token the hub refuses). */
  notices: ConfigNotices;
  hub: (() => HubReport) | null;
  queue: QueueTracker;
  announcer: CallAnnouncer;
  chime: boolean;
  /** §2: what queue boards show (default `range`). */
  showWait?: ShowWait;
  /** The power schedule's state: black while asleep. */
  power?: ScreenPower;
}

/** The screen: its zones laid out as boxes in percent of it (§6), the call banner, alerts and overlays over them. */
export function Stage({ screen, cache, alerts, identify, name, screenId, lang, timezone, notices, hub, queue, announcer, chime, showWait = 'range', power }: StageProps) {
  const { layout, zones } = useSyncExternalStore(screen.subscribe, screen.getView);
  // A `wait` item chimes by itself only when no layout announces calls (else the announcer does).
  const announcing = effectiveCalls(layout).show !== 'off';
  const serviceNames = layout?.serviceNames;
  const counterNames = layout?.counterNames;
  const queueContext = useMemo(
    () => ({ tracker: queue, chime: chime && !announcing, lang, announcer, showWait, serviceNames, counterNames }),
    [queue, chime, announcing, lang, announcer, showWait, serviceNames, counterNames],
  );
  // A start frame painted for a zone this arrangement does not play (startFrame.ts) is taken down
  // (not before there is a set: a fresh player's first arrangement, while it imports its bundle, is no layout's).
  useEffect(() => {
    if (screen.currentSet()) keepStartFrameOf(zones.filter((runtime) => runtime.playback).map((runtime) => runtime.zone.id));
  }, [screen, zones]);
  const stage = useRef<HTMLElement>(null);
  return (
    <QueueContext.Provider value={queueContext}>
      <main className="stage" lang={lang} ref={stage}>
        {zones.map((runtime) => (
          <ZoneBox key={`${runtime.zone.id}:${runtime.zone.kind}`} zone={runtime.zone}>
            <ZoneContent runtime={runtime} name={name} lang={lang} timezone={timezone} />
          </ZoneBox>
        ))}
        <CallBanner announcer={announcer} lang={lang} />
        <AlertLayer board={alerts} lang={lang} stage={stage} />
        {power ? <PowerSleep power={power} lang={lang} timezone={timezone} /> : null}
        <IdentifyOverlay flag={identify} name={name} screenId={screenId} lang={lang} />
        <StatusOverlay cache={cache} hub={hub} />
        <ConfigNoticeOf notices={notices} />
      </main>
    </QueueContext.Provider>
  );
}

/** A zone's box: positioned in percent, a size container so that what is inside sizes its text from the zone (cqmin). */
function ZoneBox({ zone, children }: { zone: Zone; children: React.ReactNode }) {
  return (
    <div className={`zone zone-${zone.kind}`} data-zone={zone.id} style={zoneBoxStyle(zone)}>
      {children}
    </div>
  );
}

/**
 * Where a zone's box is. An info alert is a band over the content (§3), at the top, and older ones
 * at the bottom (AlertLayer, which writes their heights on the stage); the zones that are always
 * on, the calls and waits (`queue`) and the time (`clock`), give up the part a band would cover
 * instead of going under it: the ticket just called stays in sight, its text sized to what is left.
 */
function zoneBoxStyle(zone: Zone): React.CSSProperties {
  const box = { left: `${zone.x}%`, width: `${zone.width}%` };
  if (zone.kind !== 'queue' && zone.kind !== 'clock') return { ...box, top: `${zone.y}%`, height: `${zone.height}%` };
  const top = `max(${zone.y}%, var(${INFO_BAND_TOP}, 0px))`;
  const bottom = `min(${zone.y + zone.height}%, 100% - var(${INFO_BAND_BOTTOM}, 0px))`;
  return { ...box, top, height: `max(0px, ${bottom} - ${top})` };
}

function ZoneContent({ runtime, name, lang, timezone }: { runtime: ZoneRuntime; name: string; lang: Lang; timezone: string }) {
  const { zone } = runtime;
  if (runtime.playback) return <PlaylistZone playback={runtime.playback} name={name} lang={lang} timezone={timezone} />;
  if (runtime.ticker) return <TickerZone feed={runtime.ticker} lang={lang} timezone={timezone} />;
  if (zone.kind === 'queue') return <QueueBoard services={zone.services ?? null} onScreen variant="zone" />;
  if (zone.kind === 'clock') return <ClockZone lang={lang} timezone={timezone} />;
  return null;
}

/** The file of the item on screen in a zone's view (its image or video; null for a text, or none). */
function fileOnScreen(view: PlayerView): string | null {
  const item = view.slots.find((slot) => slot.phase === 'current')?.item;
  return item?.type === 'image' || item?.type === 'video' ? item.sha256.toLowerCase() : null;
}

/** A `playlist` zone: its playback's items (the one on screen, the one leaving, the one prepared off screen), or idle. */
function PlaylistZone({ playback, name, lang, timezone }: { playback: Playback; name: string; lang: Lang; timezone: string }) {
  const view = useSyncExternalStore(playback.subscribe, playback.getView);
  const callbacks = useMemo<ItemCallbacks>(
    () => ({
      onReady: (key) => playback.slotReady(key),
      onFailed: (key) => playback.slotFailed(key),
      onEnded: (key) => playback.slotEnded(key),
      onShown: (key) => playback.slotShown(key),
    }),
    [playback],
  );
  const hasCurrent = view.slots.some((slot) => slot.phase === 'current');
  // Not run again at each item (a day of items, thousands of them): only when the zone starts or stops showing one.
  useEffect(() => {
    if (!hasCurrent) {
      // Nothing to play here: the zone's start frame, if any, gives way to the idle screen.
      if (view.nothingToPlay) startFrameShown(playback.zoneId, null);
      return;
    }
    // The first item's first painted frame (two frames after its commit): the benchmark's mark,
    // deferred code loads, and the zone's start frame is taken down (the item is under it).
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        markFirstItem();
        startFrameShown(playback.zoneId, fileOnScreen(playback.getView()));
      }),
    );
  }, [hasCurrent, view.nothingToPlay, playback]);
  return (
    <>
      {view.idle ? <IdleScreen name={name} lang={lang} timezone={timezone} /> : null}
      {view.slots.map((slot) => (
        <ItemView key={slot.key} slot={slot} callbacks={callbacks} />
      ))}
    </>
  );
}

function ConfigNoticeOf({ notices }: { notices: ConfigNotices }) {
  const lines = useSyncExternalStore(notices.subscribe, notices.current);
  return lines.length > 0 ? <ConfigNotice errors={lines} /> : null;
}
