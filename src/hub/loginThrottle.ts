/**
 * Failed sign-ins counted per account and per address over a window: past the limit, the next
 * attempts are refused before the password is even checked (no hashing work either), until the
 * window has passed. Per account, so that a slow guesser from many addresses gets 5 tries a
 * quarter of an hour; per address, so that one machine cannot try many accounts. A success
 * forgets the account's failures. Kept in memory (a restart forgets them: a restart cannot be
 * asked for by whoever guesses); entries whose window has passed are dropped as new ones come, no timer.
 */

export const LOGIN_LIMITS = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 } as const;

export class LoginThrottle {
  private readonly accounts = new Map<string, { since: number; count: number }>();
  private readonly addresses = new Map<string, { since: number; count: number }>();

  constructor(private readonly limits: { perAccount: number; perAddress: number; windowMs: number } = LOGIN_LIMITS) {}

  /** Seconds to wait before this account may try again from this address, or 0. */
  waitSeconds(account: string, address: string, now: number): number {
    const wait = (map: Map<string, { since: number; count: number }>, key: string, max: number): number => {
      const entry = map.get(key);
      if (!entry || now - entry.since >= this.limits.windowMs || entry.count < max) return 0;
      return Math.ceil((entry.since + this.limits.windowMs - now) / 1000);
    };
    return Math.max(wait(this.accounts, account, this.limits.perAccount), wait(this.addresses, address, this.limits.perAddress));
  }

  failed(account: string, address: string, now: number): void {
    this.count(this.accounts, account, now);
    this.count(this.addresses, address, now);
  }

  succeeded(account: string): void {
    this.accounts.delete(account);
  }

  private count(map: Map<string, { since: number; count: number }>, key: string, now: number): void {
    const entry = map.get(key);
    if (entry && now - entry.since < this.limits.windowMs) entry.count++;
    else map.set(key, { since: now, count: 1 });
    if (map.size > 10_000) for (const [old, value] of map) if (now - value.since >= this.limits.windowMs) map.delete(old);
  }
}
