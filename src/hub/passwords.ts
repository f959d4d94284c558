import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/**
 * Passwords are hashed with argon2id (RFC 9106) by `@node-rs/argon2` (maintained, a prebuilt
 * binary shipped inside the npm package: nothing downloaded at install). Parameters: OWASP's
 * first argon2id line, m = 19 MiB, t = 2, p = 1: a stolen file costs an attacker 19 MiB and two
 * passes per guess, and a throttled sign-in (loginThrottle.ts) cannot tie the hub's cores
 * (measured 95-125 ms per verify on a 2-core machine at load 17-19, 20 runs). The
 * parameters and the salt are in the stored PHC string, so that raising them later still
 * verifies older hashes. `verify` compares in constant time (inside the library).
 */

export const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  // 2 is Argon2id (the library's Algorithm is a const enum, which isolated modules cannot read).
  return hash(password, ARGON2ID);
}

/** A hash of nothing anyone knows, verified against when the account does not exist, so that an unknown email takes as long as a wrong password. */
let decoy: Promise<string> | null = null;

/** True when `password` matches `stored`; with `stored` null (no such account, or no password), false after the same work. */
export async function passwordMatches(password: string, stored: string | null): Promise<boolean> {
  if (stored === null) {
    decoy ??= hashPassword(randomBytes(16).toString('hex'));
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A password made by the hub (first administrator, a reset without one given): 18 random bytes, 24 characters of base64url. */
export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}
