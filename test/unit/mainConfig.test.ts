import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigSources } from '../../src/main/config.js';
import { configAnswer } from '../../src/main/bridge.js';

const USER = '/home/kiosk/.config/Antichambre/config.json';
const SYSTEM = '/etc/antichambre/config.json';

/** Files as text (written as UTF-8) or as the bytes an editor saved. */
function sources(partial: { argv?: string[]; env?: Record<string, string>; files?: Record<string, string | Uint8Array> }): ConfigSources {
  const files = partial.files ?? {};
  return { argv: partial.argv ?? [], env: partial.env ?? {}, files: [USER, SYSTEM], readFile: (path) => (files[path] === undefined ? null : typeof files[path] === 'string' ? Buffer.from(files[path]) : files[path]) };
}

describe('Electron configuration (protocol §2: flags, then env, then config.json)', () => {
  it('takes flags over env over the user file over the system file', () => {
    const loaded = loadConfig(
      sources({
        argv: ['electron', '.', '--hub', 'https://flag.example', '--screen=ecran-flag'],
        env: { ANTICHAMBRE_HUB: 'https://env.example', ANTICHAMBRE_TOKEN: 'env-token', ANTICHAMBRE_SCREEN: 'ecran-env' },
        files: {
          [USER]: JSON.stringify({ hub: 'https://user.example', token: 'user-token', name: 'Accueil RDC' }),
          [SYSTEM]: JSON.stringify({ hub: 'https://system.example', name: 'System name', lang: 'en', bundle: 'clinique' }),
        },
      }),
    );
    expect(loaded.errors).toEqual([]);
    expect(loaded.config).toEqual({ hub: 'https://flag.example', screen: 'ecran-flag', token: 'env-token', name: 'Accueil RDC', lang: 'en', bundle: 'clinique' });
  });

  it('works with nothing configured', () => {
    expect(loadConfig(sources({}))).toEqual({ config: {}, errors: [] });
  });

  it('names the file and the field of a bad value, and keeps the good ones', () => {
    const loaded = loadConfig(sources({ files: { [USER]: JSON.stringify({ hub: 'ftp://nope', screen: 'ecran-1' }) } }));
    expect(loaded.config).toEqual({ screen: 'ecran-1' });
    expect(loaded.errors).toEqual([`${USER}: hub: expected an http(s) URL of the hub`]);
  });

  it('names a file that is not JSON and goes on with the others', () => {
    const loaded = loadConfig(sources({ files: { [USER]: '{ hub: ', [SYSTEM]: JSON.stringify({ screen: 'ecran-2' }) } }));
    expect(loaded.config).toEqual({ screen: 'ecran-2' });
    expect(loaded.errors).toHaveLength(1);
    expect(loaded.errors[0]).toMatch(new RegExp(`^${USER}: not valid JSON`));
  });

  it('reads a file saved with a byte order mark, in UTF-8 or in UTF-16 (Notepad\'s "Unicode"), and names one that is not text', () => {
    const json = JSON.stringify({ hub: 'https://hub.mairie.example', name: 'Salle d’attente' });
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]);
    const utf16be = Buffer.from(utf16le.subarray(2)).swap16();
    const expected = { config: { hub: 'https://hub.mairie.example', name: 'Salle d’attente' }, errors: [] };
    expect(loadConfig(sources({ files: { [USER]: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]) } }))).toEqual(expected);
    expect(loadConfig(sources({ files: { [USER]: utf16le } }))).toEqual(expected);
    expect(loadConfig(sources({ files: { [USER]: Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]) } }))).toEqual(expected);
    // Latin-1 bytes (an old editor's "ANSI"): not UTF-8; named, with what to do, and the other file applies.
    const ansi = loadConfig(sources({ files: { [USER]: Buffer.from('{"name": "Salle d\'attente \xe9tage"}', 'latin1'), [SYSTEM]: JSON.stringify({ screen: 'ecran-2' }) } }));
    expect(ansi.config).toEqual({ screen: 'ecran-2' });
    expect(ansi.errors).toEqual([`${USER}: not valid JSON (not UTF-8 or UTF-16 text); save it as UTF-8`]);
  });

  it('names a bad flag and a bad environment variable', () => {
    const loaded = loadConfig(sources({ argv: ['--screen', 'bad id!'], env: { ANTICHAMBRE_LANG: 'de' } }));
    expect(loaded.config).toEqual({});
    expect(loaded.errors).toEqual(['environment (ANTICHAMBRE_*): lang: expected fr or en', 'command line: screen: expected 1 to 64 characters among A-Z a-z 0-9 . _ -']);
  });

  it('refuses a config file that is not an object', () => {
    expect(loadConfig(sources({ files: { [SYSTEM]: '[1,2]' } })).errors).toEqual([`${SYSTEM}: expected a JSON object`]);
  });

  it('takes the kiosk settings from flags, env and files with the same precedence', () => {
    const loaded = loadConfig(
      sources({
        argv: ['--display', '1', '--quit-chord=Control+Alt+Shift+F12'],
        env: { ANTICHAMBRE_DAILY_RESTART: '03:30', ANTICHAMBRE_DISPLAY: '0' },
        files: {
          [USER]: JSON.stringify({ autostart: 'off', dailyRestart: '05:00' }),
          [SYSTEM]: JSON.stringify({ autostart: 'on', display: 2779098405, updateUrl: 'https://maj.mairie.example/antichambre/' }),
        },
      }),
    );
    expect(loaded.errors).toEqual([]);
    expect(loaded.config).toEqual({
      display: '1',
      quitChord: 'Control+Alt+Shift+F12',
      dailyRestart: '03:30',
      autostart: 'off',
      updateUrl: 'https://maj.mairie.example/antichambre/',
    });
    expect(loadConfig(sources({ env: { ANTICHAMBRE_AUTOSTART: 'on', ANTICHAMBRE_UPDATE_URL: 'https://10.0.0.5/maj', ANTICHAMBRE_CA_FILE: '/etc/antichambre/ca.pem' } })).config).toEqual({
      autostart: 'on',
      updateUrl: 'https://10.0.0.5/maj',
      caFile: '/etc/antichambre/ca.pem',
    });
    // Issue 17: an update folder over plain http is refused (whoever answers on the network would install code).
    const plain = loadConfig(sources({ env: { ANTICHAMBRE_UPDATE_URL: 'http://10.0.0.5/maj' } }));
    expect(plain.config).toEqual({});
    expect(plain.errors.join()).toContain('updateUrl: expected an https URL of the update folder (http: is refused');
  });

  it('names the system file and each bad kiosk setting, and keeps the good ones', () => {
    const loaded = loadConfig(
      sources({ files: { [SYSTEM]: JSON.stringify({ dailyRestart: '4h', autostart: true, display: 'left', quitChord: 'Q', updateUrl: 'file:///tmp', screen: 'accueil-1' }) } }),
    );
    expect(loaded.config).toEqual({ screen: 'accueil-1' });
    expect(loaded.errors).toEqual([
      `${SYSTEM}: display: expected a display index (0, 1, …) or a display id; autostart: expected on or off; quitChord: expected a chord like Control+Alt+Shift+Q (two modifiers or more, then a letter, a digit or F1 to F24); dailyRestart: expected a local time HH:MM, like 04:00; updateUrl: expected an https URL of the update folder (http: is refused: anyone on the network could serve an installer)`,
    ]);
    expect(loadConfig(sources({ argv: ['--daily-restart', '24:00'] })).errors).toEqual(['command line: dailyRestart: expected a local time HH:MM, like 04:00']);
  });

  it('hands the renderer the config and the errors in one validated answer', () => {
    expect(configAnswer({ screen: 'a' }, [])).toEqual({ config: { screen: 'a' } });
    expect(configAnswer({}, ['x: y', 'z: w'])).toEqual({ config: {}, error: 'x: y · z: w' });
  });
});
