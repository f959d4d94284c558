import '@fontsource/atkinson-hyperlegible/400.css';
import '@fontsource/atkinson-hyperlegible/700.css';
import './styles.css';
import { createRoot } from 'react-dom/client';
import { importBundle } from './bundleImport.js';
import { loadConfig } from './configSource.js';
import { PlayerDb } from './db.js';
import { strings } from './i18n.js';
import { ImpressionLog } from './impressionLog.js';
import { DEFAULT_CACHE_OPTIONS, MediaCache } from './mediaCache.js';
import { Playback } from './playback.js';
import { SetSwitch } from './setSwitch.js';
import { localScreenId } from './screenIdentity.js';
import { Stage } from './components/Stage.js';

async function boot(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  performance.mark('antichambre:script');
  const configResult = await loadConfig();
  const config = configResult.config;
  const lang = config.lang ?? 'fr';
  const notice = configResult.ok ? null : `${strings(lang).configError} — ${configResult.error}. ${strings(lang).configErrorHelp}`;
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const db = new PlayerDb();
  // Text slides must not appear in a fallback font for a frame: wait for ours (briefly), meanwhile opening the database.
  const fontsLoaded = Promise.race([
    Promise.all([document.fonts.load('700 1em "Atkinson Hyperlegible"'), document.fonts.load('400 1em "Atkinson Hyperlegible"')]),
    new Promise((resolve) => setTimeout(resolve, 1500)),
  ]).then(() => performance.mark('antichambre:fonts'));
  const cache = new MediaCache(db, { ...DEFAULT_CACHE_OPTIONS, budgetBytes: config.cacheBudgetMB ? Math.floor(config.cacheBudgetMB * 1_000_000) : null });
  const [screenId] = await Promise.all([config.screen ?? localScreenId(db), cache.init()]);
  performance.mark('antichambre:db');
  const playback = new Playback({ db, log: new ImpressionLog(db), timezone, screenId, isFileReady: (sha) => cache.isReady(sha) });
  const switcher = new SetSwitch(db, cache, timezone, (set) => playback.setStoredSet(set));
  cache.onReady(() => playback.fileReady());
  await Promise.all([fontsLoaded, playback.start()]);
  await switcher.init();
  performance.mark('antichambre:started');
  root.render(<Stage playback={playback} cache={cache} name={config.name ?? config.screen ?? ''} lang={lang} timezone={timezone} notice={notice} />);

  // In the background: the bundled playlists on first start, or a newer bundle after an update.
  importBundle(switcher, new URL('./', window.location.href), config.bundle)
    .then((report) => {
      for (const error of report.errors) console.warn(`[antichambre] bundle: ${error}`);
    })
    .catch((error: unknown) => console.warn('[antichambre] bundle not read (offline is fine):', error));

  window.addEventListener('pagehide', () => {
    cache.stop();
    switcher.stop();
    void playback.stop();
  });
}

void boot();
