// The page's entry. The start frame script (startFrame.ts, run by the page's head) has opened the
// database and read ahead the files the first frame will likely show (startHandoff takes them);
// first, while the rest of the code is evaluated, the bundled playlists' index is asked for
// (bundleIndexFetch). (An entry that imported the rest dynamically ran these sooner, but
// the player's code, compiled only when imported, then started 70 to 90 ms later: measured with
// bench/startup.ts, both builds in the same runs, and not kept.)
import { clearStartFrame, decidedBefore, decodedAhead, releaseEarlyMedia, releaseEarlyStorage, takeEarlyMedia } from './startHandoff.js';
import './bundleIndexFetch.js';
import '@fontsource/atkinson-hyperlegible/400.css';
import '@fontsource/atkinson-hyperlegible/700.css';
import './styles.css';
import { createRoot } from 'react-dom/client';
import { runEffectsAfterCommit } from './effectScheduling.js';
import { loadConfig } from './configSource.js';
import { PlayerDb } from './db.js';
import { ImpressionLog } from './impressionLog.js';
import { DEFAULT_CACHE_OPTIONS, JUST_STORED_MS, loadDownloadCode, MediaCache } from './mediaCache.js';
import { VIDEO_PACE } from '../shared/downloadPace.js';
import { watchPlayingVideos } from './playingVideos.js';
import { afterFirstItem, loadDeferredCode } from './deferredCode.js';
import { DisposableStore, toDisposable } from './disposables.js';
import { loadQrEncoder } from './qrEncoder.js';
import { ScreenLayout } from './screenLayout.js';
import { StartImages } from './startImages.js';
import { readMedia } from './mediaStore.js';
import { CallAnnouncer } from './callAnnouncer.js';
import { playChime } from './components/QueueBoard.js';
import { KioskMediaCache, kioskMediaBridge } from './kioskMedia.js';
import type { PlayerMedia } from './playerMedia.js';
import { SetSwitch } from './setSwitch.js';
import { localScreenId } from './screenIdentity.js';
import { Stage } from './components/Stage.js';
import { AlertBoard } from './alertBoard.js';
import type { HubReport, HubSync } from './hubSync.js';
import { IdentifyFlag, runCommand } from './screenCommands.js';
import { PLAYER_VERSION } from './version.js';
import { QueueTracker } from './queueTracker.js';
import { kioskEventsFrom } from './kioskEvents.js';
import { ConfigNotices } from './configNotices.js';
import { forgetPairing, PairingCodeShown, pairedScreen, pairScreen } from './screenPairing.js';
import { PairingScreen } from './components/PairingScreen.js';
import { ScreenPower } from './screenPower.js';

/** How long a fresh player's stage waits for its bundle's files to be asked for, at most. */
const BUNDLE_ASKED_WAIT_MS = 3_000;

