import type { Command, CommandAck } from '../shared/protocol.js';
import { TimerSlot, type Disposable } from './disposables.js';
import { Listeners } from './listeners.js';

/** The hub's `command`s (protocol §3), run against what the player can do where it runs. */

export const IDENTIFY_MS = 10_000;
/** Reload and restart wait this long so that their ack leaves first. */
export const ACK_GRACE_MS = 300;

export interface CommandDeps {
  reload(): void;
  /** Relaunches the app (Electron); null on the web, where a restart is a reload. */
  restart: (() => void) | null;
  clearCache(): Promise<void>;
  identify(ms: number): void;
  /** A PNG of the screen, base64 (the kiosk's window; the web player's page, drawn). */
  screenshot(): Promise<string>;
}

export async function runCommand(command: Command, deps: CommandDeps): Promise<CommandAck> {
  switch (command.type) {
    case 'reload':
      setTimeout(() => deps.reload(), ACK_GRACE_MS);
      return { ok: true };
    case 'restart':
      setTimeout(() => (deps.restart ?? deps.reload)(), ACK_GRACE_MS);
      return deps.restart ? { ok: true } : { ok: true, data: { restartedAs: 'reload (web player)' } };
    case 'clear-cache':
      await deps.clearCache();
      return { ok: true };
    case 'identify':
      deps.identify(IDENTIFY_MS);
      return { ok: true };
    case 'screenshot':
      try {
        return { ok: true, data: { png: await deps.screenshot() } };
      } catch (error) {
        return { ok: false, error: `screenshot: ${error instanceof Error ? error.message : String(error)}` };
      }
  }
}

/** The `identify` command's state: the screen's name and id full-screen until `until`. */
export class IdentifyFlag implements Disposable {
  private until = 0;
  /** Takes the flag down at `until`. */
  private readonly timer = new TimerSlot();
  private readonly listeners = new Listeners();

  subscribe = this.listeners.subscribe;
  isShown = (): boolean => this.until > Date.now();

  show(ms: number): void {
    this.until = Date.now() + ms;
    this.timer.arm(() => this.emit(), ms);
    this.emit();
  }

  dispose(): void {
    this.timer.dispose();
  }

  private emit(): void {
    this.listeners.notify();
  }
}
