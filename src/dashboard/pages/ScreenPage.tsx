import { useEffect, useRef, useState } from 'react';
import { PowerSchedule } from '../../shared/powerSchedule.js';
import { formatIssues } from '../../shared/validationError.js';
import type { Schedule } from '../../shared/playlist.js';
import { CommandResult, PowerScheduleResult, ScreenList, ScreenSet, WattsResult, type Target } from '../../shared/adminApi.js';
import { LAYOUT_PRESETS } from '../../shared/layoutPresets.js';
import type { CommandType } from '../../shared/protocol.js';
import { revisionState } from '../../shared/revisionState.js';
import { CacheStuckNote } from '../components/CacheStuckNote.js';
import { kindLabel, LayoutPreview } from '../components/LayoutPicker.js';
import { ViewingForm } from '../components/ViewingForm.js';
import { ago, dateTime, megabytes } from '../formatting.js';
import type { HubApi } from '../hubApi.js';
import { useStrings, type Label, type Lang, type Strings } from '../i18n.js';
import { useCan } from '../permissions.js';
import { fieldsOf } from '../layoutDraft.js';
import { usePoll } from '../usePoll.js';
import { SCREENS_POLL_MS } from './ScreensPage.js';
import { failureText, hubMessage, zodErrorsIn } from '../schemaMessages.js';

/** `confirm`: what the room would see, asked before the command leaves (a restart blanks the screen, a cleared cache downloads every file again). */
const COMMANDS: { type: CommandType; label: Label; confirm?: 'confirmRestart' | 'confirmClearCache' }[] = [
  { type: 'identify', label: 'cmdIdentify' },
  { type: 'screenshot', label: 'cmdScreenshot' },
  { type: 'reload', label: 'cmdReload' },
  { type: 'restart', label: 'cmdRestart', confirm: 'confirmRestart' },
  { type: 'clear-cache', label: 'cmdClearCache', confirm: 'confirmClearCache' },
];

