import { SCREENSHOT_MAX_BASE64 } from '../shared/protocol.js';
import { fittingPng } from './screenshotSize.js';
import { parseCaBundle, trustCaForHub } from './hubCertificate.js';
import { BUILT_IN_RELEASE_KEY, channelFile, fetchSignedFeed } from './releaseSignature.js';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, net, powerSaveBlocker, protocol, screen, session, type IpcMainInvokeEvent } from 'electron';
import { autoUpdater } from 'electron-updater';
import { APP_ORIGIN, APP_SCHEME, createAppHandler } from './appProtocol.js';
import { applyAutostart } from './autostart.js';
import { restartInstalling, startAutoUpdate, type AutoUpdate } from './autoUpdate.js';
import {
  CONFIG_CHANNEL,
  configAnswer,
  DISPLAY_POWER_CHANNEL,
  EVENTS_CHANNEL,
  EVENTS_SENT_CHANNEL,
  EventsSent,
  MEDIA_CLEAR_CHANNEL,
  MEDIA_PACE_CHANNEL,
  MEDIA_STATUS_CHANNEL,
  MEDIA_WANT_CHANNEL,
  mediaStoreStatus,
  parsePace,
  parseWanted,
  RESTART_CHANNEL,
  SCREENSHOT_CHANNEL,
} from './bridge.js';
import { DisplayPower, DisplayPowerRequest, spawnRunner } from './displayPower.js';
import { DEFAULT_MEDIA_FILES_OPTIONS, MediaFiles } from './mediaFiles.js';
import { createMediaHandler, routeAppScheme } from './mediaProtocol.js';
import { loadConfig } from './config.js';
import { CrashRecovery } from './crashRecovery.js';
import { hideIdleCursor } from './cursorHider.js';
import { scheduleDailyRestart } from './dailyRestart.js';
import { chooseDisplay, placeOnDisplay } from './displayChoice.js';
import { EventJournal } from './eventJournal.js';
import { kioskWindowOptions } from './kioskWindow.js';
import { DEFAULT_QUIT_CHORD, watchQuitChord } from './quitChord.js';
import { redact } from './redaction.js';
import { RelaunchHistory } from './relaunchHistory.js';
import { createRotatingLog } from './rotatingLog.js';
import { guardClose, guardContents, guardSession, isAppUrl } from './windowGuards.js';

// Thin glue: the logic lives in the modules above, tested with Electron's API injected.

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
]);

function systemConfigPath(): string {
  return process.platform === 'win32' ? join(process.env.ProgramData ?? 'C:\\ProgramData', 'Antichambre', 'config.json') : '/etc/antichambre/config.json';
}

function readBytesOrNull(path: string): Uint8Array | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

const userData = app.getPath('userData');
const loaded = loadConfig({ argv: process.argv, env: process.env, files: [join(userData, 'config.json'), systemConfigPath()], readFile: readBytesOrNull });
const config = loaded.config;
const secrets = config.token ? [config.token] : [];
const log = createRotatingLog({
  dir: join(userData, 'logs'),
  maxBytes: 1_000_000,
  keep: 5,
  secrets,
  echo: (line) => console.log(`[antichambre] ${line}`),
});
const journal = new EventJournal(join(userData, 'events.json'));
// Each event is logged and kept for the hub (redacted there too: it leaves the machine).
const record = (kind: string, detail: string) => {
  journal.record(kind, redact(detail, secrets));
  log(`${kind}: ${detail}`);
};
let quitting = false;
const relaunch = (reason: string) => {
  record('relaunch', reason);
  quitting = true;
  app.relaunch();
  app.exit(0);
};
// An error in the main process is logged and reported, never shown as a dialog on the kiosk.
process.on('uncaughtException', (error) => record('main-error', error.stack ?? String(error)));

function fromPlayer(event: IpcMainInvokeEvent): void {
  if (!isAppUrl(event.senderFrame?.url ?? '')) throw new Error('refused: not the player page');
}

