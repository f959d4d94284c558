import { useState, type FormEvent } from 'react';
import { grantText } from '../../shared/access.js';
import { ApiTokenCreated, ApiTokenInfo, ApiTokenList, SignedOut, type SessionState } from '../../shared/accounts.js';
import { ActionFailure, useAction } from '../components/ActionFailure.js';
import { DataTable } from '../components/DataTable.js';
import { Field } from '../components/Field.js';
import { dateTime } from '../formatting.js';
import type { HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { usePoll } from '../usePoll.js';
import { failureText } from '../schemaMessages.js';

/** The signed-in user: their roles, their API tokens (made, shown once, revoked), sign-out everywhere. */
export function AccountPage({ api, state, onSignedOutEverywhere }: { api: HubApi; state: SessionState; onSignedOutEverywhere(): void }) {
  const { t, lang, locale } = useStrings();
  const { run, failure } = useAction();
  const tokens = usePoll(() => api.get('/api/tokens', ApiTokenList), null, [api]);
  const [name, setName] = useState('');
  const [made, setMade] = useState<string | null>(null);
  const [passwords, setPasswords] = useState({ current: '', next: '' });
  const [passwordNote, setPasswordNote] = useState<{ ok: boolean; text: string } | null>(null);

  const changePassword = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setPasswordNote(null);
    try {
      await api.send('POST', '/api/session/password', { current: passwords.current, password: passwords.next }, SignedOut);
      setPasswords({ current: '', next: '' });
      setPasswordNote({ ok: true, text: t.passwordChanged });
    } catch (error) {
      setPasswordNote({ ok: false, text: error instanceof Error ? error.message : String(error) });
    }
  };

  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    await run(async () => {
      const created = await api.send('POST', '/api/tokens', { name: name.trim() }, ApiTokenCreated);
      setMade(created.token);
      setName('');
      tokens.refresh();
    });
  };

  return (
    <>
      <h1>{t.navAccount}</h1>
      <section className="card" aria-labelledby="me-title">
        <h2 id="me-title">{state.user.name}</h2>
        <p>
          {state.user.email} · <code data-my-roles>{state.user.grants.map(grantText).join(' ') || t.noRole}</code>
        </p>
        {state.idleUntil ? (
          <button
            type="button"
            className="secondary"
            data-sign-out-everywhere
            onClick={() => void run(async () => void (await api.send('POST', '/api/session/everywhere', {}, SignedOut), onSignedOutEverywhere()))}
          >
            {t.signOutEverywhere}
          </button>
        ) : null}
      </section>
      {state.idleUntil && state.user.source === 'local' ? (
        <section className="card" aria-labelledby="password-title">
          <h2 id="password-title">{t.changePassword}</h2>
          <form className="grid-form" onSubmit={(event) => void changePassword(event)}>
            <Field id="current-password" label={t.currentPassword}>
              {(props) => <input {...props} type="password" autoComplete="current-password" value={passwords.current} onChange={(event) => setPasswords({ ...passwords, current: event.target.value })} />}
            </Field>
            <Field id="new-password" label={t.newPassword} help={t.newPasswordHelp}>
              {(props) => <input {...props} type="password" autoComplete="new-password" minLength={12} value={passwords.next} onChange={(event) => setPasswords({ ...passwords, next: event.target.value })} />}
            </Field>
            <div>
              <button type="submit" disabled={passwords.current === '' || passwords.next.length < 12}>
                {t.changePassword}
              </button>
            </div>
          </form>
          {passwordNote ? (
            <p role="status" className={passwordNote.ok ? 'success' : 'error'} data-password-note>
              {passwordNote.text}
            </p>
          ) : null}
        </section>
      ) : null}
      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">{t.apiTokens}</h2>
        <p className="help">{t.apiTokensHelp}</p>
        <form className="grid-form" onSubmit={(event) => void create(event)}>
          <Field id="token-name" label={t.tokenName}>
            {(props) => <input {...props} value={name} required onChange={(event) => setName(event.target.value)} />}
          </Field>
          <div>
            <button type="submit" disabled={name.trim() === ''}>
              {t.createToken}
            </button>
          </div>
        </form>
        {made ? (
          <p role="status">
            {t.tokenShownOnce} <code data-new-token>{made}</code>
          </p>
        ) : null}
        <ActionFailure failure={failure} />
        <DataTable caption={t.apiTokens} hiddenCaption columns={[t.tokenName, t.lastUsed, t.state]}>
          {(tokens.data?.tokens ?? []).map((token) => (
            <tr key={token.id} data-token-row={token.name}>
              <th scope="row">{token.name}</th>
              <td>{token.lastUsedAt ? dateTime(token.lastUsedAt, locale) : t.never}</td>
              <td>
                {token.revokedAt ? (
                  `${t.revoked} ${dateTime(token.revokedAt, locale)}`
                ) : (
                  <button type="button" className="secondary" onClick={() => void run(async () => void (await api.send('DELETE', `/api/tokens/${token.id}`, undefined, ApiTokenInfo), tokens.refresh()))}>
                    {t.revoke}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
    </>
  );
}
