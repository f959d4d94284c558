import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Start at login (`autostart: on|off`): an XDG autostart entry on Linux
 * (`~/.config/autostart/antichambre.desktop`), a login item on Windows. Absent setting:
 * what the installer or the technician set is left alone.
 */

export const AUTOSTART_FILE = 'antichambre.desktop';

export interface LoginItems {
  setLoginItemSettings(settings: { openAtLogin: boolean; path?: string }): void;
}

export interface AutostartTarget {
  platform: string;
  /** The program to start: the AppImage itself when run from one, else the executable. */
  executable: string;
  /** `$XDG_CONFIG_HOME`, or `~/.config`. */
  configHome: string;
  loginItems: LoginItems;
}

/** The desktop entry that starts the player at login. */
export function desktopEntry(executable: string): string {
  const quoted = /[\s"\\`$]/.test(executable) ? `"${executable.replace(/(["\\`$])/g, '\\$1')}"` : executable;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Antichambre',
    'Comment=Lecteur d’affichage pour salles d’attente / Waiting-room signage player',
    `Exec=${quoted}`,
    'X-GNOME-Autostart-enabled=true',
    'Terminal=false',
    '',
  ].join('\n');
}

/** Apply the setting; answers what was done, for the log. */
export function applyAutostart(setting: 'on' | 'off' | undefined, target: AutostartTarget): string | null {
  if (setting === undefined) return null;
  const on = setting === 'on';
  if (target.platform === 'win32' || target.platform === 'darwin') {
    target.loginItems.setLoginItemSettings({ openAtLogin: on, path: target.executable });
    return `login item ${on ? 'set' : 'removed'}`;
  }
  const dir = join(target.configHome, 'autostart');
  const file = join(dir, AUTOSTART_FILE);
  if (on) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, desktopEntry(target.executable));
    return `autostart entry written: ${file}`;
  }
  rmSync(file, { force: true });
  return `autostart entry removed: ${file}`;
}
