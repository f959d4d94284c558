import { z } from 'zod';
import { PlayerConfig } from '../shared/config.js';
import { redact } from './redaction.js';

export { CONFIG_CHANNEL, EVENTS_CHANNEL, EVENTS_SENT_CHANNEL, RESTART_CHANNEL, SCREENSHOT_CHANNEL } from './bridgeChannel.js';

/** The answer of the preload bridge's config channel (validated on both sides). */
export const ConfigAnswer = z.object({ config: PlayerConfig, error: z.string().optional() });
export type ConfigAnswer = z.infer<typeof ConfigAnswer>;

/** The config and its errors for the page, which shows the errors on screen: with no token in them. */
export function configAnswer(config: PlayerConfig, errors: readonly string[]): ConfigAnswer {
  const shown = errors.map((error) => redact(error, config.token ? [config.token] : []));
  return ConfigAnswer.parse(shown.length > 0 ? { config, error: shown.join(' · ') } : { config });
}

/** The argument of the events-sent channel: the `through` of the events the page sent. */
export const EventsSent = z.number().int().nonnegative();
