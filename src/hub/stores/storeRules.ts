import { randomInt } from 'node:crypto';
import { PAIRING_ALPHABET, PAIRING_CODE_LENGTH } from '../../shared/adminApi.js';

/** Rules every engine's stores keep alike. */

/** Events sent to a screen after its `hello`: the site's last this-many hours. */
export const RECENT_EVENTS_MS = 12 * 3_600_000;

/** At most this many pairing codes waiting at once: a flood of requests cannot fill the database. */
export const MAX_OPEN_PAIRINGS = 1_000;

export function newPairingCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
  return code;
}
