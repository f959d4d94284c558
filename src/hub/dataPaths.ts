import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Where the hub keeps its data: the SQLite file and the media folder beside it (or `--media`).
 * Relative paths resolve against the working directory the hub was started from, and the
 * folders are created, so that `antichambre-hub serve` works as written in a fresh folder and
 * `--db /var/lib/antichambre/hub.db` works before anyone made `/var/lib/antichambre`.
 */

export interface DataPaths {
  /** Absolute path of the database file, `:memory:`, or a PostgreSQL URL (`postgres://…`) as given. */
  db: string;
  /** Absolute path of the media folder. */
  mediaDir: string;
}

export const DEFAULT_DB = 'antichambre-hub.db';

export class DataPathError extends Error {}

function ensureFolder(folder: string, what: string, option: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DataPathError(`cannot create the folder ${folder} for ${what} (${reason}); create it with the right owner, or choose another place with ${option}`);
  }
}

/** True when the database is a PostgreSQL URL rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A database's or a broker's URL without its password, for messages and logs. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return `${/^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? ''}//(unparsable URL)`;
  }
}

export function resolveDataPaths(options: { db?: string | undefined; mediaDir?: string | undefined }, cwd: string): DataPaths {
  const given = options.db ?? DEFAULT_DB;
  const file = given !== ':memory:' && !isPostgresUrl(given);
  const db = file ? resolve(cwd, given) : given;
  // With PostgreSQL, media default to media/ in the working directory: on a cluster, give every node the same shared folder (--media).
  const mediaDir = resolve(cwd, options.mediaDir ?? join(file ? dirname(db) : cwd, 'media'));
  if (file) ensureFolder(dirname(db), 'the database', '--db (ANTICHAMBRE_HUB_DB)');
  ensureFolder(mediaDir, 'the media files', '--media');
  return { db, mediaDir };
}
