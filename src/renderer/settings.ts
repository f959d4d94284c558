import type { z } from 'zod';
import type { PlayerDb } from './db.js';

/** Typed settings in Dexie: every value read back is parsed, a bad one reads as absent. */
export async function readSetting<S extends z.ZodType>(db: PlayerDb, key: string, schema: S): Promise<z.output<S> | undefined> {
  const row = await db.settings.get(key);
  if (!row) return undefined;
  const parsed = schema.safeParse(row.value);
  return parsed.success ? parsed.data : undefined;
}

export async function writeSetting(db: PlayerDb, key: string, value: unknown): Promise<void> {
  await db.settings.put({ key, value });
}
