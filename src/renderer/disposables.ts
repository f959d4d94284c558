/**
 * Owners of timers and listeners (in the manner of VS Code's DisposableStore): whatever a
 * module starts is added to its store, and disposing the store ends all of it at once.
 */

export interface Disposable {
  dispose(): void;
}

export function toDisposable(dispose: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Owns `item` from now on; added after the store was disposed, it is disposed at once. */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.add(item);
    return item;
  }

  /** Disposes one item now and forgets it. */
  delete(item: Disposable): void {
    if (this.items.delete(item)) item.dispose();
  }

  /** A one-shot timer owned by the store (forgotten once it fired). */
  timeout(run: () => void, ms: number): Disposable {
    const handle = setTimeout(() => {
      this.items.delete(owned);
      run();
    }, ms);
    const owned = toDisposable(() => clearTimeout(handle));
    return this.add(owned);
  }

  interval(run: () => void, ms: number): Disposable {
    const handle = setInterval(run, ms);
    return this.add(toDisposable(() => clearInterval(handle)));
  }

  /** A DOM or other event listener, removed on dispose. `capture`: called on the event's way down (events that do not bubble, seen from an ancestor). */
  listen<K extends string>(
    target: { addEventListener(type: K, listener: (event: Event) => void, capture?: boolean): void; removeEventListener(type: K, listener: (event: Event) => void, capture?: boolean): void },
    type: K,
    listener: (event: Event) => void,
    capture = false,
  ): Disposable {
    target.addEventListener(type, listener, capture);
    return this.add(toDisposable(() => target.removeEventListener(type, listener, capture)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.items) item.dispose();
    this.items.clear();
  }
}

/**
 * One timer that can be re-armed (the previous one is cleared): a schedule boundary, a deadline.
 * Once disposed it arms nothing more: work that ends after its owner was disposed (a download, a
 * write) starts no timer, without each owner keeping a flag of its own for that.
 */
export class TimerSlot implements Disposable {
  private handle: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  arm(run: () => void, ms: number): void {
    this.clear();
    if (this.disposed) return;
    this.handle = setTimeout(() => {
      this.handle = null;
      run();
    }, ms);
  }

  get armed(): boolean {
    return this.handle !== null;
  }

  clear(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }
}
