import type { BrowserWindowConstructorOptions } from 'electron';
import type { Rectangle } from './displayChoice.js';

/**
 * The kiosk window: full screen on the chosen display, no menu, and the page kept away from
 * the machine (Electron's security checklist: isolated and sandboxed, no Node, web security
 * on, only the preload's few functions).
 */
export function kioskWindowOptions(bounds: Rectangle, preload: string): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    backgroundColor: '#0b1f3a',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // No DevTools in the kiosk (issue 17): no keyboard shortcut or stray call opens them on a public screen.
      devTools: false,
    },
  };
}
