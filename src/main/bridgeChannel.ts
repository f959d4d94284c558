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
/** The files the screen needs, soonest first: the main process fetches them into its file store. */
export const MEDIA_WANT_CHANNEL = 'antichambre:media-want';
/** The file store's status: wanted files, verified ones, figures. */
export const MEDIA_STATUS_CHANNEL = 'antichambre:media-status';
/** The display on or off by the power schedule (`on` | `off`): answers the state it is in (`on`, `off`, `black`). */
export const DISPLAY_POWER_CHANNEL = 'antichambre:display-power';
/** The pace of the file store's downloads, bytes per second together (null: as fast as they come): slower while a video plays. */
export const MEDIA_PACE_CHANNEL = 'antichambre:media-pace';
/** The hub's `clear-cache` command: every media file forgotten. */
export const MEDIA_CLEAR_CHANNEL = 'antichambre:media-clear';
