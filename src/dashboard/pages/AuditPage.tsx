import { useEffect, useState } from 'react';
import { AUDIT_ACTIONS, AuditList, UserList } from '../../shared/accounts.js';
import { toUtcTime } from '../../shared/ids.js';
import { ActionFailure, useAction } from '../components/ActionFailure.js';
import { DataTable } from '../components/DataTable.js';
import { SelectField } from '../components/Field.js';
import { dateTime, localTimesIn } from '../formatting.js';
import type { HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { usePoll } from '../usePoll.js';
import { auditDetail, auditValue } from '../auditDetails.js';

const PERIODS = { day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000, all: null } as const;
type Period = keyof typeof PERIODS;

/** The audit log (administrators only): who did what, when, to which target, before and after; filters and CSV export. */
export function AuditPage({ api }: { api: HubApi }) {
  const { t, locale, lang } = useStrings();
  const [period, setPeriod] = useState<Period>('week');
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [site, setSite] = useState('');
  const [csvUrl, setCsvUrl] = useState<string | null>(null);
  const users = usePoll(() => api.get('/api/users', UserList), null, [api]);
  const query = (): URLSearchParams => {
    const params = new URLSearchParams();
    const span = PERIODS[period];
    if (span !== null) params.set('since', toUtcTime(Date.now() - span));
    if (action) params.set('action', action);
    if (actor) params.set('actor', actor);
    if (site.trim()) params.set('site', site.trim());
    params.set('limit', '1000');
    return params;
  };
  const entries = usePoll(() => api.get(`/api/audit?${query()}`, AuditList), 10_000, [api, period, action, actor, site]);
  // The CSV's object URL is this page's: revoked when a new one is made and when the page goes.
  useEffect(() => () => void (csvUrl && URL.revokeObjectURL(csvUrl)), [csvUrl]);

  const { run, failure } = useAction();
  const exportCsv = (): Promise<void> => run(async () => {
    const params = query();
    params.set('format', 'csv');
    params.delete('limit');
    const blob = await api.blob(`/api/audit?${params}`);
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    setCsvUrl(url);
    const link = document.createElement('a');
    link.href = url;
    link.download = 'antichambre-audit.csv';
    link.click();
  });

  return (
    <>
      <h1>{t.auditTitle}</h1>
      <section className="card" aria-labelledby="audit-filters-title">
        <h2 id="audit-filters-title">{t.filters}</h2>
        <div className="grid-form">
          <SelectField
            id="audit-period"
            label={t.period}
            value={period}
            choices={[
              { value: 'day', label: t.lastDay },
              { value: 'week', label: t.lastWeek },
              { value: 'month', label: t.lastMonth },
              { value: 'all', label: t.everything },
            ]}
            onChange={setPeriod}
          />
          <SelectField id="audit-action" label={t.auditAction} value={action} choices={[{ value: '', label: t.allActions }, ...AUDIT_ACTIONS.map((id) => ({ value: id, label: t.auditActions[id] }))]} onChange={setAction} />
          <SelectField id="audit-actor" label={t.auditWho} value={actor} choices={[{ value: '', label: t.everyone }, ...(users.data?.users ?? []).map((user) => ({ value: user.id, label: user.email }))]} onChange={setActor} />
          <div className="field">
            <label htmlFor="audit-site">{t.site}</label>
            <input id="audit-site" value={site} onChange={(event) => setSite(event.target.value)} />
          </div>
          <div>
            <button type="button" className="secondary" onClick={() => void exportCsv()} data-audit-csv>
              {t.exportCsv}
            </button>
          </div>
        </div>
      </section>
      <ActionFailure failure={failure} />
      {entries.error ? <p className="error">{entries.error}</p> : null}
      <DataTable caption={t.auditTitle} hiddenCaption columns={[t.auditWhen, t.auditWho, t.auditAction, t.auditTarget, t.auditChange]}>
        {(entries.data?.entries ?? []).map((entry) => (
          <tr key={entry.id} data-audit-action={entry.action}>
            <td>{dateTime(entry.at, locale)}</td>
            <td>
              {entry.actorEmail ?? '-'}
              {entry.address ? <div className="small muted">{entry.address}</div> : null}
            </td>
            <td>
              {t.auditActions[entry.action]}
              <div className="small muted">
                <code>{entry.action}</code>
              </div>
            </td>
            <td>
              {entry.target}
              {entry.site ? <div className="small muted">{entry.site}</div> : null}
            </td>
            <td>
              {entry.before !== null || entry.after !== null ? (
                <code>
                  {localTimesIn(auditValue(lang, entry.before ?? '-'), locale)} → {localTimesIn(auditValue(lang, entry.after ?? '-'), locale)}
                </code>
              ) : null}
              {entry.detail ? <div className="small">{auditDetail(lang, entry.detail)}</div> : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
