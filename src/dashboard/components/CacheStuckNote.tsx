import { cacheStuckForS } from '../../shared/cacheHealth.js';
import type { CacheStatus } from '../../shared/protocol.js';
import { roundedDuration } from '../formatting.js';
import { useStrings } from '../i18n.js';

/** Under a screen's cache figures: "cache bloqué : un fichier manque depuis 12 min" when its oldest wanted file has been missing for long. */
export function CacheStuckNote({ cache }: { cache: CacheStatus }) {
  const { t, locale } = useStrings();
  const stuck = cacheStuckForS(cache);
  if (stuck === null) return null;
  return (
    <div className="error small" data-cache-stuck={stuck}>
      {t.cacheStuck} {roundedDuration(stuck, locale)}
    </div>
  );
}
