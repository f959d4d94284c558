import { useSyncExternalStore } from 'react';
import { strings, type Lang } from '../i18n.js';
import type { IdentifyFlag } from '../screenCommands.js';

/** The `identify` command: the screen's name and id, full-screen, for a technician walking the building. */
export function IdentifyOverlay({ flag, name, screenId, lang }: { flag: IdentifyFlag; name: string; screenId: string; lang: Lang }) {
  const shown = useSyncExternalStore(flag.subscribe, flag.isShown);
  if (!shown) return null;
  return (
    <div className="identify" data-identify="">
      <div>{strings(lang).identify}</div>
      <div className="identify-name">{name || screenId}</div>
      <div className="identify-id">{screenId}</div>
    </div>
  );
}
