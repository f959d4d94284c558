import { contextBridge, ipcRenderer } from 'electron';
import { CONFIG_CHANNEL, EVENTS_CHANNEL, EVENTS_SENT_CHANNEL, RESTART_CHANNEL, SCREENSHOT_CHANNEL } from './bridgeChannel.js';

// The only things the page may ask of the machine. Bundled to one CommonJS file: a
// sandboxed preload may require nothing but 'electron'.
contextBridge.exposeInMainWorld('antichambre', {
  getConfig: (): Promise<unknown> => ipcRenderer.invoke(CONFIG_CHANNEL),
  restart: (): Promise<unknown> => ipcRenderer.invoke(RESTART_CHANNEL),
  screenshot: (): Promise<unknown> => ipcRenderer.invoke(SCREENSHOT_CHANNEL),
  // The kiosk's events for the next status, and "sent up to this one" (checked by the main process).
  events: (): Promise<unknown> => ipcRenderer.invoke(EVENTS_CHANNEL),
  eventsSent: (through: number): Promise<unknown> => ipcRenderer.invoke(EVENTS_SENT_CHANNEL, through),
});
