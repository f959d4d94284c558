import { useSyncExternalStore } from 'react';
import type { CallAnnouncer } from '../callAnnouncer.js';
import { strings, type Lang } from '../i18n.js';

/** The call being announced with `calls.show: overlay` (§6): a large banner over every zone (§5 hooks). */
export function CallBanner({ announcer, lang }: { announcer: CallAnnouncer; lang: Lang }) {
  const call = useSyncExternalStore(announcer.subscribe, announcer.getView).current;
  if (!call || call.show !== 'overlay') return null;
  const t = strings(lang);
  return (
    <div className="call-banner" role="alert" data-call-ticket={call.ticket} data-call-counter={call.counter} key={`${call.ticket}@${call.at}`}>
      <div className="call-label">{t.callBanner}</div>
      <div className="call-ticket">{call.ticket}</div>
      <div className="call-counter">
        <span className="call-goto">{call.counterName !== undefined ? t.goToNamed : t.goTo}</span> {call.counterName ?? t.counter(call.counter)}
      </div>
    </div>
  );
}
