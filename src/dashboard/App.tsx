import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { HubApi, session } from './hubApi.js';
import { LANGS, LangContext, stringsOf, type Lang } from './i18n.js';
import { AlertsPage } from './pages/AlertsPage.js';
import { FeedsPage } from './pages/FeedsPage.js';
import { PlaylistsPage } from './pages/PlaylistsPage.js';
import { ScreenPage } from './pages/ScreenPage.js';
import { ScreensPage } from './pages/ScreensPage.js';
import { SignIn } from './pages/SignIn.js';
import { useRoute, type Route } from './route.js';

const LANG_KEY = 'antichambre.lang';
// The charts (chart.js) load with the reports only.
const ReportsPage = lazy(() => import('./pages/ReportsPage.js').then((module) => ({ default: module.ReportsPage })));

function savedLang(): Lang {
  const saved = localStorage.getItem(LANG_KEY);
  return saved === 'en' ? 'en' : 'fr';
}

const NAV: { page: Route['page']; href: string; label: 'navScreens' | 'navPlaylists' | 'navAlerts' | 'navReports' | 'navFeeds' }[] = [
  { page: 'screens', href: '#/screens', label: 'navScreens' },
  { page: 'playlists', href: '#/playlists', label: 'navPlaylists' },
  { page: 'alerts', href: '#/alerts', label: 'navAlerts' },
  { page: 'reports', href: '#/reports', label: 'navReports' },
  { page: 'feeds', href: '#/feeds', label: 'navFeeds' },
];

export function App() {
  const [lang, setLang] = useState<Lang>(savedLang);
  const [token, setToken] = useState<string | null>(session.token);
  const route = useRoute();
  const api = useMemo(() => (token ? new HubApi(token) : null), [token]);
  const t = stringsOf(lang);

  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem(LANG_KEY, lang);
  }, [lang]);

  const current = route.page === 'screen' ? 'screens' : route.page;
  return (
    <LangContext.Provider value={lang}>
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
              {NAV.map((entry) => (
                <li key={entry.page}>
                  <a href={entry.href} aria-current={current === entry.page ? 'page' : undefined}>
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
          {api ? (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                session.forget();
                setToken(null);
              }}
            >
              {t.signOut}
            </button>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {!api ? (
          <SignIn
            onSignedIn={(value) => {
              session.save(value);
              setToken(value);
            }}
          />
        ) : route.page === 'screen' ? (
          <ScreenPage api={api} id={route.id} />
        ) : route.page === 'playlists' ? (
          <PlaylistsPage api={api} />
        ) : route.page === 'alerts' ? (
          <AlertsPage api={api} />
        ) : route.page === 'feeds' ? (
          <FeedsPage api={api} />
        ) : route.page === 'reports' ? (
          <Suspense fallback={<p>{t.loading}</p>}>
            <ReportsPage api={api} />
          </Suspense>
        ) : (
          <ScreensPage api={api} />
        )}
      </main>
    </LangContext.Provider>
  );
}
