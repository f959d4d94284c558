import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  data: T | null;
  error: string | null;
  at: number | null;
  /** Ask again now (after a change made from the dashboard). */
  refresh(): void;
}

/** Calls `load` now and every `everyMs` while mounted (or once when `everyMs` is null); keeps the last answer through failures. */
export function usePoll<T>(load: () => Promise<T>, everyMs: number | null, deps: readonly unknown[]): Polled<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; at: number | null }>({ data: null, error: null, at: null });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = async (): Promise<void> => {
      try {
        const data = await loadRef.current();
        if (live) setState({ data, error: null, at: Date.now() });
      } catch (error) {
        if (live) setState((previous) => ({ ...previous, error: error instanceof Error ? error.message : String(error) }));
      }
      if (live && everyMs !== null) timer = setTimeout(() => void run(), everyMs);
    };
    void run();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [everyMs, tick, ...deps]);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, refresh };
}
