import type { z } from 'zod';
import type { PlayerDb } from './db.js';

/** Typed settings in Dexie: every value read back is parsed, a bad one reads as absent. */
export async function readSetting<S extends z.ZodType>(db: PlayerDb, key: string, schema: S): Promise<z.output<S> | undefined> {
  const row = await db.settings.get(key);
  return row ? parseSetting(row.value, schema) : undefined;
}

function parseSetting<S extends z.ZodType>(value: unknown, schema: S): z.output<S> | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Every setting, read at once: a start needs several (each zone's rotation and airtime), and
 * reads them with the stored set instead of after it. Values are parsed when asked for, as readSetting does.
 */
export class SettingsSnapshot {
  private constructor(private readonly values: ReadonlyMap<string, unknown>) {}

  static async read(db: PlayerDb): Promise<SettingsSnapshot> {
    return new SettingsSnapshot(new Map((await db.settings.toArray()).map((row) => [row.key, row.value])));
  }

  get<S extends z.ZodType>(key: string, schema: S): z.output<S> | undefined {
    return this.values.has(key) ? parseSetting(this.values.get(key), schema) : undefined;
  }
}

export async function writeSetting(db: PlayerDb, key: string, value: unknown): Promise<void> {
  await db.settings.put({ key, value });
}
