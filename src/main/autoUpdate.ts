/**
 * Updates from a folder of installers on an https web server (`updateUrl`, electron-updater's
 * generic provider): off unless configured; checked a minute after start and then daily,
 * downloaded in the background, and installed at the next relaunch the kiosk is asked for (its
 * daily quiet-hour restart, or the hub's restart command: restartInstalling). Nothing
 * is downloaded unless the folder's `latest*.yml` carries the release key's signature and
 * names exactly the version and files electron-updater found (releaseSignature.ts).
 */
import { mismatchWithSigned, type FoundUpdate } from './releaseSignature.js';

export const FIRST_CHECK_MS = 60_000;
export const CHECK_EVERY_MS = 24 * 3_600_000;

export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'update-available', listener: (info: FoundUpdate) => void): unknown;
}

export interface AutoUpdate {
  /** The version downloaded and waiting to be installed, if any. */
  downloaded(): string | null;
  /** Install the downloaded update and start it again; false when there is none. */
  installNow(): boolean;
  stop(): void;
}

/**
 * `signedFeed`: fetches and verifies the folder's signed yml, answering its text (throws,
 * saying why, when it is missing, unsigned, tampered with, or the URL is not https).
 */
export function startAutoUpdate(updater: Updater, url: string, record: (kind: string, detail: string) => void, signedFeed: () => Promise<string>): AutoUpdate {
  let ready: string | null = null;
  let signed: string | null = null;
  // Downloads only after the found update is matched against the signed yml.
  updater.autoDownload = false;
  // Installed at the quiet hour (installNow), never when a technician quits.
  updater.autoInstallOnAppQuit = false;
  updater.setFeedURL({ provider: 'generic', url });
  updater.on('update-downloaded', (info) => {
    if (ready === info.version) return;
    ready = info.version;
    record('update-downloaded', `version ${info.version}, installed at the next restart (daily, or the hub's restart command)`);
  });
  updater.on('error', (error) => record('update-error', error.message));
  updater.on('update-available', (info) => {
    const why = signed === null ? 'no verified yml' : mismatchWithSigned(info, signed);
    if (why) return record('update-refused', `version ${info.version}: ${why}`);
    // A failed download is reported through the 'error' event already.
    updater.downloadUpdate().catch(() => {});
  });
  const check = () => {
    signedFeed().then(
      (text) => {
        signed = text;
        // A failed check is reported through the 'error' event already.
        updater.checkForUpdates().catch(() => {});
      },
      (error: unknown) => {
        signed = null;
        record('update-refused', error instanceof Error ? error.message : String(error));
      },
    );
  };
  const first = setTimeout(check, FIRST_CHECK_MS);
  const daily = setInterval(check, CHECK_EVERY_MS);
  return {
    downloaded: () => ready,
    installNow: () => {
      if (!ready) return false;
      record('update-install', `version ${ready}`);
      updater.quitAndInstall(true, true);
      return true;
    },
    stop: () => {
      clearTimeout(first);
      clearInterval(daily);
    },
  };
}

/**
 * A relaunch asked for (the daily restart, the hub's restart command): the downloaded update
 * installed and started, when there is one; else a plain relaunch. Answers which it was.
 */
export function restartInstalling(updates: AutoUpdate | null, relaunch: (reason: string) => void, reason: string): 'installing' | 'relaunched' {
  if (updates?.installNow()) return 'installing';
  relaunch(reason);
  return 'relaunched';
}
