import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EventsSent } from '../../src/main/bridge.js';
import { CONFIG_CHANNEL, EVENTS_CHANNEL, EVENTS_SENT_CHANNEL, RESTART_CHANNEL, SCREENSHOT_CHANNEL } from '../../src/main/bridgeChannel.js';
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
    expect(Object.keys(exposed.get('antichambre')!).sort()).toEqual(['events', 'eventsSent', 'getConfig', 'restart', 'screenshot']);
  });

  it('each function asks its own channel, passing on only what it names', async () => {
    const api = exposed.get('antichambre')!;
    invoked.length = 0;
    await api.getConfig!('extra');
    await api.restart!();
    await api.screenshot!();
    await api.events!();
    await api.eventsSent!(7, 'extra');
    expect(invoked).toEqual([[CONFIG_CHANNEL], [RESTART_CHANNEL], [SCREENSHOT_CHANNEL], [EVENTS_CHANNEL], [EVENTS_SENT_CHANNEL, 7]]);
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
});
