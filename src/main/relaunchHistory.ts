import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * When the app last relaunched itself after crashes, kept on disk across the relaunches: a page
 * that crashes at every start would otherwise relaunch the kiosk every few seconds forever. Past
 * `max` relaunches within `windowMs`, the recovery stops relaunching and keeps reloading slowly.
 */

export const MAX_RELAUNCHES = 3;
export const RELAUNCH_WINDOW_MS = 30 * 60_000;

const Stored = z.array(z.number().int().nonnegative()).max(100);

export class RelaunchHistory {
  constructor(
    private readonly file: string,
    private readonly max = MAX_RELAUNCHES,
    private readonly windowMs = RELAUNCH_WINDOW_MS,
  ) {}

  /** Whether one more relaunch is allowed now; if so, it is counted. */
  allow(now: number): boolean {
    const recent = this.read().filter((at) => at > now - this.windowMs && at <= now);
    if (recent.length >= this.max) return false;
    this.write([...recent, now]);
    return true;
  }

  private read(): number[] {
    try {
      const parsed = Stored.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  private write(times: number[]): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(`${this.file}.tmp`, JSON.stringify(times));
      renameSync(`${this.file}.tmp`, this.file);
    } catch {
      // A disk that cannot be written: relaunches are not counted, the kiosk still recovers.
    }
  }
}