function start(): void {
  // Set once the update checks start (an installed app with updateUrl): the restarts install what they downloaded.
  let updates: AutoUpdate | null = null;
  log(`start: version ${app.getVersion()}, ${process.platform} ${process.arch}`);
  for (const error of loaded.errors) log(`configuration: ${error}`);

  // The media files, fetched by this process into the cache folder (no CORS: not a page), served as app://media/<sha256>.
  const mediaFolder = join(app.getPath('userData'), 'media');
  // Fetched through the session (net.fetch): the bundled playlists' media are app:// URLs, and the system's proxy and certificates apply.
  const media = new MediaFiles(mediaFolder, {
    ...DEFAULT_MEDIA_FILES_OPTIONS,
    budgetBytes: config.cacheBudgetMB ? Math.floor(config.cacheBudgetMB * 1_000_000) : null,
    fetch: (url, init) => net.fetch(url, init),
  });
  const mediaReady = media.init().catch((error: unknown) => log(`media folder ${mediaFolder}: ${String(error)}`));
  let lastMediaErrors = '';
  media.onChange(() => {
    // Each new error is logged once (the page shows them on F9 and sends them to the hub).
    const errors = media.files().map((f) => f.error ?? '').filter(Boolean).join('\n');
    if (errors !== lastMediaErrors && errors) log(`media: ${errors}`);
    lastMediaErrors = errors;
  });
  app.on('before-quit', () => media.stop());
  protocol.handle(
    APP_SCHEME,
    routeAppScheme(
      createAppHandler(join(app.getAppPath(), 'dist/web'), async (path) => {
        try {
          return new Uint8Array(await readFile(path));
        } catch {
          return null;
        }
      }),
      createMediaHandler(mediaFolder, async (sha256) => {
        await mediaReady;
        return media.verifiedFile(sha256);
      }),
    ),
  );
  ipcMain.handle(MEDIA_WANT_CHANNEL, async (event, files: unknown) => {
    fromPlayer(event);
    const wanted = parseWanted(files);
    await mediaReady;
    media.want(wanted);
  });
  ipcMain.handle(MEDIA_STATUS_CHANNEL, async (event) => {
    fromPlayer(event);
    await mediaReady;
    return mediaStoreStatus(media);
  });
  ipcMain.handle(MEDIA_PACE_CHANNEL, async (event, bytesPerSecond: unknown) => {
    fromPlayer(event);
    const pace = parsePace(bytesPerSecond);
    await mediaReady;
    media.setPace(pace);
  });
  ipcMain.handle(MEDIA_CLEAR_CHANNEL, async (event) => {
    fromPlayer(event);
    await mediaReady;
    await media.clear();
  });
  guardSession(session.defaultSession, log);
  // The town hall's own CA for the hub's https certificate (caFile); a missing or broken file is logged, the system's CAs still apply.
  if (config.caFile && config.hub) {
    try {
      let pem: string;
      try {
        pem = readFileSync(config.caFile, 'utf8');
      } catch (error) {
        throw new Error(`caFile ${config.caFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error)}`);
      }
      trustCaForHub(session.defaultSession, parseCaBundle(pem, config.caFile), config.hub, log);
      log(`tls: the hub's certificate may be issued by the CA of ${config.caFile}`);
    } catch (error) {
      log(`configuration: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  ipcMain.handle(CONFIG_CHANNEL, (event) => {
    fromPlayer(event);
    return configAnswer(config, loaded.errors);
  });
  // The hub's restart and screenshot commands, asked by the player page only.
  ipcMain.handle(RESTART_CHANNEL, (event) => {
    fromPlayer(event);
    if (restartInstalling(updates, relaunch, 'restart command from the hub') === 'installing') quitting = true;
  });
  ipcMain.handle(SCREENSHOT_CHANNEL, async (event) => {
    fromPlayer(event);
    // Leaves room for the command's answer around it within the hub's socket message limit.
    return fittingPng(await event.sender.capturePage(), SCREENSHOT_MAX_BASE64);
  });
  ipcMain.handle(EVENTS_CHANNEL, (event) => {
    fromPlayer(event);
    return journal.pending();
  });
  ipcMain.handle(EVENTS_SENT_CHANNEL, (event, through: unknown) => {
    fromPlayer(event);
    journal.sent(EventsSent.parse(through));
  });

  // The display is kept awake, except while the power schedule has powered it down.
  let blockerId: number | null = powerSaveBlocker.start('prevent-display-sleep');
  const blocker = {
    start: () => {
      if (blockerId === null || !powerSaveBlocker.isStarted(blockerId)) blockerId = powerSaveBlocker.start('prevent-display-sleep');
    },
    stop: () => {
      if (blockerId !== null) powerSaveBlocker.stop(blockerId);
      blockerId = null;
    },
  };
  const displayPower = new DisplayPower({ run: spawnRunner, platform: process.platform, env: process.env, log, blocker });
  ipcMain.handle(DISPLAY_POWER_CHANNEL, (event, state: unknown) => {
    fromPlayer(event);
    return displayPower.set(DisplayPowerRequest.parse(state));
  });
  // Quitting (a technician at the keyboard) leaves the display on.
  app.on('before-quit', () => void displayPower.wakeIfAsleep());
  const choice = () => chooseDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay(), config.display);
  const first = choice();
  if (first.warning) log(first.warning);
  const window = new BrowserWindow(kioskWindowOptions(first.display.bounds, join(import.meta.dirname, 'preload.cjs')));
  window.setMenu(null);
  guardContents(window.webContents, log);
  guardClose(window, () => quitting, log);
  hideIdleCursor(window.webContents);
  watchQuitChord(window.webContents, config.quitChord ?? DEFAULT_QUIT_CHORD, () => {
    record('quit', 'quit chord pressed');
    quitting = true;
    app.quit();
  });
  const relaunches = new RelaunchHistory(join(userData, 'relaunches.json'));
  const recovery = new CrashRecovery({ record, relaunch, mayRelaunch: () => relaunches.allow(Date.now()) });
  recovery.watchContents(window.webContents);
  recovery.watchApp(app);
  app.on('before-quit', () => {
    quitting = true;
    recovery.stop();
  });
  // A display plugged in or out: back onto the chosen one (or the primary one meanwhile).
  const replace = () => placeOnDisplay(window, choice().display);
  screen.on('display-added', replace);
  screen.on('display-removed', replace);
  app.on('second-instance', () => window.focus());
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);

  try {
    const done = applyAutostart(config.autostart, {
      platform: process.platform,
      executable: process.env.APPIMAGE ?? process.execPath,
      configHome: process.env.XDG_CONFIG_HOME ?? join(app.getPath('home'), '.config'),
      loginItems: app,
    });
    if (done) log(done);
  } catch (error) {
    log(`autostart: ${String(error)}`);
  }

  if (config.updateUrl && app.isPackaged) {
    const updateUrl = config.updateUrl;
    const fetchBytes = async (url: string): Promise<Buffer> => {
      const response = await net.fetch(url, { headers: { 'cache-control': 'no-cache' } });
      if (response.status !== 200) throw new Error(`update: ${url}: HTTP ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    };
    updates = startAutoUpdate(autoUpdater, updateUrl, record, () => fetchSignedFeed(fetchBytes, updateUrl, channelFile(process.platform, process.arch), BUILT_IN_RELEASE_KEY));
  }
  else log(config.updateUrl ? 'updates: off (not an installed app)' : 'updates: off (no updateUrl)');
  const restartAt = config.dailyRestart;
  if (restartAt) {
    scheduleDailyRestart(restartAt, () => {
      if (restartInstalling(updates, relaunch, `daily restart at ${restartAt}`) === 'installing') quitting = true;
    });
  } else if (updates) log('updates: no dailyRestart set: a downloaded update is installed only at a restart command from the hub (set dailyRestart, like "04:00", to install it every night)');
}

if (app.requestSingleInstanceLock()) {
  app.whenReady().then(start, (error: unknown) => record('main-error', String(error)));
  app.on('web-contents-created', (_event, contents) => guardContents(contents, log));
  app.on('window-all-closed', () => app.quit());
} else {
  log('another instance is running: this one quits');
  app.quit();
}