/** One screen: its state and layout, its last screenshot, and the commands of `/api/commands`. */
export function ScreenPage({ api, id }: { api: HubApi; id: string }) {
  const can = useCan();
  const { t, lang, locale } = useStrings();
  const screens = usePoll(() => api.get('/api/screens', ScreenList), SCREENS_POLL_MS, [api]);
  const screen = screens.data?.screens.find((s) => s.id === id) ?? null;
  const set = usePoll(() => api.get(`/api/screens/${encodeURIComponent(id)}/playlists`, ScreenSet), SCREENS_POLL_MS, [api, id]);
  const layout = set.data?.layout ?? null;
  const [shot, setShot] = useState<{ url: string; at: number } | null>(null);
  const [shotVersion, setShotVersion] = useState(0);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<CommandType | null>(null);
  /** The command waiting for its confirmation. */
  const [asking, setAsking] = useState<(typeof COMMANDS)[number] | null>(null);
  // While asked: Escape cancels wherever the focus is; once answered, the focus goes back to the command's button.
  const asked = useRef<CommandType | null>(null);
  useEffect(() => {
    if (asking) {
      asked.current = asking.type;
      const onKey = (event: KeyboardEvent): void => {
        if (event.key === 'Escape') setAsking(null);
      };
      document.addEventListener('keydown', onKey);
      return () => document.removeEventListener('keydown', onKey);
    }
    if (asked.current) document.querySelector<HTMLButtonElement>(`[data-command="${asked.current}"]`)?.focus();
    asked.current = null;
    return undefined;
  }, [asking]);

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
    setAsking(null);
    setBusy(type);
    setResult(null);
    try {
      const answer = await api.send('POST', '/api/commands', { screen: id, type }, CommandResult);
      const label = COMMANDS.find((command) => command.type === type)?.label;
      const said = label ? t[label] : type;
      setResult({ ok: answer.ok, text: answer.ok ? `${t.commandDone} : ${said}` : `${t.commandFailed} : ${said}${answer.error ? ` (${answer.error})` : ''}` });
      if (type === 'screenshot' && answer.ok) setShotVersion((n) => n + 1);
    } catch (failure) {
      setResult({ ok: false, text: `${t.commandFailed} : ${failureText(lang, failure)}` });
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
            {!screen.online && status ? (
              <p className="warning" data-last-known="">
                {t.lastKnownState(ago(screen.lastSeen, screens.at ?? Date.now(), locale, t.never))}
              </p>
            ) : null}
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
              <dt>{t.colPower}</dt>
              <dd data-power-state={status?.power?.state ?? ''}>
                {status?.power ? { on: t.powerOn, off: t.powerOff, black: t.powerBlack }[status.power.state] : '–'}
                {status?.power?.until ? ` — ${t.powerUntil} ${new Date(status.power.until).toLocaleString(locale, { weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone: screen.timezone })}` : ''}
              </dd>
              <dt>{t.powerSchedule}</dt>
              <dd data-power-schedule>{powerSummary(set.data?.power ?? null, t, locale)}</dd>
              <dt>{t.colWatts}</dt>
              <dd>
                {can('screens.manage') ? <WattsForm api={api} id={id} watts={screen.watts ?? null} onSaved={screens.refresh} /> : screen.watts != null ? `${screen.watts} W` : '–'}
              </dd>
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
            {can('screens.manage') ? (
              <ViewingForm api={api} screen={screen} onSaved={screens.refresh} />
            ) : (
              <p data-viewing-read>{screen.viewing ? t.viewingIs(screen.viewing.diagonalInches, screen.viewing.distanceM) : t.viewingUnset}</p>
            )}
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
            <div className="buttons" hidden={!can('commands.send')}>
              {COMMANDS.map((command) => (
                <button
                  key={command.type}
                  type="button"
                  className="secondary"
                  disabled={!screen.online || busy !== null || asking !== null}
                  onClick={() => (command.confirm ? setAsking(command) : void run(command.type))}
                  data-command={command.type}
                >
                  {t[command.label]}
                </button>
              ))}
            </div>
            {asking?.confirm ? (
              <div className="confirm" role="alertdialog" aria-labelledby="confirm-text" data-confirm={asking.type}>
                <p id="confirm-text" className="warning">
                  {t[asking.confirm](screen.name)}
                </p>
                <div className="buttons">
                  <button type="button" className="danger" onClick={() => void run(asking.type)}>
                    {t[asking.label]}
                  </button>
                  {/* The focus on "Cancel": Enter pressed twice on the command does not send it; Escape cancels too. */}
                  <button type="button" className="secondary" onClick={() => setAsking(null)} autoFocus>
                    {t.cancel}
                  </button>
                </div>
              </div>
            ) : null}
            <p role="status" className={result?.ok ? 'success' : 'error'}>
              {result?.text}
            </p>
            {can('screens.manage') ? <PowerScheduleEditor api={api} screenId={id} site={screen.site} current={set.data ? (set.data.power ?? null) : undefined} onSent={set.refresh} /> : null}
            <h2>{t.lastScreenshot}</h2>
            {shot ? <img className="screenshot" src={shot.url} alt={`${t.lastScreenshot} — ${screen.name}`} /> : <p className="muted">{t.noScreenshot}</p>}
          </section>
        </div>
      ) : (
        <p role="status" data-screen-missing={screens.data ? id : undefined}>
          {screens.error ?? (screens.data ? t.screenUnknown(id) : t.loading)}
        </p>
      )}
    </>
  );
}

/** `lun. mar. 08:30–12:00, 13:30–17:30`: one opening schedule in words. */
function scheduleText(schedule: Schedule, locale: string): string {
  // 2024-01-01 was a Monday: ISO weekday d is that date plus d - 1 days.
  const dayName = (d: number): string => new Date(Date.UTC(2024, 0, d)).toLocaleDateString(locale, { weekday: 'short', timeZone: 'UTC' });
  const days = schedule.days ? schedule.days.map(dayName).join(' ') : '';
  const hours = schedule.hours ? schedule.hours.map((w) => `${w.start}–${w.end}`).join(', ') : '';
  const span = [schedule.from, schedule.until].some(Boolean) ? ` (${schedule.from ?? '…'} → ${schedule.until ?? '…'})` : '';
  return `${[days, hours].filter(Boolean).join(' ') || '24/7'}${span}`;
}

function powerSummary(power: PowerSchedule | null, t: Strings, locale: string): string {
  if (!power) return t.powerAlways;
  const open = power.open === 'playlists' ? t.powerByPlaylists : `${t.powerOpen} ${power.open.map((s) => scheduleText(s, locale)).join(t.listSeparator)}`;
  return power.closed && power.closed.length > 0 ? `${open}${t.listSeparator}${t.powerClosures}${t.colon}${power.closed.map((s) => scheduleText(s, locale)).join(t.listSeparator)}` : open;
}

