import { validConfigFields, type ConfigKey, type PlayerConfig } from '../shared/config.js';

/**
 * The player's configuration in Electron (protocol §2): command-line flags first, then
 * environment variables, then the user's config.json, then the system-wide one. A bad
 * file or value is named in the error, and the rest still applies.
 */

const FLAG_OF: Record<ConfigKey, string> = {
  hub: '--hub',
  screen: '--screen',
  token: '--token',
  name: '--name',
  lang: '--lang',
  bundle: '--bundle',
  cacheBudgetMB: '--cache-budget-mb',
  chime: '--chime',
  showWait: '--show-wait',
  display: '--display',
  autostart: '--autostart',
  quitChord: '--quit-chord',
  dailyRestart: '--daily-restart',
  updateUrl: '--update-url',
  caFile: '--ca-file',
};
const ENV_OF: Record<ConfigKey, string> = {
  hub: 'ANTICHAMBRE_HUB',
  screen: 'ANTICHAMBRE_SCREEN',
  token: 'ANTICHAMBRE_TOKEN',
  name: 'ANTICHAMBRE_NAME',
  lang: 'ANTICHAMBRE_LANG',
  bundle: 'ANTICHAMBRE_BUNDLE',
  cacheBudgetMB: 'ANTICHAMBRE_CACHE_BUDGET_MB',
  chime: 'ANTICHAMBRE_CHIME',
  showWait: 'ANTICHAMBRE_SHOW_WAIT',
  display: 'ANTICHAMBRE_DISPLAY',
  autostart: 'ANTICHAMBRE_AUTOSTART',
  quitChord: 'ANTICHAMBRE_QUIT_CHORD',
  dailyRestart: 'ANTICHAMBRE_DAILY_RESTART',
  updateUrl: 'ANTICHAMBRE_UPDATE_URL',
  caFile: 'ANTICHAMBRE_CA_FILE',
};

export interface ConfigSources {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** config.json files, most important first (the user's, then the system's). */
  files: readonly string[];
  /** Reads a file's bytes; answers null when it does not exist. */
  readFile(path: string): Uint8Array | null;
}

/**
 * A config file's text: UTF-8, or UTF-16 when it starts with that byte order mark (Windows
 * Notepad's "Unicode"); a UTF-8 byte order mark is dropped. Throws on bytes that are not text.
 */
export function configText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
  // TextDecoder drops a UTF-8 byte order mark.
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

export interface LoadedConfig {
  config: PlayerConfig;
  errors: string[];
}

export function flagsFrom(argv: readonly string[]): Partial<Record<ConfigKey, string>> {
  const out: Partial<Record<ConfigKey, string>> = {};
  for (const [key, flag] of Object.entries(FLAG_OF) as [ConfigKey, string][]) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === flag && i + 1 < argv.length) out[key] = argv[i + 1];
      else if (arg.startsWith(`${flag}=`)) out[key] = arg.slice(flag.length + 1);
    }
  }
  return out;
}

export function envFrom(env: Readonly<Record<string, string | undefined>>): Partial<Record<ConfigKey, string>> {
  const out: Partial<Record<ConfigKey, string>> = {};
  for (const [key, name] of Object.entries(ENV_OF) as [ConfigKey, string][]) {
    const value = env[name];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

export function loadConfig(sources: ConfigSources): LoadedConfig {
  const errors: string[] = [];
  const layers: Partial<PlayerConfig>[] = [];
  for (const path of [...sources.files].reverse()) {
    const bytes = sources.readFile(path);
    if (bytes === null) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(configText(bytes));
    } catch (error) {
      const why = error instanceof SyntaxError ? (error as Error).message : 'not UTF-8 or UTF-16 text';
      errors.push(`${path}: not valid JSON (${why}); save it as UTF-8`);
      continue;
    }
    layers.push(validConfigFields(raw, path, errors));
  }
  layers.push(validConfigFields(envFrom(sources.env), 'environment (ANTICHAMBRE_*)', errors));
  layers.push(validConfigFields(flagsFrom(sources.argv), 'command line', errors));
  return { config: Object.assign({}, ...layers) as PlayerConfig, errors };
}
