/** Whether an IndexedDB (or Dexie-wrapped) error says that the browser's storage is full. */
export function isQuotaError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'QuotaExceededError' || (error as { inner?: Error }).inner?.name === 'QuotaExceededError');
}
