/**
 * The kiosk gets over a dead or hung page by itself: a renderer that crashed, hung past a
 * grace period, or lost its GPU process is reloaded after a growing delay (1 s, 2 s, 4 s…);
 * when `maxReloads` reloads within `windowMs` did not help, the whole app is relaunched.
 * Written against the few Electron methods it uses, so that tests hand in fakes.
 */

export interface RecoveryPolicy {
  /** Reloads tried within `windowMs` before relaunching the app instead. */
  maxReloads: number;
  windowMs: number;
  /** Delay before the first reload; each further one within the window doubles it. */
  firstDelayMs: number;
  /** How long a page may stay unresponsive before it is taken as hung. */
  hangGraceMs: number;
  /** Between reloads when relaunching is held back (the app relaunched too often already). */
  slowReloadMs: number;
}

export const DEFAULT_RECOVERY: RecoveryPolicy = { maxReloads: 3, windowMs: 10 * 60_000, firstDelayMs: 1_000, hangGraceMs: 15_000, slowReloadMs: 5 * 60_000 };

export interface RecoverableContents {
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string; exitCode: number }) => void): unknown;
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown;
  reload(): void;
  forcefullyCrashRenderer(): void;
}

export interface RecoverableApp {
  on(event: 'child-process-gone', listener: (event: unknown, details: { type: string; reason: string; exitCode: number }) => void): unknown;
}

export interface RecoveryActions {
  /** Log the event and keep it for the hub. */
  record(kind: string, detail: string): void;
  /** Relaunch the whole app (`app.relaunch()` then `app.exit()`). */
  relaunch(reason: string): void;
  /** Whether relaunching is allowed now (not after too many relaunches lately); counts it if so. */
  mayRelaunch?(): boolean;
}

export class CrashRecovery {
  private readonly reloads: number[] = [];
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private hangTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private contents: RecoverableContents | null = null;

  constructor(
    private readonly actions: RecoveryActions,
    private readonly policy: RecoveryPolicy = DEFAULT_RECOVERY,
    private readonly now: () => number = Date.now,
  ) {}

  watchContents(contents: RecoverableContents): void {
    this.contents = contents;
    contents.on('render-process-gone', (_event, details) => {
      if (this.stopped) return;
      this.actions.record('renderer-gone', `reason ${details.reason}, exit code ${details.exitCode}`);
      this.recover('renderer gone');
    });
    contents.on('unresponsive', () => this.unresponsive());
    contents.on('responsive', () => this.clearHang());
  }

  watchApp(app: RecoverableApp): void {
    app.on('child-process-gone', (_event, details) => {
      if (this.stopped || details.type !== 'GPU' || details.reason === 'clean-exit') return;
      this.actions.record('gpu-gone', `reason ${details.reason}, exit code ${details.exitCode}`);
      // Chromium starts a new GPU process by itself; the page is reloaded so that video and canvas come back.
      this.recover('GPU process gone');
    });
  }

  /** The app is quitting: a page going away now is no crash. */
  stop(): void {
    this.stopped = true;
    this.clearHang();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
  }

  private unresponsive(): void {
    if (this.stopped || this.hangTimer) return;
    this.hangTimer = setTimeout(() => {
      this.hangTimer = null;
      this.actions.record('hang', `page unresponsive for ${Math.round(this.policy.hangGraceMs / 1000)} s`);
      this.contents?.forcefullyCrashRenderer();
      this.recover('page hung');
    }, this.policy.hangGraceMs);
  }

  private clearHang(): void {
    if (this.hangTimer) clearTimeout(this.hangTimer);
    this.hangTimer = null;
  }

  private recover(cause: string): void {
    if (this.stopped || this.reloadTimer) return; // a reload is on its way already
    const since = this.now() - this.policy.windowMs;
    while (this.reloads.length > 0 && this.reloads[0]! <= since) this.reloads.shift();
    let delay = this.policy.firstDelayMs * 2 ** this.reloads.length;
    if (this.reloads.length >= this.policy.maxReloads) {
      const reason = `${cause}: ${this.reloads.length} reloads within ${Math.round(this.policy.windowMs / 60_000)} min did not help`;
      if (this.actions.mayRelaunch?.() ?? true) {
        this.stopped = true;
        this.actions.relaunch(reason);
        return;
      }
      // Relaunching did not help either, lately: keep trying, slowly, without thrashing the machine.
      this.actions.record('relaunch-held', `${reason}; the app relaunched too often lately: reloading every ${Math.round(this.policy.slowReloadMs / 60_000)} min`);
      delay = this.policy.slowReloadMs;
    }
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      if (this.stopped) return;
      this.reloads.push(this.now());
      this.actions.record('reload', `${cause}: reload ${this.reloads.length} of ${this.policy.maxReloads}, after ${delay / 1000} s`);
      this.contents?.reload();
    }, delay);
  }
}
