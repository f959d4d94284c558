import { z } from 'zod';
import { PlayerConfig } from '../shared/config.js';
import { DownloadPaceCap } from '../shared/downloadPace.js';
import { PlannedFile } from '../shared/mediaPlan.js';
import { MediaStoreStatus } from '../shared/mediaStatus.js';
import { formatIssues } from '../shared/validationError.js';
import type { MediaFiles } from './mediaFiles.js';
import { MEDIA_ORIGIN } from './mediaProtocol.js';
import { redact } from './redaction.js';

export { CONFIG_CHANNEL, DISPLAY_POWER_CHANNEL, EVENTS_CHANNEL, EVENTS_SENT_CHANNEL, MEDIA_CLEAR_CHANNEL, MEDIA_PACE_CHANNEL, MEDIA_STATUS_CHANNEL, MEDIA_WANT_CHANNEL, RESTART_CHANNEL, SCREENSHOT_CHANNEL } from './bridgeChannel.js';

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

/** The argument of the media-want channel: the files the screen needs, soonest first. */
export const MediaWanted = z.array(PlannedFile).max(100_000);

/** The page's list of wanted files, checked: a bad one is refused whole, named by its path. */
export function parseWanted(files: unknown): PlannedFile[] {
  const parsed = MediaWanted.safeParse(files);
  if (!parsed.success) throw new Error(`media-want: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** The argument of the media-pace channel, checked: bytes per second for all downloads together, or null. */
export function parsePace(bytesPerSecond: unknown): DownloadPaceCap {
  const parsed = DownloadPaceCap.safeParse(bytesPerSecond);
  if (!parsed.success) throw new Error(`media-pace: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** The answer of the media-status channel, from the file store. */
export function mediaStoreStatus(store: MediaFiles, base = MEDIA_ORIGIN): MediaStoreStatus {
  const totals = store.totals();
  return MediaStoreStatus.parse({
    base,
    files: store.files(),
    ready: store.readyFiles(),
    bytes: totals.bytes,
    count: totals.files,
    missing: totals.missing,
    budget: Number.isFinite(totals.budget) ? totals.budget : null,
    oldestMissingS: store.oldestMissingS(),
  });
}
