import { randomInt } from 'node:crypto';
import { PAIRING_ALPHABET, PAIRING_CODE_LENGTH } from '../../shared/pairing.js';

/** Rules every engine's stores keep alike. */

/** Events sent to a screen after its `hello`: the site's last this-many hours. */
export const RECENT_EVENTS_MS = 12 * 3_600_000;

/**
 * How far ahead of the hub's clock a ticket event's `at` may be: a ticket system's clock a few
 * minutes fast is taken; an event dated later (a clock set to the wrong day, the year 9999) is
 * refused at the intake, and one stored before that rule is never sent after `hello` (it would
 * stay "recent" until its date).
 */
export const QUEUE_EVENT_AHEAD_MS = 15 * 60_000;

/** At most this many pairing codes waiting at once: a flood of requests cannot fill the database. */
export const MAX_OPEN_PAIRINGS = 1_000;

/**
 * §3: "A wrong secret and an unknown code get the same 404": the same body too, for an unknown,
 * expired or mistyped code and a wrong secret alike (it does not repeat the code asked for).
 */
export const UNKNOWN_PAIRING = 'pairing: code is unknown or expired; ask for a new one';

/**
 * A claimed code stays readable this long after its claim, for the screen's next poll to take its
 * token, even past the code's own 10 minutes (a code claimed in its last seconds made a screen
 * that its player, polling just after, was told did not exist).
 */
export const CLAIMED_PAIRING_MS = 10 * 60_000;

export function newPairingCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
  return code;
}

/**
 * The least key above every key that starts with `prefix`, in code point order (bytewise in
 * UTF-8, as both engines compare keys: SQLite's BINARY, PostgreSQL's COLLATE "C"): `prefix` with
 * its last character incremented; null when there is no such key (every key then qualifies).
 * Keys with the prefix are exactly those >= prefix and < this, an index range in both engines
 * (prefix + U+FFFF, used before, missed keys continuing with a character above U+FFFF, an emoji).
 */
export function prefixEnd(prefix: string): string | null {
  const chars = [...prefix];
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last === 0x10ffff) continue;
    // Past the surrogates (not characters): their next is U+E000.
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    return chars.join('') + String.fromCodePoint(next);
  }
  return null;
}

/**
 * A queue post whose site token is wrong: what the ticket system's installer reads. The token is
 * kept only as a digest, so `site token` cannot show it again: each run makes a new one and ends
 * the one before (the message says so, lest running it to look the token up cuts the system off).
 */
export const wrongSiteToken = (site: string): string =>
  `unauthorized: expected "Authorization: Bearer <site token of ${site}>": the token that \`antichambre-hub site token ${site}\` printed last (each run makes a new one and ends the one before)`;