/** The screen's stated wattage, for the energy saved while it sleeps. */
function WattsForm({ api, id, watts, onSaved }: { api: HubApi; id: string; watts: number | null; onSaved: () => void }) {
  const { t, lang } = useStrings();
  const [value, setValue] = useState(watts === null ? '' : String(watts));
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (): Promise<void> => {
    try {
      await api.send('PUT', `/api/screens/${encodeURIComponent(id)}/watts`, { watts: value.trim() === '' ? null : Number(value) }, WattsResult);
      setMessage({ ok: true, text: t.saved });
      onSaved();
    } catch (failure) {
      setMessage({ ok: false, text: failureText(lang, failure) });
    }
  };
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <input id="screen-watts" type="number" min="1" step="any" inputMode="decimal" aria-label={t.colWatts} aria-describedby="screen-watts-help" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" className="secondary">
        {t.save}
      </button>
      <span id="screen-watts-help" className="help">
        {t.wattsHelp}
      </span>
      {message ? (
        <span role="status" className={message.ok ? 'success' : 'error'}>
          {message.text}
        </span>
      ) : null}
    </form>
  );
}

/** A schedule to start from: weekdays 08:30–12:00 and 13:30–17:30. */
const EXAMPLE_POWER: PowerSchedule = { open: [{ days: [1, 2, 3, 4, 5], hours: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:30' }] }], wakeBeforeMinutes: 5 };

function parsePower(text: string, lang: Lang): { ok: true; power: PowerSchedule } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `JSON : ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = PowerSchedule.safeParse(raw, zodErrorsIn(lang));
  return parsed.success ? { ok: true, power: parsed.data } : { ok: false, error: hubMessage(lang, formatIssues(parsed.error)) };
}

/** The opening hours of this screen or of its whole site, edited as JSON, checked as typed (the field's path named). */
function PowerScheduleEditor({ api, screenId, site, current, onSent }: { api: HubApi; screenId: string; site: string; current: PowerSchedule | null | undefined; onSent: () => void }) {
  const { t, lang } = useStrings();
  const [text, setText] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // Filled once from what the screen has (or an example), then left to the admin.
  useEffect(() => {
    if (text === null && current !== undefined) setText(JSON.stringify(current ?? EXAMPLE_POWER, null, 2));
  }, [current, text]);
  const draft = parsePower(text ?? '', lang);
  const send = async (target: Target, power: PowerSchedule | null): Promise<void> => {
    try {
      const result = await api.send('PUT', '/api/power/schedule', { target, power }, PowerScheduleResult);
      setMessage({ ok: true, text: t.powerSent(result.screens.length) });
      onSent();
    } catch (failure) {
      setMessage({ ok: false, text: failureText(lang, failure) });
    }
  };
  return (
    <section aria-labelledby="power-editor-title">
      <h2 id="power-editor-title">{t.powerEditorTitle}</h2>
      <p id="power-json-help" className="help">
        {t.powerEditorHelp}
      </p>
      {current === null ? (
        <p className="help" data-power-example="">
          {t.powerExample}
        </p>
      ) : null}
      <textarea id="power-json" className="code" rows={10} spellCheck={false} value={text ?? ''} onChange={(e) => setText(e.target.value)} aria-labelledby="power-editor-title" aria-describedby="power-json-help power-json-error" aria-invalid={draft.ok ? undefined : true} />
      <p id="power-json-error" className="error">
        {text !== null && !draft.ok ? draft.error : null}
      </p>
      <div className="buttons">
        <button type="button" data-power-send="screen" disabled={!draft.ok} onClick={() => draft.ok && void send({ screen: screenId }, draft.power)}>
          {t.powerForScreen}
        </button>
        <button type="button" className="secondary" data-power-send="site" disabled={!draft.ok} onClick={() => draft.ok && void send({ site }, draft.power)}>
          {`${t.powerForSite} (${site})`}
        </button>
        <button type="button" className="secondary" data-power-send="remove" onClick={() => void send({ screen: screenId }, null)}>
          {t.powerRemove}
        </button>
      </div>
      {message ? (
        <p role="status" className={message.ok ? 'success' : 'error'}>
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
