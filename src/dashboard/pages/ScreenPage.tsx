import { useEffect, useState } from 'react';
import { CommandResult, ScreenList, ScreenSet } from '../../shared/adminApi.js';
import { LAYOUT_PRESETS } from '../../shared/layoutPresets.js';
import type { CommandType } from '../../shared/protocol.js';
import { revisionState } from '../../shared/revisionState.js';
import { CacheStuckNote } from '../components/CacheStuckNote.js';
import { kindLabel, LayoutPreview } from '../components/LayoutPicker.js';
import { ViewingForm } from '../components/ViewingForm.js';
import { ago, dateTime, megabytes } from '../formatting.js';
import type { HubApi } from '../hubApi.js';
import { useStrings, type Label } from '../i18n.js';
import { fieldsOf } from '../layoutDraft.js';
import { usePoll } from '../usePoll.js';
import { SCREENS_POLL_MS } from './ScreensPage.js';

const COMMANDS: { type: CommandType; label: Label }[] = [
  { type: 'identify', label: 'cmdIdentify' },
  { type: 'screenshot', label: 'cmdScreenshot' },
  { type: 'reload', label: 'cmdReload' },
  { type: 'restart', label: 'cmdRestart' },
  { type: 'clear-cache', label: 'cmdClearCache' },
];

/** One screen: its state and layout, its last screenshot, and the commands of `/api/commands`. */
export function ScreenPage({ api, id }: { api: HubApi; id: string }) {
  const { t, locale } = useStrings();
  const screens = usePoll(() => api.get('/api/screens', ScreenList), SCREENS_POLL_MS, [api]);
  const screen = screens.data?.screens.find((s) => s.id === id) ?? null;
  const set = usePoll(() => api.get(`/api/screens/${encodeURIComponent(id)}/playlists`, ScreenSet), SCREENS_POLL_MS, [api, id]);
  const layout = set.data?.layout ?? null;
  const [shot, setShot] = useState<{ url: string; at: number } | null>(null);
  const [shotVersion, setShotVersion] = useState(0);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<CommandType | null>(null);

  useEffect(() => {
    let url: string | null = null;
    let live = true;
    api
      .blob(`/api/screens/${encodeURIComponent(id)}/screenshot`)
      .then((blob) => {
        if (!live || !blob) return;
        url = URL.createObjectURL(blob);
        setShot({ url, at: Date.now() });
      })
      .catch(() => {});
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, id, shotVersion]);

  const run = async (type: CommandType): Promise<void> => {
    setBusy(type);
    setResult(null);
    try {
      const answer = await api.send('POST', '/api/commands', { screen: id, type }, CommandResult);
      setResult({ ok: answer.ok, text: answer.ok ? `${t.commandDone} : ${type}` : `${t.commandFailed} : ${answer.error ?? type}` });
      if (type === 'screenshot' && answer.ok) setShotVersion((n) => n + 1);
    } catch (failure) {
      setResult({ ok: false, text: `${t.commandFailed} : ${failure instanceof Error ? failure.message : String(failure)}` });
    } finally {
      setBusy(null);
    }
  };

  const status = screen?.status ?? null;
  return (
    <>
      <p>
        <a href="#/screens">{t.backToScreens}</a>
      </p>
      <h1>
        {screen?.name ?? id} <span className="muted small">{id}</span>
      </h1>
      {screen ? (
        <div className="split">
          <section className="card" aria-labelledby="screen-state-title">
            <h2 id="screen-state-title" className="sr-only">
              {t.colScreen}
            </h2>
            <dl className="facts">
              <dt>{t.colSite}</dt>
              <dd>{screen.site}</dd>
              <dt>{t.colOnline}</dt>
              <dd>{screen.online ? t.online : t.offline}</dd>
              <dt>{t.colLastSeen}</dt>
              <dd>{ago(screen.lastSeen, screens.at ?? Date.now(), locale, t.never)}</dd>
              <dt>{t.colPlaying}</dt>
              <dd>{status?.playing ? `${status.playing.playlistId} / ${status.playing.itemId}` : '–'}</dd>
              <dt>{t.colRevision}</dt>
              <dd>
                {{ none: t.noneAssigned, acked: t.acked, refused: t.refused, waiting: t.waitingAck }[revisionState(screen)]} {screen.revision ? <code>{screen.revision}</code> : null}
                {screen.refused ? <div className="error small">{screen.refused.error}</div> : null}
              </dd>
              <dt>{t.colCache}</dt>
              <dd data-cache>
                {status ? `${megabytes(status.cache.bytes, locale)}, ${status.cache.files} ${t.files}, ${status.cache.missing} ${t.missingFiles}` : '–'}
                {status ? <CacheStuckNote cache={status.cache} /> : null}
              </dd>
              <dt>{t.colOutbox}</dt>
              <dd>{status?.outbox ?? '–'}</dd>
              <dt>{t.colVersion}</dt>
              <dd>{status?.version ?? '–'}</dd>
              <dt>{t.timezone}</dt>
              <dd>{screen.timezone}</dd>
              <dt>{t.layoutChoice}</dt>
              <dd data-screen-layout={layout?.id ?? 'none'}>{layout ? `${layout.id} : ${layout.zones.map((zone) => `${zone.id} (${kindLabel(t, zone.kind)})`).join(', ')}` : t.layoutFullScreen}</dd>
            </dl>
            {layout ? (
              <div className="screen-layout">
                <LayoutPreview fields={fieldsOf(layout)} orientation={LAYOUT_PRESETS.find((preset) => preset.id === layout.id)?.orientation ?? 'landscape'} invalid={() => false} />
              </div>
            ) : null}
            <h3>{t.viewingTitle}</h3>
            <p className="help">{t.viewingHelp}</p>
            <ViewingForm api={api} screen={screen} onSaved={screens.refresh} />
            <h3>{t.kioskEvents}</h3>
            {(status?.events ?? []).length === 0 ? (
              <p>{t.noEvents}</p>
            ) : (
              <ul className="events">
                {(status?.events ?? []).map((event) => (
                  <li key={event.id}>
                    {dateTime(event.at, locale)} — <strong>{event.type}</strong> {event.detail}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="commands-title">
            <h2 id="commands-title">{t.commands}</h2>
            <div className="buttons">
              {COMMANDS.map((command) => (
                <button key={command.type} type="button" className="secondary" disabled={!screen.online || busy !== null} onClick={() => void run(command.type)} data-command={command.type}>
                  {t[command.label]}
                </button>
              ))}
            </div>
            <p role="status" className={result?.ok ? 'success' : 'error'}>
              {result?.text}
            </p>
            <h2>{t.lastScreenshot}</h2>
            {shot ? <img className="screenshot" src={shot.url} alt={`${t.lastScreenshot} — ${screen.name}`} /> : <p className="muted">{t.noScreenshot}</p>}
          </section>
        </div>
      ) : (
        <p>{screens.error ?? t.loading}</p>
      )}
    </>
  );
}
