import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EventsSent, parsePace, parseWanted } from '../../src/main/bridge.js';
import { CONFIG_CHANNEL, DISPLAY_POWER_CHANNEL, EVENTS_CHANNEL, EVENTS_SENT_CHANNEL, MEDIA_CLEAR_CHANNEL, MEDIA_PACE_CHANNEL, MEDIA_STATUS_CHANNEL, MEDIA_WANT_CHANNEL, RESTART_CHANNEL, SCREENSHOT_CHANNEL } from '../../src/main/bridgeChannel.js';
import type { PlayerBridge } from '../../src/renderer/configSource.js';
import { kioskEventsFrom } from '../../src/renderer/kioskEvents.js';

/** Only Electron's API is faked: what the preload hands the page, and what it asks of the main process. */
const exposed = new Map<string, Record<string, (...args: unknown[]) => Promise<unknown>>>();
const invoked: unknown[][] = [];
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, (...args: unknown[]) => Promise<unknown>>) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => {
      invoked.push(args);
      return args[0] === EVENTS_CHANNEL ? { events: [{ id: 'ev-7', type: 'reload', at: '2026-12-01T03:00:00.000Z', detail: 'renderer gone' }], through: 7 } : null;
    },
  },
}));

beforeAll(async () => {
  await import('../../src/main/preload.js');
});

describe('preload bridge', () => {
  it('exposes a few functions under one name, and nothing else', () => {
    expect([...exposed.keys()]).toEqual(['antichambre']);
    expect(Object.keys(exposed.get('antichambre')!).sort()).toEqual(['displayPower', 'events', 'eventsSent', 'getConfig', 'mediaClear', 'mediaPace', 'mediaStatus', 'mediaWant', 'restart', 'screenshot']);
  });

  it('each function asks its own channel, passing on only what it names', async () => {
    const api = exposed.get('antichambre')!;
    invoked.length = 0;
    await api.getConfig!('extra');
    await api.restart!();
    await api.screenshot!();
    await api.events!();
    await api.eventsSent!(7, 'extra');
    await api.mediaWant!([], 'extra');
    await api.mediaStatus!('extra');
    await api.mediaClear!('extra');
    await api.mediaPace!(12_500_000, 'extra');
    await api.displayPower!('off', 'extra');
    expect(invoked).toEqual([[CONFIG_CHANNEL], [RESTART_CHANNEL], [SCREENSHOT_CHANNEL], [EVENTS_CHANNEL], [EVENTS_SENT_CHANNEL, 7], [MEDIA_WANT_CHANNEL, []], [MEDIA_STATUS_CHANNEL], [MEDIA_CLEAR_CHANNEL], [MEDIA_PACE_CHANNEL, 12_500_000], [DISPLAY_POWER_CHANNEL, 'off']]);
  });

  it('the page checks the events it gets, and the main process checks what it gets back', async () => {
    const events = kioskEventsFrom(exposed.get('antichambre') as unknown as PlayerBridge)!;
    expect(await events.pending()).toEqual({ events: [{ id: 'ev-7', type: 'reload', at: '2026-12-01T03:00:00.000Z', detail: 'renderer gone' }], through: 7 });
    const broken = kioskEventsFrom({ getConfig: async () => ({}), events: async () => ({ events: 'nope' }), eventsSent: async () => null })!;
    expect(await broken.pending()).toBeNull();
    expect(kioskEventsFrom({ getConfig: async () => ({}) })).toBeNull();
    expect(kioskEventsFrom(undefined)).toBeNull();
    expect(EventsSent.safeParse(7).success).toBe(true);
    for (const bad of [-1, 1.5, '7', null, { through: 7 }]) expect(EventsSent.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('the main process takes a pace in bytes per second, or none, and refuses anything else, naming it', () => {
    expect(parsePace(12_500_000)).toBe(12_500_000);
    expect(parsePace(null)).toBeNull();
    for (const bad of [0, -1, '12500000', Infinity, undefined, { pace: 1 }]) expect(() => parsePace(bad), String(bad)).toThrow(/^media-pace: /);
  });

  it('the main process refuses a bad list of wanted files, naming where', () => {
    const sha = 'a'.repeat(64);
    expect(parseWanted([{ sha256: sha, src: 'https://mairie.example/affiche.png', firstPlay: 0, bytes: 10 }])).toEqual([{ sha256: sha, src: 'https://mairie.example/affiche.png', firstPlay: 0, bytes: 10 }]);
    expect(() => parseWanted([{ sha256: 'nope', src: 'x', firstPlay: 0 }])).toThrow('media-want: [0].sha256: expected a sha256 in hex');
    expect(() => parseWanted({ files: [] })).toThrow(/media-want/);
    expect(() => parseWanted([{ sha256: sha, src: 'x', firstPlay: 0, bytes: -1 }])).toThrow('[0].bytes');
  });
});
