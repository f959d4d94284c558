/**
 * Who wants to know that something changed: the stores React reads with useSyncExternalStore,
 * and the media caches' "this file is ready" (`Listeners<[sha256: string]>`).
 */
export class Listeners<Args extends unknown[] = []> {
  private readonly set = new Set<(...args: Args) => void>();

  subscribe = (listener: (...args: Args) => void): (() => void) => {
    this.set.add(listener);
    return () => void this.set.delete(listener);
  };

  notify(...args: Args): void {
    for (const listener of this.set) listener(...args);
  }
}
