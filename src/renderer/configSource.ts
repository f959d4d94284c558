import { z } from 'zod';
import { CONFIG_KEYS, validConfigFields, type PlayerConfig } from '../shared/config.js';

/**
 * Where the renderer gets its settings (protocol §2): from the Electron preload bridge
 * when there is one, else from the page URL's query (the web player).
 */

/** What the Electron preload hands the page (every answer is checked before use). */
export interface PlayerBridge {
  getConfig(): Promise<unknown>;
  restart?(): Promise<unknown>;
  screenshot?(): Promise<unknown>;
  events?(): Promise<unknown>;
  eventsSent?(through: number): Promise<unknown>;
  /** The kiosk's file store (main process): what to fetch, how it stands, forget all. */
  mediaWant?(files: unknown): Promise<unknown>;
  mediaStatus?(): Promise<unknown>;
  mediaClear?(): Promise<unknown>;
  /** All of its downloads at most this many bytes per second (null: as fast as they come): slower while a video plays. */
  mediaPace?(bytesPerSecond: number | null): Promise<unknown>;
  /** The display powered `on` or `off` (HDMI-CEC, DPMS); answers `on`, `off` or `black` (nothing could power it down). */
  displayPower?(state: 'on' | 'off'): Promise<unknown>;
}

declare global {
  interface Window {
    antichambre?: PlayerBridge;
  }
}

export type ConfigResult = { ok: true; config: PlayerConfig } | { ok: false; error: string; config: PlayerConfig };

/**
 * What the page's address sets. An empty value is as if absent (`?lang=`), except for the hub,
 * the screen and its token: an empty one is named (before, `?screen=accueil-1&token=` dropped the
 * token without a word, and the player, a screen without a token, went to pairing).
 */
export function configFromQuery(search: string): ConfigResult {
  const params = new URLSearchParams(search);
  const raw: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = params.get(key);
    if (value !== null && (value !== '' || NAMED_WHEN_EMPTY.has(key))) raw[key] = value;
  }
  return checked(raw, 'the page address');
}

const NAMED_WHEN_EMPTY: ReadonlySet<string> = new Set(['hub', 'screen', 'token']);

/** The valid settings, each invalid one named (one bad value does not drop the others: the hub's address and token stay). */
function checked(raw: unknown, where: string): ConfigResult {
  const errors: string[] = [];
  const config = validConfigFields(raw, where, errors);
  return errors.length === 0 ? { ok: true, config } : { ok: false, error: errors.join(' · '), config };
}

const BridgeAnswer = z.object({ config: z.unknown(), error: z.string().optional() });

export async function loadConfig(): Promise<ConfigResult> {
  const bridge = window.antichambre;
  if (!bridge) return configFromQuery(window.location.search);
  const answer = BridgeAnswer.safeParse(await bridge.getConfig());
  if (!answer.success) return { ok: false, error: 'configuration bridge: unexpected answer', config: {} };
  const config = checked(answer.data.config, 'configuration');
  // A bad file or value is named, and the player goes on with the valid settings the main process kept.
  if (answer.data.error) return { ok: false, error: config.ok ? answer.data.error : `${answer.data.error} · ${config.error}`, config: config.config };
  return config;
}
