import type { Redis } from 'ioredis';

/**
 * Counts per key over a fixed window that starts at a key's first count (failed sign-ins per
 * account and per address): in this node's memory, or in the cluster's Redis so that every
 * node sees the same counts (a guesser spreading attempts over the nodes behind a balancer
 * gets no more tries than against one).
 */
export interface WindowCounters {
  /** The key's count in its current window and the ms left in it, or null (no count, or its window has passed). */
  read(key: string, now: number): Promise<{ count: number; leftMs: number } | null>;
  /** Counts one more for the key (a new window if there is none). */
  add(key: string, now: number): Promise<void>;
  /** Forgets the key's count. */
  forget(key: string): Promise<void>;
}

/** This node's own counts; keys whose window has passed are dropped as new ones come past `maxKeys` (no timer). */
export class MemoryWindowCounters implements WindowCounters {
  private readonly counts = new Map<string, { since: number; count: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  async read(key: string, now: number): Promise<{ count: number; leftMs: number } | null> {
    const entry = this.counts.get(key);
    if (!entry || now - entry.since >= this.windowMs) return null;
    return { count: entry.count, leftMs: entry.since + this.windowMs - now };
  }

  async add(key: string, now: number): Promise<void> {
    const entry = this.counts.get(key);
    if (entry && now - entry.since < this.windowMs) entry.count++;
    else this.counts.set(key, { since: now, count: 1 });
    if (this.counts.size > this.maxKeys) for (const [old, value] of this.counts) if (now - value.since >= this.windowMs) this.counts.delete(old);
  }

  async forget(key: string): Promise<void> {
    this.counts.delete(key);
  }
}

/**
 * Counts in Redis, shared by every node: one key per count (`<prefix><key>`), incremented with
 * INCR and given the window as its expiry at its first count (PEXPIRE NX, Redis 7), so Redis
 * drops it when the window has passed. While Redis does not answer, the node's own counts
 * (`fallback`) decide and are kept: never less than one node's protection.
 */
export class RedisWindowCounters implements WindowCounters {
  constructor(
    private readonly redis: Redis,
    private readonly windowMs: number,
    private readonly prefix: string,
    private readonly fallback: WindowCounters = new MemoryWindowCounters(windowMs),
  ) {}

  async read(key: string, now: number): Promise<{ count: number; leftMs: number } | null> {
    const shared = await this.redis
      .multi()
      .get(this.prefix + key)
      .pttl(this.prefix + key)
      .exec()
      .catch(() => null);
    if (!shared || shared.some(([error]) => error)) return this.fallback.read(key, now);
    const count = Number(shared[0]![1] ?? 0);
    const leftMs = Number(shared[1]![1]);
    const local = await this.fallback.read(key, now);
    // Failures counted here while Redis was away still count.
    const merged = count > 0 && leftMs > 0 ? { count: count + (local?.count ?? 0), leftMs: Math.max(leftMs, local?.leftMs ?? 0) } : local;
    return merged;
  }

  async add(key: string, now: number): Promise<void> {
    const done = await this.redis
      .multi()
      .incr(this.prefix + key)
      .pexpire(this.prefix + key, this.windowMs, 'NX')
      .exec()
      .catch(() => null);
    if (!done || done.some(([error]) => error)) await this.fallback.add(key, now);
  }

  async forget(key: string): Promise<void> {
    await this.fallback.forget(key);
    await this.redis.del(this.prefix + key).catch(() => {});
  }
}
