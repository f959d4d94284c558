import { afterEach, describe, expect, it, vi } from 'vitest';
import { configAnswer } from '../../src/main/bridge.js';
import { loadConfig as loadMainConfig } from '../../src/main/config.js';
import { configFromQuery, loadConfig } from '../../src/renderer/configSource.js';

const SYSTEM = '/etc/antichambre/config.json';

/** The page's side of the config bridge, with the main process's real answer behind a faked preload. */
function pageWith(answer: unknown) {
  vi.stubGlobal('window', { antichambre: { getConfig: async () => answer }, location: { search: '' } });
}

afterEach(() => vi.unstubAllGlobals());

describe('a bad config file, as the page gets it from Electron', () => {
  it('names the file and field, and the page goes on with the valid settings', async () => {
    const files: Record<string, string> = { [SYSTEM]: JSON.stringify({ hub: 'https://hub.mairie.example', screen: 'accueil-1', token: 't0k', dailyRestart: '4h' }) };
    const loaded = loadMainConfig({ argv: [], env: {}, files: [SYSTEM], readFile: (path) => (files[path] === undefined ? null : Buffer.from(files[path])) });
    pageWith(configAnswer(loaded.config, loaded.errors));
    const result = await loadConfig();
    expect(result).toEqual({
      ok: false,
      error: `${SYSTEM}: dailyRestart: expected a local time HH:MM, like 04:00`,
      config: { hub: 'https://hub.mairie.example', screen: 'accueil-1', token: 't0k' },
    });
  });

  it('a good configuration comes through whole', async () => {
    pageWith({ config: { screen: 'accueil-1', display: '1' } });
    expect(await loadConfig()).toEqual({ ok: true, config: { screen: 'accueil-1', display: '1' } });
  });

  it('an answer that is not a config is refused, naming the bridge', async () => {
    pageWith('nonsense');
    expect(await loadConfig()).toEqual({ ok: false, error: 'configuration bridge: unexpected answer', config: {} });
  });
});

describe("the web player's address", () => {
  it('one bad value is named and the other settings are kept: the hub, the screen and its token still apply', () => {
    const result = configFromQuery('?hub=https%3A%2F%2Fhub.mairie.example&screen=accueil-1&token=t0k&showWait=none&lang=de');
    expect(result).toEqual({
      ok: false,
      error: 'the page address: lang: expected fr or en; showWait: expected range, calls-only or off',
      config: { hub: 'https://hub.mairie.example', screen: 'accueil-1', token: 't0k' },
    });
  });

  it('an empty token, screen or hub is named, not taken as absent; another empty value is', () => {
    expect(configFromQuery('?hub=https%3A%2F%2Fhub.mairie.example&screen=accueil-1&token=&lang=')).toEqual({
      ok: false,
      error: 'the page address: token: expected a non-empty token',
      config: { hub: 'https://hub.mairie.example', screen: 'accueil-1' },
    });
    expect(configFromQuery('?hub=&screen=')).toMatchObject({ ok: false, error: expect.stringMatching(/^the page address: hub: .*; screen: /) });
  });
});
