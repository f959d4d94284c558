import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Tokens are 32 random bytes; the hub stores only their SHA-256 (they are too long to guess, no slow hash needed). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenMatches(token: string, hash: string): boolean {
  const given = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
