import { z } from 'zod';
import { Id } from './ids.js';
import { formatIssues } from './validationError.js';

const MODIFIER = '(?:Control|Ctrl|Alt|Shift|Super|Meta|CommandOrControl|CmdOrCtrl)';
const DISPLAY_ERROR = 'expected a display index (0, 1, …) or a display id';
/** A key chord: two modifiers or more, then one key (a letter, a digit or F1 to F24). */
export const QUIT_CHORD = new RegExp(`^(?:${MODIFIER}\\+){2,}(?:[A-Za-z0-9]|F(?:[1-9]|1\\d|2[0-4]))$`);

/**
 * Protocol §2: a player's settings. `hub`, `screen` and `token` are the contract;
 * the rest are optional extensions.
 */
export const PlayerConfig = z.object({
  hub: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL of the hub' }).optional(),
  screen: Id.optional(),
  token: z.string({ error: 'expected a token string' }).min(1, { error: 'expected a non-empty token' }).optional(),
  /** Extension: the name shown on the idle screen. */
  name: z.string({ error: 'expected a screen name' }).max(120, { error: 'expected at most 120 characters' }).optional(),
  /** Extension: interface language of the player's own texts. */
  lang: z.enum(['fr', 'en'], { error: 'expected fr or en' }).optional(),
  /** Extension: which bundled set plays when no hub has sent one (a folder of playlists/). */
  bundle: Id.optional(),
  /** Extension: disk budget of the media cache, in MB (10^6 bytes); default 80 % of what the browser allows. */
  cacheBudgetMB: z.coerce.number({ error: 'expected a number of MB' }).positive({ error: 'expected a number of MB > 0' }).optional(),
  /**
   * §2 `showWait`: `range` (default) shows each service's estimated wait as a range; `calls-only`
   * shows the tickets called and hides the estimate (an undetermined wait, by the operator's
   * choice); `off` hides the board's estimate and calls alike. Estimates are still computed,
   * reported and used for `when.waitMinutes`.
   */
  showWait: z.enum(['range', 'calls-only', 'off'], { error: 'expected range, calls-only or off' }).optional(),
  /** Extension: a chime when the queue board announces a newly called ticket. */
  chime: z.enum(['on', 'off'], { error: 'expected on or off' }).optional(),
  /** Kiosk PC extension: the display the kiosk window fills, by index (0, 1, …) or by the system's display id. */
  display: z
    .union([z.number({ error: DISPLAY_ERROR }).int({ error: DISPLAY_ERROR }).nonnegative({ error: DISPLAY_ERROR }), z.string({ error: DISPLAY_ERROR }).regex(/^\d{1,20}$/, { error: DISPLAY_ERROR })], {
      error: DISPLAY_ERROR,
    })
    .transform(String)
    .optional(),
  /** Kiosk PC extension: start the player at login (absent: leave it as the installer set it). */
  autostart: z.enum(['on', 'off'], { error: 'expected on or off' }).optional(),
  /** Kiosk PC extension: the technician's key chord that quits the kiosk (two modifiers or more, then a key). */
  quitChord: z
    .string({ error: 'expected a key chord' })
    .regex(QUIT_CHORD, { error: 'expected a chord like Control+Alt+Shift+Q (two modifiers or more, then a letter, a digit or F1 to F24)' })
    .optional(),
  /** Kiosk PC extension: relaunch every day at this local time (HH:MM), when nobody waits. */
  dailyRestart: z
    .string({ error: 'expected a local time HH:MM' })
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a local time HH:MM, like 04:00' })
    .optional(),
  /** Kiosk PC extension: where the installer updates are published (electron-updater generic provider); absent: no auto-update. */
  updateUrl: z.url({ protocol: /^https$/, error: 'expected an https URL of the update folder (http: is refused: anyone on the network could serve an installer)' }).optional(),
  /** Kiosk PC extension: a PEM file of the town hall's own CA, trusted for the hub's https certificate (besides the system's CAs). */
  caFile: z.string({ error: 'expected the path of a PEM file' }).min(1, { error: 'expected the path of a PEM file' }).optional(),
});
export type PlayerConfig = z.infer<typeof PlayerConfig>;

/** The settings every player takes (the web player from its address too). */
export const CONFIG_KEYS = ['hub', 'screen', 'token', 'name', 'lang', 'bundle', 'cacheBudgetMB', 'chime', 'showWait'] as const satisfies readonly (keyof PlayerConfig)[];
/** The settings only a kiosk PC (Electron) takes. */
export const KIOSK_CONFIG_KEYS = ['display', 'autostart', 'quitChord', 'dailyRestart', 'updateUrl', 'caFile'] as const satisfies readonly (keyof PlayerConfig)[];
export type ConfigKey = (typeof CONFIG_KEYS)[number] | (typeof KIOSK_CONFIG_KEYS)[number];

/** Keep only the fields that are valid; name every invalid one with where it came from (a kiosk's file, environment and flags; the web player's address). */
export function validConfigFields(raw: unknown, where: string, errors: string[]): Partial<PlayerConfig> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push(`${where}: expected a JSON object`);
    return {};
  }
  const result = PlayerConfig.safeParse(raw);
  if (result.success) return result.data;
  errors.push(`${where}: ${formatIssues(result.error)}`);
  const bad = new Set(result.error.issues.map((issue) => issue.path[0]));
  const kept = Object.fromEntries(Object.entries(raw).filter(([key]) => !bad.has(key)));
  const retry = PlayerConfig.safeParse(kept);
  return retry.success ? retry.data : {};
}
