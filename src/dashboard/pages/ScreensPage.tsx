import { ScreenList, type ScreenState } from '../../shared/adminApi.js';
import { revisionState } from '../../shared/revisionState.js';
import { CacheStuckNote } from '../components/CacheStuckNote.js';
import { DataTable } from '../components/DataTable.js';
import { FleetSummary } from '../components/FleetSummary.js';
import { PairingForm } from '../components/PairingForm.js';
import { ago, clockTime, megabytes } from '../formatting.js';
import type { HubApi } from '../hubApi.js';
import { useStrings, type Strings } from '../i18n.js';
import { useCan } from '../permissions.js';
import { usePoll } from '../usePoll.js';

/** Every screen, live (polled every 3 s), and the pairing of new ones. */
export const SCREENS_POLL_MS = 3_000;

function RevisionCell({ screen, t }: { screen: ScreenState; t: Strings }) {
  const state = revisionState(screen);
  const label = { none: t.noneAssigned, acked: t.acked, refused: t.refused, waiting: t.waitingAck }[state];
  return (
    <td data-revision-state={state}>
      <span className={`badge badge-${state}`}>{label}</span>
      {screen.revision ? <code className="revision"> {screen.revision.slice(0, 8)}</code> : null}
      {state === 'refused' && screen.refused ? <div className="error small">{screen.refused.error}</div> : null}
    </td>
  );
}

/** The display's state by the power schedule (a player that reports none: on, as v1 players are). */
function PowerCell({ screen, t, locale }: { screen: ScreenState; t: Strings; locale: string }) {
  const power = screen.status?.power;
  if (!power) return <td data-power="">–</td>;
  const label = { on: t.powerOn, off: t.powerOff, black: t.powerBlack }[power.state];
  const until = power.until ? new Date(power.until).toLocaleString(locale, { weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone: screen.timezone }) : null;
  return (
    <td data-power={power.state}>
      <span className={`badge badge-power-${power.state}`}>{label}</span>
      {until ? <div className="small muted">{`${t.powerUntil} ${until}`}</div> : null}
    </td>
  );
}

export function ScreensPage({ api }: { api: HubApi }) {
  const { t, locale } = useStrings();
  const can = useCan();
  const screens = usePoll(() => api.get('/api/screens', ScreenList), SCREENS_POLL_MS, [api]);
  const now = screens.at ?? Date.now();
  const list = screens.data?.screens ?? [];

  return (
    <>
      <h1>{t.screensTitle}</h1>
      <p className="status-line" aria-live="polite">
        {screens.error ? <span className="error">{`${t.hubUnreachable} : ${screens.error}`}</span> : screens.at ? `${t.refreshedAt} ${clockTime(screens.at, locale)}` : t.loading}
      </p>
      {screens.data ? <FleetSummary screens={list} now={now} /> : null}
      <DataTable
        className="screens"
        caption={t.screensCaption}
        columns={[t.colScreen, t.colSite, t.colOnline, t.colLastSeen, t.colPlaying, t.colRevision, t.colCache, t.colOutbox, t.colVersion, t.colEvents, t.colPower]}
        empty={list.length === 0 && screens.data ? (can('screens.manage') ? t.noScreens : t.noScreensAskAdmin) : null}
      >
        {list.map((screen) => {
          const status = screen.status;
          const events = status?.events ?? [];
          return (
            <tr key={screen.id} data-screen-id={screen.id} data-online={screen.online ? 'yes' : 'no'}>
              <th scope="row">
                <a href={`#/screens/${encodeURIComponent(screen.id)}`}>{screen.name}</a>
                <div className="small muted">{screen.id}</div>
              </th>
              <td>{screen.site}</td>
              <td>
                <span className={`dot ${screen.online ? 'dot-on' : 'dot-off'}`} aria-hidden="true" /> {screen.online ? t.online : t.offline}
              </td>
              <td>{ago(screen.lastSeen, now, locale, t.never)}</td>
              <td data-playing>{status?.playing ? `${status.playing.playlistId} / ${status.playing.itemId}` : '–'}</td>
              <RevisionCell screen={screen} t={t} />
              <td data-cache>
                {status ? `${megabytes(status.cache.bytes, locale)}, ${status.cache.files} ${t.files}${status.cache.missing ? `, ${status.cache.missing} ${t.missingFiles}` : ''}` : '–'}
                {status ? <CacheStuckNote cache={status.cache} /> : null}
              </td>
              <td>{status ? status.outbox : '–'}</td>
              <td>{status?.version ?? '–'}</td>
              <td>{events.length > 0 ? `${events.length} (${events.at(-1)!.type})` : '0'}</td>
              <PowerCell screen={screen} t={t} locale={locale} />
            </tr>
          );
        })}
      </DataTable>
      {can('screens.manage') ? <PairingForm api={api} sites={[...new Set(list.map((screen) => screen.site))]} onPaired={screens.refresh} /> : null}
    </>
  );
}
