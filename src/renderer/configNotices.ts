import { Listeners } from './listeners.js';

/**
 * The configuration problems shown on screen (ConfigNotice): those of the settings, found at start,
 * and those met later, such as the hub refusing the configured screen's token. Said once each.
 */
export class ConfigNotices {
  private lines: readonly string[];
  private readonly listeners = new Listeners();
  subscribe = this.listeners.subscribe;
  current = (): readonly string[] => this.lines;

  constructor(lines: readonly string[]) {
    this.lines = lines;
  }

  add(line: string): void {
    if (this.lines.includes(line)) return;
    this.lines = [...this.lines, line];
    this.listeners.notify();
  }
}
