import { useState, type FormEvent } from 'react';
import { PairingClaim, PairingClaimed } from '../../shared/adminApi.js';
import { PairingCode } from '../../shared/pairing.js';
import { formatPath } from '../../shared/validationError.js';
import { ApiFailure, type HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { Field } from './Field.js';
import { failureText, schemaMessage } from '../schemaMessages.js';

/** The admin types the code a new player shows, names the screen and picks its site. */
export function PairingForm({ api, sites, onPaired }: { api: HubApi; sites: string[]; onPaired(): void }) {
  const { t, lang } = useStrings();
  const [values, setValues] = useState({ code: '', screenId: '', name: '', site: '', timezone: 'Europe/Paris' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setDone(null);
    const found: Record<string, string> = {};
    // Each field's rule in the dashboard's language (the schemas' own messages are English).
    const rule = (field: string, message: string): string => t.pairingRules[field] ?? schemaMessage(lang, message);
    const code = PairingCode.safeParse(values.code);
    if (!code.success) found['code'] = rule('code', code.error.issues[0]?.message ?? '');
    const claim = PairingClaim.safeParse({ screenId: values.screenId, name: values.name, site: values.site, timezone: values.timezone });
    if (!claim.success) for (const issue of claim.error.issues) found[formatPath(issue.path)] ??= rule(formatPath(issue.path), issue.message);
    setErrors(found);
    if (!code.success || !claim.success) return;
    setBusy(true);
    try {
      const { screen } = await api.send('POST', `/api/pairing/${encodeURIComponent(code.data)}/claim`, claim.data, PairingClaimed);
      setDone(`${t.paired} (${screen.name}, ${screen.site})`);
      setValues((v) => ({ ...v, code: '', screenId: '', name: '' }));
      onPaired();
    } catch (failure) {
      const message = failureText(lang, failure);
      // The hub names the field first (`code: …`, `id: …`).
      const field = /^(code|id|screenId|name|site|timezone):/.exec(message)?.[1];
      setErrors({ [field === 'id' ? 'screenId' : (field ?? 'code')]: failure instanceof ApiFailure ? message.replace(/^\w+: /, '') : message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="pairing-title">
      <h2 id="pairing-title">{t.pairingTitle}</h2>
      <p className="help">{t.pairingHelp}</p>
      <form className="grid-form" onSubmit={(event) => void submit(event)} noValidate>
        <Field id="pairing-code" label={t.pairingCode} error={errors['code']}>
          {(props) => <input {...props} className="code-input" autoComplete="off" autoCapitalize="characters" maxLength={9} value={values.code} onChange={(e) => set('code')(e.target.value)} />}
        </Field>
        <Field id="pairing-screen-id" label={t.screenId} help={t.screenIdHelp} error={errors['screenId']}>
          {(props) => <input {...props} autoComplete="off" value={values.screenId} onChange={(e) => set('screenId')(e.target.value)} />}
        </Field>
        <Field id="pairing-name" label={t.screenName} error={errors['name']}>
          {(props) => <input {...props} value={values.name} onChange={(e) => set('name')(e.target.value)} />}
        </Field>
        <Field id="pairing-site" label={t.site} error={errors['site']}>
          {(props) => (
            <>
              <input {...props} list="known-sites" value={values.site} onChange={(e) => set('site')(e.target.value)} />
              <datalist id="known-sites">
                {sites.map((site) => (
                  <option key={site} value={site} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field id="pairing-timezone" label={t.timezone} error={errors['timezone']}>
          {(props) => <input {...props} value={values.timezone} onChange={(e) => set('timezone')(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t.pair}
          </button>
        </div>
      </form>
      <p role="status" className="success">
        {done}
      </p>
    </section>
  );
}
