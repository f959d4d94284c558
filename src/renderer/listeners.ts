/** Who wants to know that something changed: the stores React reads with useSyncExternalStore. */
export class Listeners {
  private readonly set = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.set.add(listener);
    return () => void this.set.delete(listener);
  };

  notify(): void {
    for (const listener of this.set) listener();
  }
}
