import { useRef, useState, type FormEvent } from 'react';
import { grantText } from '../../shared/access.js';
import { grantsFromText, sitesWithoutScreens } from '../grantsText.js';
import { PasswordResetDone, SignedOut, UserCreated, UserInfo, UserList } from '../../shared/accounts.js';
import { ScreenList } from '../../shared/adminApi.js';
import { ActionFailure, useAction } from '../components/ActionFailure.js';
import { DataTable } from '../components/DataTable.js';
import { Field } from '../components/Field.js';
import { dateTime } from '../formatting.js';
import type { HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { usePoll } from '../usePoll.js';

/** Users (administrators only): add, roles per site, disable, reset a password, sign out everywhere. */
export function UsersPage({ api, me }: { api: HubApi; me: string }) {
  const { t, locale } = useStrings();
  const users = usePoll(() => api.get('/api/users', UserList), null, [api]);
  const screens = usePoll(() => api.get('/api/screens', ScreenList), null, [api]);
  const screenSites = new Set((screens.data?.screens ?? []).map((screen) => screen.site));
  const [form, setForm] = useState({ email: '', name: '', roles: '' });
  const unknownSites = sitesWithoutScreens(form.roles, screenSites);
  const [errors, setErrors] = useState<Record<string, string>>({});
  /** A password the hub made, shown this once. */
  const [shown, setShown] = useState<{ email: string; password: string } | null>(null);
  const [editing, setEditing] = useState<{ id: string; roles: string; error: string | null } | null>(null);
  const { run, failure } = useAction();

  const act = async (work: () => Promise<void>): Promise<void> => {
    await run(work);
    users.refresh();
  };

  const add = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setShown(null);
    const roles = grantsFromText(form.roles);
    const found: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(form.email.trim())) found['email'] = t.badEmail;
    if (!form.name.trim()) found['name'] = t.required;
    if ('bad' in roles) found['roles'] = `${t.badRole}${t.colon}${roles.bad}`;
    setErrors(found);
    if (Object.keys(found).length > 0 || 'bad' in roles) return;
    await act(async () => {
      const created = await api.send('POST', '/api/users', { email: form.email.trim(), name: form.name.trim(), grants: roles.grants }, UserCreated);
      setShown(created.password ? { email: created.user.email, password: created.password } : null);
      setForm({ email: '', name: '', roles: '' });
    });
  };

  const saveRoles = async (user: UserInfo): Promise<void> => {
    if (!editing) return;
    const roles = grantsFromText(editing.roles);
    if ('bad' in roles) {
      setEditing({ ...editing, error: `${t.badRole}${t.colon}${roles.bad}` });
      return;
    }
    await act(async () => {
      await api.send('PATCH', `/api/users/${user.id}`, { grants: roles.grants }, UserInfo);
      setEditing(null);
    });
  };

  return (
    <>
      <h1>{t.usersTitle}</h1>
      <section className="card" aria-labelledby="add-user-title">
        <h2 id="add-user-title">{t.addUser}</h2>
        <form className="grid-form" onSubmit={(event) => void add(event)} noValidate>
          <Field id="user-email" label={t.email} error={errors['email']}>
            {(props) => <input {...props} type="email" value={form.email} onChange={(event) => setForm({ ...form, email: event.target.value })} />}
          </Field>
          <Field id="user-name" label={t.displayName} error={errors['name']}>
            {(props) => <input {...props} value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} />}
          </Field>
          <Field id="user-roles" label={t.roles} help={t.rolesHelp} error={errors['roles']}>
            {(props) => <input {...props} value={form.roles} placeholder="editor@mairie viewer@*" onChange={(event) => setForm({ ...form, roles: event.target.value })} />}
          </Field>
          {unknownSites.length > 0 ? (
            <p className="warning" data-unknown-sites="">
              {t.sitesWithoutScreens(unknownSites.join(', '), [...screenSites].sort().join(', '))}
            </p>
          ) : null}
          <div>
            <button type="submit">{t.addUser}</button>
          </div>
        </form>
        <div role="status">{shown ? <ShownPassword key={shown.password} email={shown.email} password={shown.password} /> : null}</div>
      </section>
      <ActionFailure failure={failure} />
      <DataTable caption={t.usersTitle} hiddenCaption columns={[t.email, t.roles, t.state, t.lastSignIn, t.actionsColumn]}>
        {(users.data?.users ?? []).map((user) => (
          <tr key={user.id} data-user-row={user.email} data-disabled={user.disabled ? 'yes' : 'no'}>
            <th scope="row">
              {user.email}
              <div className="small muted">
                {user.name}
                {user.source === 'oidc' ? ` · ${t.singleSignOn}` : ''}
              </div>
            </th>
            <td>
              {editing?.id === user.id ? (
                <>
                  <label className="sr-only" htmlFor={`roles-${user.id}`}>
                    {t.roles}
                  </label>
                  <input id={`roles-${user.id}`} value={editing.roles} onChange={(event) => setEditing({ ...editing, roles: event.target.value, error: null })} />
                  <button type="button" onClick={() => void saveRoles(user)}>
                    {t.save}
                  </button>
                  {editing.error ? <p className="error small">{editing.error}</p> : null}
                </>
              ) : (
                <>
                  <code>{user.grants.map(grantText).join(' ') || t.noRole}</code>{' '}
                  <button type="button" className="secondary" onClick={() => setEditing({ id: user.id, roles: user.grants.map(grantText).join(' '), error: null })} aria-label={`${t.editRoles}${t.colon}${user.email}`}>
                    {t.editRoles}
                  </button>
                </>
              )}
            </td>
            <td>{user.disabled ? t.disabled : t.enabled}</td>
            <td>{user.lastSignIn ? dateTime(user.lastSignIn, locale) : t.never}</td>
            <td>
              <div className="buttons">
                {user.id === me ? null : (
                  <button type="button" className="secondary" onClick={() => void act(async () => void (await api.send('PATCH', `/api/users/${user.id}`, { disabled: !user.disabled }, UserInfo)))} data-toggle-user={user.email}>
                    {user.disabled ? t.enable : t.disable}
                  </button>
                )}
                {user.source === 'local' ? (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() =>
                      void act(async () => {
                        const done = await api.send('POST', `/api/users/${user.id}/password`, {}, PasswordResetDone);
                        setShown(done.password ? { email: done.user.email, password: done.password } : null);
                      })
                    }
                  >
                    {t.resetPassword}
                  </button>
                ) : null}
                <button type="button" className="secondary" onClick={() => void act(async () => void (await api.send('POST', `/api/users/${user.id}/signout`, {}, SignedOut)))}>
                  {t.signOutEverywhere}
                </button>
              </div>
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

/**
 * A new password, shown once, with a button that copies it: the clipboard where the page may write
 * to it (https, or this computer), else the password selected for Ctrl+C (a dashboard opened at
 * http://192.168.… has no clipboard API).
 */
function ShownPassword({ email, password }: { email: string; password: string }) {
  const { t } = useStrings();
  // What the button did, said in the page's language as it is now.
  const [copied, setCopied] = useState<'copied' | 'selected' | null>(null);
  const code = useRef<HTMLElement>(null);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(password);
      setCopied('copied');
    } catch {
      const range = document.createRange();
      if (code.current) range.selectNodeContents(code.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setCopied('selected');
    }
  };
  return (
    <p data-user-shown="">
      {email}
      {t.colon}
      {t.passwordShownOnce}{' '}
      <code ref={code} className="password" data-password="">
        {password}
      </code>{' '}
      <button type="button" className="secondary" onClick={() => void copy()}>
        {t.copyPassword}
      </button>{' '}
      <span className="help" data-copied="">
        {copied === 'copied' ? t.passwordCopied : copied === 'selected' ? t.passwordSelected : null}
      </span>
    </p>
  );
}
