import { useState, type FormEvent } from 'react';
import { ScreenList } from '../../shared/adminApi.js';
import { ApiFailure, HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';

/** The admin token, checked against the hub before it is kept. */
export function SignIn({ onSignedIn }: { onSignedIn(token: string): void }) {
  const { t } = useStrings();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await new HubApi(token.trim()).get('/api/screens', ScreenList);
      onSignedIn(token.trim());
    } catch (failure) {
      setError(failure instanceof ApiFailure && failure.status === 401 ? t.badToken : failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">{t.signInTitle}</h1>
      <form onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor="admin-token">{t.adminToken}</label>
          <input
            id="admin-token"
            type="password"
            autoComplete="current-password"
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
        <button type="submit" disabled={busy || token.trim() === ''}>
          {t.signIn}
        </button>
      </form>
    </section>
  );
}
