import { options } from 'preact';

/**
 * The player renders with Preact's React-compatible build (vite.renderer.config.ts). Preact runs
 * passive effects (useEffect) after the next animation frame, or 100 ms later when none comes;
 * React runs them in a task posted right after the commit (its scheduler's MessageChannel). The
 * player's components report readiness from effects (an image decoded, a video's data loaded),
 * so they run as React would: in the next task, not held until a frame that a hidden page or a
 * paused page clock never gives.
 */
export function runEffectsAfterCommit(): void {
  const channel = new MessageChannel();
  const queued: (() => void)[] = [];
  channel.port1.onmessage = () => {
    for (const flush of queued.splice(0)) flush();
  };
  options.requestAnimationFrame = (flush: () => void) => {
    queued.push(flush);
    if (queued.length === 1) channel.port2.postMessage(null);
  };
}
