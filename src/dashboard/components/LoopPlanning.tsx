import { useMemo } from 'react';
import { WaitComparison } from '../../shared/adminApi.js';
import { toUtcTime } from '../../shared/ids.js';
import type { Layout } from '../../shared/layout.js';
import { planLoops, type Daypart } from '../../shared/loopPlan.js';
import type { Playlist } from '../../shared/playlist.js';
import { dayBounds } from '../calendarDay.js';
import { clockTime } from '../formatting.js';
import type { HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { usePoll } from '../usePoll.js';
import { DataTable } from './DataTable.js';

/** How far back the site's real waits are read: four weeks. */
export const PLANNING_WEEKS = 4;

/**
 * Loop planning (issue 21): each zone's loop per daypart, from the scheduling engine, against the
 * site's realized waits of the last four weeks at the same hours; the items most people will not
 * see, and an order with shares of voice and campaigns first.
 */
export function LoopPlanning({ api, site, playlists, layout, day, timezone }: { api: HubApi; site: string | null; playlists: readonly Playlist[]; layout: Layout | null; day: string; timezone: string }) {
  const { t } = useStrings();
  const until = dayBounds(day, timezone).from;
  const since = until - PLANNING_WEEKS * 7 * 86_400_000;
  const query = `since=${encodeURIComponent(toUtcTime(since))}&until=${encodeURIComponent(toUtcTime(until))}`;
  const waits = usePoll(async () => (site ? api.get(`/api/sites/${encodeURIComponent(site)}/waits?${query}`, WaitComparison) : { points: [] }), null, [api, site, query]);
  const plans = useMemo(
    () =>
      waits.data
        ? planLoops({ playlists, layout, timezone, day, waits: waits.data.points.map((p) => ({ issuedAt: Date.parse(p.issuedAt), minutes: p.realizedMin, service: p.service })) })
        : null,
    [waits.data, playlists, layout, timezone, day],
  );
  return (
    <section className="loop-planning" aria-labelledby="loop-title" data-loop-planning>
      <h3 id="loop-title">{t.loopTitle}</h3>
      <p className="help">{t.loopHelp}</p>
      {waits.error ? <p className="error">{waits.error}</p> : null}
      {!plans ? (
        <p>{t.loading}</p>
      ) : plans.every((plan) => plan.dayparts.length === 0) ? (
        <p>{t.loopNoZone}</p>
      ) : (
        plans.map((plan) => (
          <div key={plan.zoneId} data-loop-zone={plan.zoneId}>
            {plans.length > 1 ? (
              <h4>
                {t.timelineZone} {plan.zoneId}
              </h4>
            ) : null}
            {plan.dayparts.map((part) => (
              <DaypartPlan key={part.start} part={part} timezone={timezone} />
            ))}
          </div>
        ))
      )}
    </section>
  );
}

function DaypartPlan({ part, timezone }: { part: Daypart; timezone: string }) {
  const { t, locale } = useStrings();
  const minutes = (ms: number): string => `${(ms / 60_000).toLocaleString(locale, { maximumFractionDigits: 1 })} min`;
  const percent = (share: number | null): string => (share === null ? '–' : share.toLocaleString(locale, { style: 'percent', maximumFractionDigits: 0 }));
  // A daypart that runs to midnight ends at 24:00, not at 00:00.
  const end = clockTime(part.end, locale, timezone);
  const hours = `${clockTime(part.start, locale, timezone)}–${part.end > part.start && /^0?0\D00$/.test(end) ? '24:00' : end}`;
  return (
    <div className="daypart" data-daypart={hours}>
      <h5>
        {t.loopDaypart} {hours}
      </h5>
      <p className="loop-summary" data-loop-minutes={Math.round(part.loopMs / 6000) / 10} data-unseen-count={part.unseen.length}>
        {part.waits.medianMin === null
          ? t.loopNoWaits(minutes(part.loopMs))
          : t.loopSummary(minutes(part.loopMs), minutes(part.waits.medianMin * 60_000), minutes((part.waits.p80Min ?? part.waits.medianMin) * 60_000), part.unseen.length)}
      </p>
      {part.waits.count > 0 ? (
        <p className="help" data-loop-sample={part.waits.sameWeekday ? 'same-weekday' : 'every-day'}>
          {t.loopSample(part.waits.count, part.waits.sameWeekday ? new Date(part.start).toLocaleDateString(locale, { weekday: 'long', timeZone: timezone }) : null)}
        </p>
      ) : null}
      <DataTable data-report="loop" columns={[t.colItem, t.colComesBack, t.colReachAny, t.colReachStart]}>
        {part.items.map((item) => {
          const unseen = part.unseen.includes(item);
          return (
            <tr key={`${item.playlistId}/${item.itemId}`} data-item={`${item.playlistId}/${item.itemId}`} data-unseen={unseen ? 'yes' : 'no'} data-reach={item.reach ?? ''}>
              <th scope="row">
                {item.playlistId}/{item.itemId}
                {item.featured ? <span className="help"> ({t.loopFeatured})</span> : null}
                {unseen ? <span className="help"> — {t.loopUnseen}</span> : null}
              </th>
              <td>{minutes(item.periodMs)}</td>
              <td>{percent(item.reach)}</td>
              <td>{percent(item.reachFromStart)}</td>
            </tr>
          );
        })}
      </DataTable>
      {part.suggestedOrder.length > 0 ? (
        <div data-suggested-order>
          <p>{t.loopSuggested} :</p>
          <ol>
            {part.suggestedOrder.map((order) => (
              <li key={order.playlistId} data-playlist={order.playlistId}>
                <strong>{order.playlistId}</strong> : {order.itemIds.join(', ')}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}
