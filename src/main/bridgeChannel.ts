/** The preload bridge's IPC channels (kept free of imports: the preload bundles it). */
export const CONFIG_CHANNEL = 'antichambre:config';
/** The hub's `restart` command: relaunch the app. */
export const RESTART_CHANNEL = 'antichambre:restart';
/** The hub's `screenshot` command: a PNG of the window, base64. */
export const SCREENSHOT_CHANNEL = 'antichambre:screenshot';
/** The kiosk's events (crashes, relaunches…) waiting for the next `status`. */
export const EVENTS_CHANNEL = 'antichambre:events';
/** The page sent the events up to a number: the main process forgets them. */
export const EVENTS_SENT_CHANNEL = 'antichambre:events-sent';
