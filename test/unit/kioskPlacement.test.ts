import { describe, expect, it } from 'vitest';
import { chooseDisplay, placeOnDisplay } from '../../src/main/displayChoice.js';
import { kioskWindowOptions } from '../../src/main/kioskWindow.js';

const left = { id: 2528732444, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
const right = { id: 2779098405, bounds: { x: 1920, y: 0, width: 1080, height: 1920 } };
const displays = [left, right];

describe('display choice', () => {
  it('takes the primary display when none is configured', () => {
    expect(chooseDisplay(displays, right, undefined)).toEqual({ display: right });
  });

  it('takes a display by its system id, or by its index', () => {
    expect(chooseDisplay(displays, left, '2779098405')).toEqual({ display: right });
    expect(chooseDisplay(displays, right, '0')).toEqual({ display: left });
    expect(chooseDisplay(displays, left, '1')).toEqual({ display: right });
  });

  it('falls back on the primary display, saying why, when the display is not connected', () => {
    const choice = chooseDisplay(displays, left, '2');
    expect(choice.display).toBe(left);
    expect(choice.warning).toBe('display 2: no such display (connected: 0 (id 2528732444), 1 (id 2779098405)); using the primary display');
    expect(chooseDisplay([left], left, '2779098405').warning).toMatch(/^display 2779098405: no such display/);
  });

  it('moves the kiosk window onto a display, out of kiosk mode and back', () => {
    const calls: unknown[] = [];
    placeOnDisplay({ setKiosk: (flag) => calls.push(['kiosk', flag]), setBounds: (bounds) => calls.push(['bounds', bounds]) }, right);
    expect(calls).toEqual([['kiosk', false], ['bounds', right.bounds], ['kiosk', true]]);
  });
});

describe('kiosk window (Electron security checklist)', () => {
  const options = kioskWindowOptions(right.bounds, '/opt/Antichambre/resources/app.asar/dist/main/preload.cjs');

  it('fills the chosen display in kiosk mode, without a menu bar', () => {
    expect(options).toMatchObject({ ...right.bounds, kiosk: true, fullscreen: true, autoHideMenuBar: true, show: false });
  });

  it('isolates and sandboxes the page, with no Node anywhere and web security on', () => {
    const prefs = options.webPreferences!;
    expect(prefs.preload).toBe('/opt/Antichambre/resources/app.asar/dist/main/preload.cjs');
    expect([prefs.contextIsolation, prefs.sandbox, prefs.webSecurity]).toEqual([true, true, true]);
    // DevTools are on unless said off.
    expect(prefs.devTools).toBe(false);
    // Each of these is off, whether said so or left to Electron's default.
    const risky = ['nodeIntegration', 'nodeIntegrationInWorker', 'nodeIntegrationInSubFrames', 'allowRunningInsecureContent', 'webviewTag', 'experimentalFeatures', 'enableBlinkFeatures'] as const;
    for (const key of risky) expect(Boolean(prefs[key]), key).toBe(false);
  });
});
