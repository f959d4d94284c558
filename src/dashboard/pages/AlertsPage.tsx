import { useState, type FormEvent } from 'react';
import { AlertList, AlertRecord, AlertRequest, ScreenList } from '../../shared/adminApi.js';
import { toUtcTime } from '../../shared/ids.js';
import { formatPath } from '../../shared/validationError.js';
import { ActionFailure, useAction } from '../components/ActionFailure.js';
import { DataTable } from '../components/DataTable.js';
import { Field, RadioField } from '../components/Field.js';
import { chosenTarget, TargetPicker, type TargetChoice } from '../components/TargetPicker.js';
import { dateTime, numberFrom } from '../formatting.js';
import type { HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { useCan } from '../permissions.js';
import { usePoll } from '../usePoll.js';
import { failureText, schemaMessage, zodErrorsIn } from '../schemaMessages.js';

/** An alert lasts minutes (a counter closed), hours (closed this afternoon) or days (a strike, works in the hall). */
type DurationUnit = 'minutes' | 'hours' | 'days';
const UNIT_MS: Record<DurationUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
/** An alert lasts a year at most: longer is a typing slip (and past year 9999, not a date at all). */
const MAX_MS = 366 * 86_400_000;

/** Send an info or urgent alert to a site or a screen, see which screens got it, clear it. */
export function AlertsPage({ api }: { api: HubApi }) {
  const can = useCan();
  const { t, lang, locale } = useStrings();
  const screens = usePoll(() => api.get('/api/screens', ScreenList), null, [api]);
  const alerts = usePoll(() => api.get('/api/alerts', AlertList), 3_000, [api]);
  const [level, setLevel] = useState<'info' | 'urgent'>('info');
  const [text, setText] = useState('');
  const [amount, setAmount] = useState('30');
  const [unit, setUnit] = useState<DurationUnit>('minutes');
  /** How long, in ms, as typed (a decimal number, a comma or a point); null when it is none, or not above 0, or over a year. */
  const lastingMs = ((): number | null => {
    const typed = numberFrom(amount);
    if (typeof typed !== 'number') return null;
    const ms = typed * UNIT_MS[unit];
    return ms > 0 && ms <= MAX_MS ? ms : null;
  })();
  const endsAt = lastingMs === null ? null : Date.now() + lastingMs;
  const [target, setTarget] = useState<TargetChoice>({ kind: 'site', id: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const siteCount = (site: string) => (screens.data?.screens ?? []).filter((s) => s.site === site).length;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setDone(null);
    if (lastingMs === null) {
      // Said as a duration, not as the schema's refusal of the end time it would have made.
      setErrors({ until: t.durationInvalid });
      return;
    }
    const request = AlertRequest.safeParse({
      level,
      text,
      until: toUtcTime(Date.now() + lastingMs),
      target: chosenTarget(target, screens.data?.screens ?? []),
    }, zodErrorsIn(lang));
    if (!request.success) {
      const found: Record<string, string> = {};
      for (const issue of request.error.issues) found[formatPath(issue.path).split('.')[0]!] ??= schemaMessage(lang, issue.message);
      setErrors(found);
      return;
    }
    setErrors({});
    try {
      const record = await api.send('POST', '/api/alerts', request.data, AlertRecord);
      // Where it went, by name: a site with its number of screens, or the screen (the table below lists who received it).
      const sentTo = 'site' in record.target ? t.alertToSite(record.target.site, siteCount(record.target.site)) : (screens.data?.screens.find((screen) => 'screen' in record.target && screen.id === record.target.screen)?.name ?? record.target.screen);
      setDone(`${t.sent}${t.colon}${sentTo}`);
      setText('');
      alerts.refresh();
    } catch (failure) {
      setErrors({ text: failureText(lang, failure) });
    }
  };

  const { run, failure } = useAction();
  const clear = (id: string): Promise<void> =>
    run(async () => {
      await api.send('DELETE', `/api/alerts/${encodeURIComponent(id)}`, undefined, AlertRecord);
      alerts.refresh();
    });

  return (
    <>
      <h1>{t.alertsTitle}</h1>
      <section className="card" aria-labelledby="send-alert-title" hidden={!can('alerts.send')}>
        <h2 id="send-alert-title">{t.sendAlert}</h2>
        <form className="grid-form" onSubmit={(event) => void submit(event)} noValidate>
          <RadioField
            name="alert-level"
            legend={t.level}
            value={level}
            choices={[
              { value: 'info', label: t.levelInfo },
              { value: 'urgent', label: t.levelUrgent },
            ]}
            onChange={setLevel}
          />
          <Field id="alert-text" label={t.alertText} error={errors['text']}>
            {(props) => <textarea {...props} rows={2} maxLength={500} value={text} onChange={(e) => setText(e.target.value)} />}
          </Field>
          <Field id="alert-duration" label={t.duration} help={endsAt !== null ? t.alertEndsAt(dateTime(new Date(endsAt).toISOString(), locale)) : undefined} error={errors['until']}>
            {(props) => (
              <div className="inline">
                <input {...props} type="text" inputMode="decimal" size={6} value={amount} onChange={(e) => setAmount(e.target.value)} />
                <select aria-label={t.durationUnit} value={unit} onChange={(e) => setUnit(e.target.value as DurationUnit)} data-duration-unit="">
                  <option value="minutes">{t.unitMinutes}</option>
                  <option value="hours">{t.unitHours}</option>
                  <option value="days">{t.unitDays}</option>
                </select>
              </div>
            )}
          </Field>
          <TargetPicker idPrefix="alert" screens={screens.data?.screens ?? []} value={target} onChange={setTarget} error={errors['target']} />
          <div className="actions">
            <button type="submit" className={level === 'urgent' ? 'danger' : undefined}>
              {t.send}
            </button>
          </div>
        </form>
        <p role="status" className="success">
          {done}
        </p>
      </section>

      <ActionFailure failure={failure} />
      <DataTable
        data-table="alerts"
        caption={t.alertsCaption}
        columns={[t.colText, t.colLevel, t.colTarget, t.colUntil, t.colAcks, t.colState, { hidden: t.clear }]}
        empty={(alerts.data?.alerts ?? []).length === 0 ? (alerts.data ? t.noAlerts : t.loading) : null}
      >
        {(alerts.data?.alerts ?? []).map((alert) => {
          const state = alert.clearedAt ? 'cleared' : Date.parse(alert.until) <= Date.now() ? 'expired' : 'active';
          // Out of how many: the screens it goes to now, while it is on (a screen added meanwhile gets it when it connects);
          // once cleared or over, the acks alone (a screen paired since never had it to show).
          const expected = state !== 'active' ? null : 'site' in alert.target ? siteCount(alert.target.site) : 1;
          return (
            <tr key={alert.id} data-alert-row={alert.id} data-state={state}>
              <th scope="row">{alert.text}</th>
              <td>
                <span className={`badge badge-${alert.level}`}>{alert.level === 'urgent' ? t.levelUrgent : t.levelInfo}</span>
              </td>
              <td>{'site' in alert.target ? `${t.site} ${alert.target.site}` : `${t.targetScreen} ${alert.target.screen}`}</td>
              <td>{dateTime(alert.until, locale)}</td>
              <td data-acks={alert.acks.map((a) => a.screen).join(' ')}>
                {expected === null ? alert.acks.length : `${alert.acks.length} / ${expected}`}
                {alert.acks.length > 0 ? <div className="small muted">{alert.acks.map((a) => a.screen).join(', ')}</div> : null}
              </td>
              <td>{t[state]}</td>
              <td>
                {state === 'active' && can('alerts.send') ? (
                  <button type="button" className="secondary" onClick={() => void clear(alert.id)} aria-label={`${t.clear}${t.colon}${alert.text}`}>
                    {t.clear}
                  </button>
                ) : null}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </>
  );
}
