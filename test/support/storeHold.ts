import type { Page } from 'playwright-core';

/**
 * Holds stores of the player's IndexedDB with a read-write transaction from another connection
 * of the same page, kept open by chaining requests, so that every transaction of the player on
 * them waits: as on a disk that stops answering. `release` lets the transaction end.
 */
export interface StoreHold {
  release(): Promise<void>;
}

export async function holdStores(page: Page, stores: string[]): Promise<StoreHold> {
  const key = `__storeHold${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    ({ stores, key }) =>
      new Promise<void>((held, failed) => {
        const open = indexedDB.open('antichambre');
        open.onerror = () => failed(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const state = { released: false };
          (globalThis as unknown as Record<string, unknown>)[key] = state;
          const transaction = db.transaction(stores, 'readwrite');
          const store = transaction.objectStore(stores[0]!);
          const again = () => {
            if (state.released) return;
            store.count().onsuccess = again;
          };
          store.count().onsuccess = () => {
            held();
            again();
          };
          transaction.oncomplete = () => db.close();
        };
      }),
    { stores, key },
  );
  return {
    release: () =>
      page.evaluate((key) => {
        ((globalThis as unknown as Record<string, { released: boolean }>)[key]!).released = true;
      }, key),
  };
}