async function boot(): Promise<void> {
  runEffectsAfterCommit();
  const root = createRoot(document.getElementById('root')!);
  performance.mark('antichambre:script');
  // Every timer and listener of the page's parts, disposed together when the page goes away.
  const owned = new DisposableStore();
  owned.listen(window, 'pagehide', () => owned.dispose());
  const configResult = await loadConfig();
  const config = configResult.config;
  const lang = config.lang ?? 'fr';
  // The page's language as its settings say (index.html is French), for the browser's hyphenation and a reader's voice.
  document.documentElement.lang = lang;
  const notices = new ConfigNotices(configResult.ok ? [] : configResult.error.split(' · '));
  // A player that never decided what to show (a fresh one: its first item comes from the bundle)
  // reads the bundle and its playlists now (or takes the read its fresh start frame began), while
  // its storage is read; the import below takes them.
  const appBase = new URL('./', window.location.href);
  const shape = () => ({ width: window.innerWidth, height: window.innerHeight });
  const bundleAhead = decidedBefore()
    ? undefined
    : import('./bundleImport.js').then(({ readBundleAhead, forgetBundleAhead }) => {
        owned.add(toDisposable(forgetBundleAhead));
        return readBundleAhead(appBase, config.bundle, shape());
      });
  bundleAhead?.catch(() => {}); // awaited, and its failure reported, by the import
  const db = new PlayerDb();
  // The stored set and the zones' settings, asked for with the other reads below (the zones start from them).
  const storedScreen = ScreenLayout.readStored(db);
  storedScreen.catch(() => {}); // awaited by the start, which reports it
  // Our text faces (briefly awaited below), loading meanwhile.
  const fontsLoaded = Promise.race([
    Promise.all([document.fonts.load('700 1em "Atkinson Hyperlegible"'), document.fonts.load('400 1em "Atkinson Hyperlegible"')]),
    new Promise((resolve) => setTimeout(resolve, 1500)),
  ]).then(() => performance.mark('antichambre:fonts'));
  // The kiosk's main process fetches media into files (any host, CORS or not); the web player caches them in IndexedDB.
  const kioskMedia = kioskMediaBridge(window.antichambre);
  // A fresh web player downloads its first files at once: their code loads now, not at the first download.
  if (bundleAhead && !kioskMedia) loadDownloadCode().catch(() => {}); // a failure is retried, and reported, by that download
  const cache: PlayerMedia = owned.add(
    kioskMedia
      ? new KioskMediaCache(kioskMedia, db)
      : new MediaCache(db, { ...DEFAULT_CACHE_OPTIONS, budgetBytes: config.cacheBudgetMB ? Math.floor(config.cacheBudgetMB * 1_000_000) : null, takeEarly: takeEarlyMedia }),
  );
  // The configured id and token win; else those this player got by pairing with this hub (none: it pairs, below).
  const configured = config.screen && config.token ? { screenId: config.screen, token: config.token } : null;
  const queue = owned.add(new QueueTracker(db));
  const alerts = owned.add(new AlertBoard(db));
  // No id configured and no hub to pair with: the id this player made itself, read with the rest.
  const ownId = config.screen || config.hub ? null : localScreenId(db);
  // Everything the first item depends on, read side by side: what is cached, alerts (an urgent one covers the screen), the queue's waits.
  const reads = Promise.all([configured ?? (config.hub ? pairedScreen(db, config.hub) : null), ownId, cache.init(), alerts.init(), queue.init()]);
  // While they are read: the time zone (the page's first date formatter sets up ICU, 20 ms or so).
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [credentials, localId] = await reads;
  const screenId = credentials?.screenId ?? config.screen ?? localId ?? (await localScreenId(db));
  performance.mark('antichambre:db');
  releaseEarlyStorage();
  // Storage full: cached media make way for proof of play.
  const log = new ImpressionLog(db, () => cache.freeForRecords());
  log.audienceOf = queue.audienceOf;
  // Before the zones stop (disposed in this order): the moment the page leaves, noted at once for the next start.
  owned.add(toDisposable(() => log.noteLeaving(Date.now())));
  // The screen's zones, each playing on its own (without a layout: `main`, the whole screen).
  // The web player keeps its start frame images where the next start reads them at once (the kiosk's are files).
  const startImages = kioskMedia ? null : new StartImages((sha) => readMedia(db, sha));
  const playback = new ScreenLayout({ db, log, timezone, screenId, isFileReady: (sha) => cache.isReady(sha), mediaUrl: (sha, type) => cache.mediaUrl(sha, type), waits: () => queue.waits(), decodedAhead }, startImages ?? undefined);
  // Its zones stop (each writes the impression of the item it was showing, cut short).
  owned.add(toDisposable(() => void playback.stop()));
  const announcer = owned.add(new CallAnnouncer(() => playback.layout(), { chime: playChime, speechSynthesis: () => window.speechSynthesis }));
  queue.onCalled = (calls) => announcer.receive(calls);
  owned.add(toDisposable(queue.subscribe(() => playback.waitsChanged())));
  const identify = owned.add(new IdentifyFlag());
  // Asleep when the building is closed (the set's power schedule): black, nothing plays; in the kiosk the display powered down.
  let sync: HubSync | null = null;
  const displayPower = window.antichambre?.displayPower;
  const power = owned.add(new ScreenPower({ timezone, urgent: () => alerts.covered(), display: displayPower ? (state) => displayPower(state) : null, onChange: () => sync?.powerChanged() }));
  const cover = () => {
    const covered = alerts.covered() || power.asleep();
    // The start frame (startFrame.ts) is over the stage: an urgent alert or a sleeping screen shows at once.
    if (covered) clearStartFrame();
    playback.setCovered(covered, power.view.sleepsAt ?? Infinity);
  };
  owned.add(
    toDisposable(
      alerts.subscribe(() => {
        power.alertsChanged();
        cover();
      }),
    ),
  );
  owned.add(toDisposable(power.subscribe(cover)));
  const switcher = owned.add(
    new SetSwitch(db, cache, timezone, (set) => {
      playback.setStoredSet(set);
      power.setStoredSet(set);
    }),
  );
  owned.add(toDisposable(cache.onReady(() => playback.fileReady())));
  // The alerts were read before anything listened: the screen is covered from the start if one is urgent.
  cover();
  // Text slides must not appear in a fallback font for a frame (the faces were fetched with the code).
  await fontsLoaded;
  await playback.start(storedScreen);
  power.start(playback.currentSet());
  performance.mark('antichambre:started');
  // With a hub (and this screen's id and token): pushed sets, alerts, commands, and the outbox sent.
  // Its code (socket.io) loads after the first frame is asked for: the screen plays its stored set without it.
  const bridge = window.antichambre;
  const hubUrl = config.hub && credentials ? config.hub : null;
  const connecting: HubReport = { url: hubUrl ?? '', connected: false, error: null, refusal: null, sent: 0, sendError: null };
  // A hub but no id and token: show a pairing code over what plays, until an admin claims it; then start again as that screen.
  const pairing = config.hub && !credentials ? new PairingCodeShown() : null;
  // A fresh player's stage is drawn once its bundle's files are asked for (bounded): on a busy
  // machine the code that reads them may come after the fonts, and the stage would be drawn with
  // nothing to show while they are not even asked for. Its first item needs them all the same.
  if (bundleAhead) await Promise.race([bundleAhead.catch(() => {}), new Promise((resolve) => setTimeout(resolve, BUNDLE_ASKED_WAIT_MS))]);
  root.render(
    <>
      <Stage screen={playback} cache={cache} alerts={alerts} identify={identify} name={config.name ?? (credentials && 'name' in credentials ? credentials.name : undefined) ?? credentials?.screenId ?? config.screen ?? ''} screenId={screenId} lang={lang} timezone={timezone} notices={notices} hub={hubUrl ? () => sync?.report() ?? connecting : null} queue={queue} announcer={announcer} chime={config.chime === 'on'} showWait={config.showWait ?? 'range'} power={power} />
      {pairing && config.hub ? <PairingScreen shown={pairing} hubUrl={config.hub} /> : null}
    </>,
  );
  // The QR encoder and (web player) the download path, once the first item is on screen.
  // While a video plays, downloads (the page's, or the kiosk's file store's) go slower: the video keeps its frames.
  watchPlayingVideos(document, owned, (playing) => cache.setPace(playing ? VIDEO_PACE : null));
  loadDeferredCode(owned, kioskMedia ? [loadQrEncoder] : [loadQrEncoder, loadDownloadCode]);
  if (startImages) {
    owned.add(startImages);
    afterFirstItem(owned, () => startImages.start());
  }
  // Files read ahead for the first frame and not shown (the start decided otherwise) are given back.
  afterFirstItem(owned, releaseEarlyMedia);
  // Files just downloaded are kept in memory for their first showing only while the first item is
  // awaited (a fresh start on a slow line may take a while; nothing to show at all: a minute).
  if (cache instanceof MediaCache) afterFirstItem(owned, () => cache.forgetJustStored(), JUST_STORED_MS);
  // The current set as the start read it (one read, one parse); the pending one read here.
  await switcher.init(storedScreen.then(({ set }) => set));
  if (pairing && config.hub) void pairScreen(db, config.hub, pairing).then(() => window.location.reload());
  if (hubUrl && credentials) {
    void import('./hubSync.js').then(({ HubSync }) => {
      if (owned.isDisposed) return;
      const started = new HubSync({
        hubUrl,
        screenId: credentials.screenId,
        token: credentials.token,
        version: PLAYER_VERSION,
        timezone,
        db,
        switcher,
        alerts,
        cache,
        nowPlaying: () => playback.nowPlaying(),
        power: () => power.status(),
        onQueue: (events) => queue.receive(events),
        kioskEvents: kioskEventsFrom(bridge),
        // A token got by pairing and refused now (rotated, screen paired again): show a code again.
        // A configured token refused: said on screen (the bundle or the stored set plays on), not only in the log.
        ...(configured
          ? { onUnauthorized: () => notices.add(`token: the hub (${hubUrl}) refuses screen "${credentials.screenId}" with this token (unauthorized): a wrong one, or replaced since (antichambre-hub screen token ${credentials.screenId} gives a new one)`) }
          : { onUnauthorized: () => void forgetPairing(db).then(() => window.location.reload()) }),
        runCommand: (command) =>
          runCommand(command, {
            reload: () => window.location.reload(),
            restart: bridge?.restart ? () => void bridge.restart?.() : null,
            clearCache: async () => {
              try {
                await cache.clear();
              } finally {
                startImages?.clear();
              }
              switcher.plan();
            },
            identify: (ms) => identify.show(ms),
            // The kiosk's window captured by Electron; the web player's page drawn (a chunk loaded when asked).
            screenshot: bridge?.screenshot
              ? async () => String(await bridge.screenshot?.())
              : async () => (await import('./pageScreenshot.js')).pageScreenshot(),
          }),
      });
      owned.add(started);
      sync = started;
      log.onOutbox = () => started.outboxChanged();
      queue.onReport = () => started.outboxChanged();
      started.start();
    }).catch((error: unknown) => console.warn('[antichambre] hub link not loaded (the screen plays on; reload to retry):', error));
  }

  // The bundled playlists on first start, or a newer bundle after an update. Its code (with the
  // bundle format's schemas) is a chunk of its own, fetched with the entry (modulepreload): a player
  // with a set reads the bundle once its first item is on screen; a fresh one at once (its first item comes
  // from it), taking what was read ahead above.
  const readBundle = (): void =>
    void import('./bundleImport.js')
      .then(({ importBundle }) => importBundle(switcher, appBase, config.bundle, shape(), bundleAhead))
      .then((report) => {
        // A bundle refused (a file that is not what §1 or §6 asks) and a `bundle` setting naming none of
        // the bundles: named on screen with the settings' problems, for whoever installs the screen.
        for (const error of report.errors) console.warn(`[antichambre] bundle: ${error}`);
        for (const error of [...report.errors, ...report.settingErrors]) notices.add(error);
      })
      .catch((error: unknown) => console.warn('[antichambre] bundle not read (offline is fine):', error));
  if (playback.currentSet()) afterFirstItem(owned, readBundle);
  else readBundle();
}

// A page back from the back-forward cache (a web player's tab after a navigation and "back") was
// disposed by its pagehide, its zones stopped: it starts again rather than stand frozen on its last frame.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) window.location.reload();
});

void boot();
