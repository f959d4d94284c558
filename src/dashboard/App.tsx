import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { Action } from '../shared/access.js';
import { SessionState, SignedOut } from '../shared/accounts.js';
import { HubApi, session, type Credentials } from './hubApi.js';
import { LANGS, LangContext, stringsOf, type Lang, type Strings } from './i18n.js';
import { AccountPage } from './pages/AccountPage.js';
import { AlertsPage } from './pages/AlertsPage.js';
import { AuditPage } from './pages/AuditPage.js';
import { FeedsPage } from './pages/FeedsPage.js';
import { PlaylistsPage } from './pages/PlaylistsPage.js';
import { ScreenPage } from './pages/ScreenPage.js';
import { ScreensPage } from './pages/ScreensPage.js';
import { SignIn, type SignedIn } from './pages/SignIn.js';
import { UsersPage } from './pages/UsersPage.js';
import { ActionsContext } from './permissions.js';
import { useRoute, type Route } from './route.js';

const LANG_KEY = 'antichambre.lang';
// The charts (chart.js) load with the reports only.
const ReportsPage = lazy(() => import('./pages/ReportsPage.js').then((module) => ({ default: module.ReportsPage })));

function savedLang(): Lang {
  const saved = localStorage.getItem(LANG_KEY);
  return saved === 'en' ? 'en' : 'fr';
}

type NavLabel = 'navScreens' | 'navPlaylists' | 'navAlerts' | 'navReports' | 'navUsers' | 'navAudit' | 'navAccount' | 'navFeeds';
/** Each page with the action it needs (null: every signed-in user): a page the user cannot use is not offered. */
const NAV: { page: Route['page']; href: string; label: NavLabel & keyof Strings; needs: Action | null }[] = [
  { page: 'screens', href: '#/screens', label: 'navScreens', needs: 'screens.read' },
  { page: 'playlists', href: '#/playlists', label: 'navPlaylists', needs: 'playlists.push' },
  { page: 'alerts', href: '#/alerts', label: 'navAlerts', needs: 'alerts.read' },
  { page: 'reports', href: '#/reports', label: 'navReports', needs: 'reports.read' },
  { page: 'feeds', href: '#/feeds', label: 'navFeeds', needs: 'alerts.read' },
  { page: 'users', href: '#/users', label: 'navUsers', needs: 'users.read' },
  { page: 'audit', href: '#/audit', label: 'navAudit', needs: 'audit.read' },
  { page: 'account', href: '#/account', label: 'navAccount', needs: null },
];

export function App() {
  const [lang, setLang] = useState<Lang>(savedLang);
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  const [checking, setChecking] = useState(true);
  const [ended, setEnded] = useState(false);
  const route = useRoute();
  const api = useMemo(
    () =>
      signedIn
        ? new HubApi(signedIn.credentials, () => {
            // The hub no longer knows this session or token: back to the sign-in page, saying why.
            session.forget();
            setSignedIn(null);
            setEnded(true);
          })
        : null,
    [signedIn],
  );
  const t = stringsOf(lang);

  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem(LANG_KEY, lang);
  }, [lang]);

  // At load: a token kept in this tab, or the hub's session cookie (after a reload, or back from single sign-on).
  useEffect(() => {
    let live = true;
    const saved = session.token();
    const credentials: Credentials = saved ? { token: saved } : { csrf: '' };
    new HubApi(credentials)
      .get('/api/session', SessionState)
      .then((state) => live && setSignedIn({ credentials: saved ? credentials : { csrf: state.csrfToken ?? '' }, state }))
      .catch(() => {
        if (saved) session.forget();
      })
      .finally(() => live && setChecking(false));
    return () => {
      live = false;
    };
  }, []);

  const signOut = async (): Promise<void> => {
    if (signedIn && api && 'csrf' in signedIn.credentials) await api.send('DELETE', '/api/session', undefined, SignedOut).catch(() => {});
    session.forget();
    setSignedIn(null);
  };

  const actions = signedIn?.state.actions ?? [];
  const access = useMemo(() => ({ actions, grants: signedIn?.state.user.grants ?? [] }), [signedIn]);
  const can = (action: Action | null): boolean => action === null || actions.includes(action);
  const current = route.page === 'screen' ? 'screens' : route.page;
  const allowed = NAV.find((entry) => entry.page === current);
  const page = allowed && !can(allowed.needs) ? null : route;
  return (
    <LangContext.Provider value={lang}>
      <ActionsContext.Provider value={access}>
        <a className="skip" href="#main">
          {t.skipToContent}
        </a>
        <header className="top">
          <div className="brand">
            <strong>{t.appName}</strong> <span>{t.appSubtitle}</span>
          </div>
          {api ? (
            <nav aria-label={t.appSubtitle}>
              <ul>
                {NAV.filter((entry) => can(entry.needs)).map((entry) => (
                  <li key={entry.page}>
                    <a href={entry.href} aria-current={current === entry.page ? 'page' : undefined} data-nav={entry.page}>
                      {t[entry.label]}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <div className="top-tools">
            <label>
              <span className="sr-only">{t.language}</span>
              <select value={lang} onChange={(event) => setLang(event.target.value === 'en' ? 'en' : 'fr')} aria-label={t.language}>
                {LANGS.map((l) => (
                  <option key={l} value={l}>
                    {l === 'fr' ? 'Français' : 'English'}
                  </option>
                ))}
              </select>
            </label>
            <a href="/api/docs" target="_blank" rel="noopener" title={t.apiDocsTitle}>
              {t.apiDocs}
            </a>
            {api && signedIn ? (
              <>
                <span className="signed-in-as" data-signed-in-as>
                  {signedIn.state.user.name}
                </span>
                <button type="button" className="secondary" onClick={() => void signOut()}>
                  {t.signOut}
                </button>
              </>
            ) : null}
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {checking ? (
            <p>{t.loading}</p>
          ) : !api || !signedIn ? (
            <>
              {ended ? (
                <p className="error" role="alert" data-session-ended>
                  {t.sessionEnded}
                </p>
              ) : null}
              <SignIn
                onSignedIn={(value) => {
                  if ('token' in value.credentials) session.save(value.credentials.token);
                  setEnded(false);
                  setSignedIn(value);
                }}
              />
            </>
          ) : page === null ? (
            <p className="error" role="alert">
              {t.notAllowed}
            </p>
          ) : page.page === 'screen' ? (
            <ScreenPage api={api} id={page.id} />
          ) : page.page === 'playlists' ? (
            <PlaylistsPage key={signedIn.state.user.id} api={api} userId={signedIn.state.user.id} />
          ) : page.page === 'alerts' ? (
            <AlertsPage api={api} />
          ) : page.page === 'feeds' ? (
            <FeedsPage api={api} />
          ) : page.page === 'reports' ? (
            <Suspense fallback={<p>{t.loading}</p>}>
              <ReportsPage api={api} />
            </Suspense>
          ) : page.page === 'users' ? (
            <UsersPage api={api} me={signedIn.state.user.id} />
          ) : page.page === 'audit' ? (
            <AuditPage api={api} />
          ) : page.page === 'account' ? (
            <AccountPage api={api} state={signedIn.state} onSignedOutEverywhere={() => setSignedIn(null)} />
          ) : can('screens.read') ? (
            <ScreensPage api={api} />
          ) : (
            <AccountPage api={api} state={signedIn.state} onSignedOutEverywhere={() => setSignedIn(null)} />
          )}
        </main>
      </ActionsContext.Provider>
    </LangContext.Provider>
  );
}
