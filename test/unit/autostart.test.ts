import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyAutostart, AUTOSTART_FILE, desktopEntry, type LoginItems } from '../../src/main/autostart.js';

function target(platform: string) {
  const calls: unknown[] = [];
  const loginItems: LoginItems = { setLoginItemSettings: (settings) => calls.push(settings) };
  const configHome = join(mkdtempSync(join(tmpdir(), 'antichambre-home-')), '.config');
  return { calls, configHome, target: { platform, executable: '/opt/Antichambre/antichambre', configHome, loginItems } };
}

describe('start at login', () => {
  it('writes and removes ~/.config/autostart/antichambre.desktop on Linux (real files)', () => {
    const { configHome, target: linux, calls } = target('linux');
    const file = join(configHome, 'autostart', AUTOSTART_FILE);
    expect(applyAutostart('on', linux)).toBe(`autostart entry written: ${file}`);
    const entry = readFileSync(file, 'utf8');
    expect(entry.split('\n')).toEqual(expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Exec=/opt/Antichambre/antichambre', 'X-GNOME-Autostart-enabled=true']));
    expect(applyAutostart('on', linux)).toBe(`autostart entry written: ${file}`); // again: same file
    expect(applyAutostart('off', linux)).toBe(`autostart entry removed: ${file}`);
    expect(existsSync(file)).toBe(false);
    expect(applyAutostart('off', linux)).toBe(`autostart entry removed: ${file}`); // nothing to remove: fine
    expect(calls).toEqual([]);
  });

  it('leaves things as they are when the setting is absent', () => {
    const { configHome, target: linux } = target('linux');
    expect(applyAutostart(undefined, linux)).toBeNull();
    expect(existsSync(join(configHome, 'autostart'))).toBe(false);
  });

  it('quotes an AppImage path with spaces in Exec', () => {
    expect(desktopEntry('/home/agent accueil/Antichambre-0.1.0-linux-x86_64.AppImage')).toContain('Exec="/home/agent accueil/Antichambre-0.1.0-linux-x86_64.AppImage"');
  });

  it('sets and removes the login item on Windows', () => {
    const { calls, configHome, target: windows } = target('win32');
    expect(applyAutostart('on', windows)).toBe('login item set');
    expect(applyAutostart('off', windows)).toBe('login item removed');
    expect(calls).toEqual([
      { openAtLogin: true, path: '/opt/Antichambre/antichambre' },
      { openAtLogin: false, path: '/opt/Antichambre/antichambre' },
    ]);
    expect(existsSync(join(configHome, 'autostart'))).toBe(false);
  });
});
