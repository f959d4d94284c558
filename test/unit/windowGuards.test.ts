import { describe, expect, it } from 'vitest';
import { guardClose, guardContents, guardSession, type GuardedContents, type GuardedSession } from '../../src/main/windowGuards.js';

function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  const contents: GuardedContents = {
    on: (event, listener) => listeners.set(event, listener),
    setWindowOpenHandler: (handler) => {
      openHandler = handler;
    },
  };
  const navigate = (event: string, url: string) => {
    let prevented = false;
    listeners.get(event)!({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { contents, navigate, open: (url: string) => openHandler!({ url }) };
}

describe('window guards (Electron API injected)', () => {
  it('refuses navigation and redirects away from the app, allows reloading the app', () => {
    const logs: string[] = [];
    const fake = fakeContents();
    guardContents(fake.contents, (m) => logs.push(m));
    expect(fake.navigate('will-navigate', 'https://example.org/')).toBe(true);
    expect(fake.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fake.navigate('will-redirect', 'http://127.0.0.1:9/')).toBe(true);
    expect(fake.navigate('will-navigate', 'app://player/index.html')).toBe(false);
    expect(fake.navigate('will-navigate', 'app://player.evil.example/')).toBe(true);
    expect(logs.filter((l) => l.startsWith('navigation refused'))).toHaveLength(4);
  });

  it('refuses every new window', () => {
    const fake = fakeContents();
    guardContents(fake.contents, () => {});
    expect(fake.open('https://example.org/')).toEqual({ action: 'deny' });
    expect(fake.open('app://player/index.html')).toEqual({ action: 'deny' });
  });

  it('refuses every permission request and check', () => {
    let request: Parameters<GuardedSession['setPermissionRequestHandler']>[0] | null = null;
    let check: Parameters<GuardedSession['setPermissionCheckHandler']>[0] | null = null;
    guardSession({ setPermissionRequestHandler: (h) => (request = h), setPermissionCheckHandler: (h) => (check = h) }, () => {});
    for (const permission of ['media', 'geolocation', 'notifications', 'fullscreen', 'clipboard-read']) {
      let granted: boolean | null = null;
      request!(null, permission, (g) => (granted = g));
      expect(granted, permission).toBe(false);
      expect(check!(null, permission), permission).toBe(false);
    }
  });

  it('refuses to close the kiosk window (Alt+F4) unless the app itself quits', () => {
    let listener: ((event: { preventDefault(): void }) => void) | null = null;
    let quitting = false;
    const logs: string[] = [];
    guardClose({ on: (_event, l) => (listener = l) }, () => quitting, (m) => logs.push(m));
    const close = () => {
      let prevented = false;
      listener!({ preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(close()).toBe(true);
    expect(logs).toEqual(['window close refused (use the quit chord)']);
    quitting = true;
    expect(close()).toBe(false);
  });
});
