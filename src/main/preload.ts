import { contextBridge, ipcRenderer } from 'electron';
import { CONFIG_CHANNEL, DISPLAY_POWER_CHANNEL, EVENTS_CHANNEL, EVENTS_SENT_CHANNEL, MEDIA_CLEAR_CHANNEL, MEDIA_PACE_CHANNEL, MEDIA_STATUS_CHANNEL, MEDIA_WANT_CHANNEL, RESTART_CHANNEL, SCREENSHOT_CHANNEL } from './bridgeChannel.js';

// The only things the page may ask of the machine. Bundled to one CommonJS file: a
// sandboxed preload may require nothing but 'electron'.
contextBridge.exposeInMainWorld('antichambre', {
  getConfig: (): Promise<unknown> => ipcRenderer.invoke(CONFIG_CHANNEL),
  restart: (): Promise<unknown> => ipcRenderer.invoke(RESTART_CHANNEL),
  screenshot: (): Promise<unknown> => ipcRenderer.invoke(SCREENSHOT_CHANNEL),
  // The kiosk's events for the next status, and "sent up to this one" (checked by the main process).
  events: (): Promise<unknown> => ipcRenderer.invoke(EVENTS_CHANNEL),
  eventsSent: (through: number): Promise<unknown> => ipcRenderer.invoke(EVENTS_SENT_CHANNEL, through),
  // The kiosk's media files, fetched by the main process (checked there), read through app://media/<sha256>.
  mediaWant: (files: unknown): Promise<unknown> => ipcRenderer.invoke(MEDIA_WANT_CHANNEL, files),
  mediaStatus: (): Promise<unknown> => ipcRenderer.invoke(MEDIA_STATUS_CHANNEL),
  mediaClear: (): Promise<unknown> => ipcRenderer.invoke(MEDIA_CLEAR_CHANNEL),
  mediaPace: (bytesPerSecond: unknown): Promise<unknown> => ipcRenderer.invoke(MEDIA_PACE_CHANNEL, bytesPerSecond),
  // The display powered on or off by the screen's power schedule (checked by the main process).
  displayPower: (state: unknown): Promise<unknown> => ipcRenderer.invoke(DISPLAY_POWER_CHANNEL, state),
});
