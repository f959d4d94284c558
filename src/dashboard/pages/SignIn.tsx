import { useEffect, useState, type FormEvent } from 'react';
import { SessionState, SignInOptions } from '../../shared/accounts.js';
import { ApiFailure, HubApi, type Credentials } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { failureText } from '../schemaMessages.js';

export interface SignedIn {
  credentials: Credentials;
  state: SessionState;
}

async function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify(body) });
}

/**
 * Sign-in: with an account (email and password, or the town's identity provider when the hub
 * has one), or with an API token (scripts' tokens, the admin token of hubs before accounts).
 */
export function SignIn({ onSignedIn }: { onSignedIn(signedIn: SignedIn): void }) {
  const { t, lang } = useStrings();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [accountError, setAccountError] = useState<string | null>(null);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [oidc, setOidc] = useState<{ label: string } | null>(null);

  useEffect(() => {
    let live = true;
    void fetch('/api/session/options')
      .then(async (response) => SignInOptions.parse(await response.json()))
      .then((options) => live && setOidc(options.oidc))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);

  const submitAccount = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setAccountError(null);
    try {
      const response = await postJson('/api/session', { email: email.trim(), password });
      if (response.status === 401) setAccountError(t.badPassword);
      else if (response.status === 429) setAccountError(t.tooManyAttempts);
      else if (!response.ok) setAccountError(`HTTP ${response.status}`);
      else {
        const state = SessionState.parse(await response.json());
        onSignedIn({ credentials: { csrf: state.csrfToken ?? '' }, state });
      }
    } catch (failure) {
      setAccountError(failureText(lang, failure));
    } finally {
      setBusy(false);
    }
  };

  const submitToken = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const credentials = { token: token.trim() };
      const state = await new HubApi(credentials).get('/api/session', SessionState);
      onSignedIn({ credentials, state });
    } catch (failure) {
      setError(failure instanceof ApiFailure && failure.status === 401 ? t.badToken : failureText(lang, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <section className="card narrow" aria-labelledby="signin-title">
        <h1 id="signin-title">{t.signInTitle}</h1>
        <form id="account-form" onSubmit={(event) => void submitAccount(event)}>
          <div className="field">
            <label htmlFor="signin-email">{t.email}</label>
            <input id="signin-email" type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="signin-password">{t.password}</label>
            <input
              id="signin-password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-describedby="signin-error"
              aria-invalid={accountError ? true : undefined}
            />
            <p id="signin-error" className="error" role="alert">
              {accountError}
            </p>
          </div>
          <button type="submit" disabled={busy || email.trim() === '' || password === ''}>
            {t.signIn}
          </button>
        </form>
        {oidc ? (
          <p>
            <a className="button secondary" href="/api/session/oidc" data-oidc>
              {oidc.label}
            </a>
          </p>
        ) : null}
      </section>
      <section className="card narrow" aria-labelledby="token-title">
        <h2 id="token-title">{t.signInWithToken}</h2>
        <form id="admin-token-form" onSubmit={(event) => void submitToken(event)}>
          <div className="field">
            <label htmlFor="admin-token">{t.adminToken}</label>
            <input
              id="admin-token"
              type="password"
              autoComplete="off"
              required
              value={token}
              onChange={(event) => setToken(event.target.value)}
              aria-describedby="admin-token-help admin-token-error"
              aria-invalid={error ? true : undefined}
            />
            <p id="admin-token-help" className="help">
              {t.adminTokenHelp}
            </p>
            <p id="admin-token-error" className="error" role="alert">
              {error}
            </p>
          </div>
          <button type="submit" className="secondary" disabled={busy || token.trim() === ''}>
            {t.signIn}
          </button>
        </form>
      </section>
    </>
  );
}
