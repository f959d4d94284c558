import { useMemo, useSyncExternalStore } from 'react';
import type { Lang } from '../i18n.js';
import type { Playback } from '../playback.js';
import { IdleScreen } from './IdleScreen.js';
import { ItemView, type ItemCallbacks } from './ItemView.js';

export function Stage({ playback, name, lang, timezone, notice }: { playback: Playback; name: string; lang: Lang; timezone: string; notice: string | null }) {
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
  return (
    <main className="stage" lang={lang}>
      {view.idle ? <IdleScreen name={name} lang={lang} timezone={timezone} /> : null}
      {view.slots.map((slot) => (
        <ItemView key={slot.key} slot={slot} callbacks={callbacks} />
      ))}
      {notice ? (
        <div className="notice" role="status">
          {notice}
        </div>
      ) : null}
    </main>
  );
}
