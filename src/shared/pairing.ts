import { z } from 'zod';
import { Id, UtcTime } from './ids.js';

// The player imports these (screenPairing.ts) and nothing else of the admin API: kept apart so
// that the player's start does not build the admin API's schemas (about 6 ms, bench/startup.ts).

/**
 * Pairing (an extension of protocol §2): a player that knows only the hub's URL asks for a
 * short code (`POST /api/pairing`, no token), shows it, and polls
 * `GET /api/pairing/<code>?secret=…` until an admin claims the code
 * (`POST /api/pairing/<code>/claim`, Bearer admin) as a new screen; the poll then answers the
 * screen's id and token, once.
 */
export const PAIRING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const PAIRING_CODE_LENGTH = 6;
export const PAIRING_TTL_MS = 10 * 60_000;
export const PairingCode = z
  .string({ error: 'expected a pairing code' })
  .transform((code) => code.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(new RegExp(`^[${PAIRING_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`), { error: `expected the ${PAIRING_CODE_LENGTH} characters shown on the screen (digits 2 to 9 and letters, never 0, 1, I, L, O or U)` }));
export type PairingCode = z.infer<typeof PairingCode>;

export const PairingStarted = z.object({ code: z.string(), secret: z.string(), expiresAt: UtcTime });
export type PairingStarted = z.infer<typeof PairingStarted>;
export const PairingPollQuery = z.object({ secret: z.string({ error: 'expected the secret given with the code' }).min(1) });
export type PairingPollQuery = z.infer<typeof PairingPollQuery>;
export const PairingState = z.discriminatedUnion('status', [
  z.object({ status: z.literal('waiting'), expiresAt: UtcTime }),
  z.object({ status: z.literal('paired'), screenId: Id, token: z.string().min(1), name: z.string(), site: Id }),
]);
export type PairingState = z.infer<typeof PairingState>;
