import type { WindowCounters } from './windowCounters.js';
import { MemoryWindowCounters } from './windowCounters.js';

/**
 * Failed sign-ins counted per account and per address over a window: past the limit, the next
 * attempts are refused before the password is even checked (no hashing work either), until the
 * window has passed. Per account, so that a slow guesser from many addresses gets 5 tries a
 * quarter of an hour; per address, so that one machine cannot try many accounts. A success
 * forgets the account's failures. One hub keeps the counts in memory (a restart forgets them:
 * a restart cannot be asked for by whoever guesses); a cluster keeps them in its Redis, so that
 * guesses spread over the nodes count together (windowCounters.ts).
 */

export const LOGIN_LIMITS = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 } as const;

export class LoginThrottle {
  private readonly accounts: WindowCounters;
  private readonly addresses: WindowCounters;

  constructor(
    private readonly limits: { perAccount: number; perAddress: number; windowMs: number } = LOGIN_LIMITS,
    /** Where the counts are kept (default: this node's memory). */
    counters: (kind: 'account' | 'address', windowMs: number) => WindowCounters = (_kind, windowMs) => new MemoryWindowCounters(windowMs),
  ) {
    this.accounts = counters('account', limits.windowMs);
    this.addresses = counters('address', limits.windowMs);
  }

  /** Seconds to wait before this account may try again from this address, or 0. */
  async waitSeconds(account: string, address: string, now: number): Promise<number> {
    const wait = async (counters: WindowCounters, key: string, max: number): Promise<number> => {
      const entry = await counters.read(key, now);
      return !entry || entry.count < max ? 0 : Math.ceil(entry.leftMs / 1000);
    };
    const [byAccount, byAddress] = await Promise.all([wait(this.accounts, account, this.limits.perAccount), wait(this.addresses, address, this.limits.perAddress)]);
    return Math.max(byAccount, byAddress);
  }

  async failed(account: string, address: string, now: number): Promise<void> {
    await Promise.all([this.accounts.add(account, now), this.addresses.add(address, now)]);
  }

  async succeeded(account: string): Promise<void> {
    await this.accounts.forget(account);
  }
}
