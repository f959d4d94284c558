import { Id } from '../shared/ids.js';
import type { PlayerDb } from './db.js';
import { readSetting, writeSetting } from './settings.js';

/** A screen with no configured id still signs its impressions: with an id made once and kept. */
const LOCAL_PREFIX = 'local-';

/** An id the player made itself, before it was given one. */
export function isLocalScreenId(id: string): boolean {
  return id.startsWith(LOCAL_PREFIX);
}

export async function localScreenId(db: PlayerDb): Promise<string> {
  const existing = await readSetting(db, 'localScreenId', Id);
  if (existing) return existing;
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  const id = `${LOCAL_PREFIX}${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  await writeSetting(db, 'localScreenId', id);
  return id;
}
