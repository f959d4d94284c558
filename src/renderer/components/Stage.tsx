import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { Lang } from '../i18n.js';
import type { Playback } from '../playback.js';
import type { PlayerMedia } from '../playerMedia.js';
import type { AlertBoard } from '../alertBoard.js';
import type { HubReport } from '../hubSync.js';
import type { QueueTracker } from '../queueTracker.js';
import { QueueContext } from './QueueBoard.js';
import type { IdentifyFlag } from '../screenCommands.js';
import { AlertLayer } from './AlertLayer.js';
import { ConfigNotice } from './ConfigNotice.js';
import { IdentifyOverlay } from './IdentifyOverlay.js';
import { IdleScreen } from './IdleScreen.js';
import { StatusOverlay } from './StatusOverlay.js';
import { ItemView, type ItemCallbacks } from './ItemView.js';

export const FIRST_ITEM_MARK = 'antichambre:first-item';

export interface StageProps {
  playback: Playback;
  cache: PlayerMedia;
  alerts: AlertBoard;
  identify: IdentifyFlag;
  name: string;
  screenId: string;
  lang: Lang;
  timezone: string;
  /** Configuration errors to name on screen (file, field, reason). */
  notice: readonly string[] | null;
  hub: (() => HubReport) | null;
  queue: QueueTracker;
  chime: boolean;
}

export function Stage({ playback, cache, alerts, identify, name, screenId, lang, timezone, notice, hub, queue, chime }: StageProps) {
  const queueContext = useMemo(() => ({ tracker: queue, chime }), [queue, chime]);
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
  useEffect(() => {
    // For the start-up benchmark: the first item's first painted frame.
    if (hasCurrent && performance.getEntriesByName(FIRST_ITEM_MARK).length === 0) {
      requestAnimationFrame(() => requestAnimationFrame(() => performance.mark(FIRST_ITEM_MARK)));
    }
  }, [hasCurrent]);
  return (
    <QueueContext.Provider value={queueContext}>
    <main className="stage" lang={lang}>
      {view.idle ? <IdleScreen name={name} lang={lang} timezone={timezone} /> : null}
      {view.slots.map((slot) => (
        <ItemView key={slot.key} slot={slot} callbacks={callbacks} />
      ))}
      <AlertLayer board={alerts} lang={lang} />
      <IdentifyOverlay flag={identify} name={name} screenId={screenId} lang={lang} />
      <StatusOverlay cache={cache} hub={hub} />
      {notice && notice.length > 0 ? <ConfigNotice errors={notice} /> : null}
    </main>
    </QueueContext.Provider>
  );
}
