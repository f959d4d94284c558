/**
 * The kiosk window's guards, written against the few Electron methods they use so that
 * tests can hand in their own: no navigation away from the app, no new windows, no
 * permission (camera, notifications, …) ever granted.
 */
import { APP_ORIGIN } from './appProtocol.js';

export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface GuardedSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

export function isAppUrl(url: string): boolean {
  try {
    return new URL(url).origin === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
  } catch {
    return false;
  }
}

export function guardContents(contents: GuardedContents, log: (message: string) => void): void {
  const refuse = (event: { preventDefault(): void }, url: string) => {
    // A reload of the app itself is fine; anything else is not.
    if (isAppUrl(url)) return;
    event.preventDefault();
    log(`navigation refused: ${url}`);
  };
  contents.on('will-navigate', refuse);
  contents.on('will-redirect', refuse);
  contents.setWindowOpenHandler(({ url }) => {
    log(`new window refused: ${url}`);
    return { action: 'deny' };
  });
}

export function guardSession(session: GuardedSession, log: (message: string) => void): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`permission refused: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}

export interface ClosableWindow {
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
}

/** The kiosk window is closed only by a quit the app asked for (quit chord, relaunch), not by Alt+F4. */
export function guardClose(window: ClosableWindow, mayClose: () => boolean, log: (message: string) => void): void {
  window.on('close', (event) => {
    if (mayClose()) return;
    event.preventDefault();
    log('window close refused (use the quit chord)');
  });
}
