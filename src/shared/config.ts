import { z } from 'zod';
import { Id } from './ids.js';

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
  /** Extension: a chime when the queue board announces a newly called ticket. */
  chime: z.enum(['on', 'off'], { error: 'expected on or off' }).optional(),
});
export type PlayerConfig = z.infer<typeof PlayerConfig>;

export const CONFIG_KEYS = ['hub', 'screen', 'token', 'name', 'lang', 'bundle', 'cacheBudgetMB', 'chime'] as const satisfies readonly (keyof PlayerConfig)[];
export type ConfigKey = (typeof CONFIG_KEYS)[number];
