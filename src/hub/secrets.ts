import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Tokens are 32 random bytes; the hub stores only their SHA-256 (they are too long to guess, no slow hash needed). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The token of an `Authorization: Bearer <token>` header, or null. The scheme's name is read in
 * any case (RFC 9110 §11.1: `bearer` is the same scheme), as ticket systems and scrapers send it.
 */
export function bearerToken(authorization: string | undefined): string | null {
  return /^bearer +(.+?) *$/i.exec(authorization ?? '')?.[1] ?? null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenMatches(token: string, hash: string): boolean {
  const given = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
