import type { BrowserContext, Page } from 'playwright-core';

/**
 * A diagnostic for long runs and a probe for tests: every IndexedDB transaction the page opens is tracked until it
 * completes or aborts, with the stores, mode, and the stack that opened it. A transaction that
 * never ends (or a queue of them behind one) shows as a growing count per store.
 */

export interface OpenTransactions {
  open: number;
  /** Transactions opened since the page loaded, by "stores:mode". */
  opened: Record<string, number>;
  /** Open transactions by "stores:mode". */
  byStores: Record<string, number>;
  /** The oldest open one: its stores, how long it has been open (real ms), and where it was opened. */
  oldest: { stores: string; ageMs: number; stack: string } | null;
}

export async function traceTransactions(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const open = new Map<number, { stores: string; since: number; stack: string }>();
    const opened: Record<string, number> = {};
    Object.assign(globalThis, { __openTransactions: open, __openedTransactions: opened });
    let seq = 0;
    const original = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      const transaction = original.apply(this, args);
      const id = ++seq;
      const stores = `${[args[0]].flat().join(',')}:${args[1] ?? 'readonly'}`;
      opened[stores] = (opened[stores] ?? 0) + 1;
      open.set(id, { stores, since: performance.now(), stack: (new Error().stack ?? '').split('\n').slice(2, 10).map((line) => line.trim()).join(' | ') });
      const done = () => open.delete(id);
      transaction.addEventListener('complete', done);
      transaction.addEventListener('abort', done);
      return transaction;
    } as IDBDatabase['transaction'];
  });
}

export async function openTransactions(page: Page): Promise<OpenTransactions> {
  return page.evaluate(() => {
    const { __openTransactions: open, __openedTransactions: opened } = globalThis as unknown as {
      __openTransactions?: Map<number, { stores: string; since: number; stack: string }>;
      __openedTransactions?: Record<string, number>;
    };
    const byStores: Record<string, number> = {};
    let oldest: { stores: string; ageMs: number; stack: string } | null = null;
    for (const entry of open?.values() ?? []) {
      byStores[entry.stores] = (byStores[entry.stores] ?? 0) + 1;
      if (!oldest) oldest = { stores: entry.stores, ageMs: performance.now() - entry.since, stack: entry.stack };
    }
    return { open: open?.size ?? 0, opened: { ...opened }, byStores, oldest };
  });
}
