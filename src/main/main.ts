import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, powerSaveBlocker, protocol, session } from 'electron';
import { APP_ORIGIN, APP_SCHEME, createAppHandler } from './appProtocol.js';
import { CONFIG_CHANNEL, configAnswer, RESTART_CHANNEL, SCREENSHOT_CHANNEL } from './bridge.js';
import { loadConfig } from './config.js';
import { guardContents, guardSession, isAppUrl } from './windowGuards.js';

// Thin glue: the logic lives in the modules above, tested with Electron's API injected.

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
]);

const log = (message: string) => console.log(`[antichambre] ${message}`);

function systemConfigPath(): string {
  return process.platform === 'win32' ? join(process.env.ProgramData ?? 'C:\\ProgramData', 'Antichambre', 'config.json') : '/etc/antichambre/config.json';
}

function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

if (!app.requestSingleInstanceLock()) app.quit();

app.whenReady().then(() => {
  const loaded = loadConfig({
    argv: process.argv,
    env: process.env,
    files: [join(app.getPath('userData'), 'config.json'), systemConfigPath()],
    readFile: readTextOrNull,
  });
  for (const error of loaded.errors) log(`configuration: ${error}`);

  const webRoot = join(app.getAppPath(), 'dist/web');
  protocol.handle(
    APP_SCHEME,
    createAppHandler(webRoot, async (path) => {
      try {
        return new Uint8Array(await readFile(path));
      } catch {
        return null;
      }
    }),
  );
  guardSession(session.defaultSession, log);
  ipcMain.handle(CONFIG_CHANNEL, (event) => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) throw new Error('refused: not the player page');
    return configAnswer(loaded.config, loaded.errors);
  });

  // The hub's restart and screenshot commands, asked by the player page only.
  ipcMain.handle(RESTART_CHANNEL, (event) => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) throw new Error('refused: not the player page');
    app.relaunch();
    app.exit(0);
  });
  ipcMain.handle(SCREENSHOT_CHANNEL, async (event) => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) throw new Error('refused: not the player page');
    return (await event.sender.capturePage()).toPNG().toString('base64');
  });

  powerSaveBlocker.start('prevent-display-sleep');
  const window = new BrowserWindow({
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    backgroundColor: '#0b1f3a',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.setMenu(null);
  guardContents(window.webContents, log);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
});

app.on('web-contents-created', (_event, contents) => guardContents(contents, log));
app.on('window-all-closed', () => app.quit());
