import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from './redaction.js';

/**
 * The main process's log: `main.log` in a folder of the user data, rotated when the next
 * line would take it past `maxBytes` (`main.log.1` is the newest old one, `main.log.<keep>`
 * the oldest kept), so the logs never take more than about `(keep + 1) × maxBytes`. Every
 * line goes through `redact` first: the screen's token never reaches the disk.
 */

export const LOG_FILE = 'main.log';

export interface RotatingLogOptions {
  dir: string;
  maxBytes: number;
  keep: number;
  /** Secret values to hide, besides anything that looks like `token=…`. */
  secrets?: readonly string[];
  now?: () => Date;
  /** Also print each line (e.g. to the console); already redacted. */
  echo?: (line: string) => void;
}

export type Log = (message: string) => void;


export function createRotatingLog(options: RotatingLogOptions): Log {
  const { dir, maxBytes, keep } = options;
  const file = join(dir, LOG_FILE);
  const now = options.now ?? (() => new Date());
  let size: number | null = null;

  const rotate = () => {
    rmSync(`${file}.${keep}`, { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      try {
        renameSync(`${file}.${n}`, `${file}.${n + 1}`);
      } catch {
        // that one did not exist yet
      }
    }
    if (keep > 0) renameSync(file, `${file}.1`);
    else rmSync(file, { force: true });
    size = 0;
  };

  return (message) => {
    const line = `${now().toISOString()} ${redact(message, options.secrets)}\n`;
    options.echo?.(line.trimEnd());
    try {
      if (size === null) {
        mkdirSync(dir, { recursive: true });
        try {
          size = statSync(file).size;
        } catch {
          size = 0;
        }
      }
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendFileSync(file, line);
      size += bytes;
    } catch {
      // A full or read-only disk must not stop the kiosk: the line is lost, the player goes on.
      size = null;
    }
  };
}
