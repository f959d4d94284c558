import { toUtcTime } from '../shared/ids.js';
import { decidePower, PowerState, type PowerStatus } from '../shared/powerSchedule.js';
import type { StoredSet } from './db.js';
import { TimerSlot, type Disposable } from './disposables.js';
import { Listeners } from './listeners.js';

/**
 * The screen asleep when the building is closed: applies the set's power schedule (the pure
 * decision of src/shared/powerSchedule.ts) to this screen. Asleep, the page goes black at once
 * (nothing plays, nothing is counted as shown) and, in the kiosk, the main process is asked to
 * power the display down (HDMI-CEC, DPMS); its answer makes the state `off`, else `black`.
 * An urgent alert wakes it. The clock is looked at again at the next change, and at least
 * every minute (a clock corrected by NTP, a page clock in tests).
 */

/** The longest the decision is trusted without looking at the clock again. */
export const POWER_CHECK_MS = 60_000;
/** While asleep, the kiosk's display is asked to be off again this often (someone may have woken it: a mouse under DPMS, a TV remote). */
export const REASSERT_OFF_MS = 10 * 60_000;

export interface PowerView {
  asleep: boolean;
  state: PowerState;
  /** When the display went into this state. */
  since: number;
  /** While asleep: when it wakes by schedule (null: not within a week). */
  wakesAt: number | null;
  /** While awake: when it sleeps by schedule (null: not within a week). */
  sleepsAt: number | null;
}

export interface ScreenPowerDeps {
  timezone: string;
  /** Whether an urgent alert is showing. */
  urgent(): boolean;
  /** The kiosk's display power (main process); absent in the web player, where the page alone goes black. */
  display?: ((state: 'on' | 'off') => Promise<unknown>) | null;
  /** The display's state changed (for an early `status`). */
  onChange?(view: PowerView): void;
}

export class ScreenPower implements Disposable {
  private set: StoredSet | null = null;
  private readonly timer = new TimerSlot();
  private readonly listeners = new Listeners();
  private stopped = false;
  /** Changes asked of the display, one at a time, in order. */
  private displayQueue: Promise<unknown> = Promise.resolve();
  /** When the display was last asked to be off. */
  private offAskedAt = 0;
  view: PowerView = { asleep: false, state: 'on', since: Date.now(), wakesAt: null, sleepsAt: null };

  constructor(private readonly deps: ScreenPowerDeps) {}

  subscribe = this.listeners.subscribe;
  getView = (): PowerView => this.view;

  /** Whether the screen is asleep now (the page black, nothing playing). */
  asleep(): boolean {
    return this.view.asleep;
  }

  start(set: StoredSet | null): void {
    this.set = set;
    this.reconsider();
    // With a schedule, a display left powered down by a run that ended asleep (a reboot at night) is woken now.
    if (!this.view.asleep && set?.power) this.applyToDisplay(false);
  }

  /** A new set is stored: its power schedule applies from now on. */
  setStoredSet(set: StoredSet): void {
    this.set = set;
    this.reconsider();
  }

  /** Alerts changed: an urgent one wakes the screen, its end lets it sleep again. */
  alertsChanged(): void {
    this.reconsider();
  }

  /** `status.power` for the hub. */
  status(): PowerStatus {
    const until = this.view.asleep ? this.view.wakesAt : this.view.sleepsAt;
    return { state: this.view.state, since: toUtcTime(this.view.since), ...(until !== null ? { until: toUtcTime(until) } : {}) };
  }

  dispose(): void {
    this.stopped = true;
    this.timer.dispose();
  }

  private reconsider(): void {
    if (this.stopped) return;
    const now = Date.now();
    const decision = decidePower({ power: this.set?.power, playlists: this.set?.playlists ?? [], timezone: this.deps.timezone, now, urgentAlert: this.deps.urgent() });
    const asleep = !decision.on;
    const changed = asleep !== this.view.asleep;
    this.view = {
      asleep,
      // Going to sleep: black at once; `off` once the display says it is powered down.
      state: changed ? (asleep ? 'black' : 'on') : this.view.state,
      since: changed ? now : this.view.since,
      wakesAt: decision.wakesAt,
      sleepsAt: decision.sleepsAt,
    };
    this.listeners.notify();
    if (changed) {
      this.deps.onChange?.(this.view);
      this.applyToDisplay(asleep);
    } else if (asleep && now - this.offAskedAt >= REASSERT_OFF_MS) this.applyToDisplay(true);
    this.timer.arm(() => this.reconsider(), Math.max(1_000, Math.min(decision.nextChangeAt - now, POWER_CHECK_MS)));
  }

  private applyToDisplay(asleep: boolean): void {
    const display = this.deps.display;
    if (!display) return;
    if (asleep) this.offAskedAt = Date.now();
    this.displayQueue = this.displayQueue.then(async () => {
      let answer: PowerState = asleep ? 'black' : 'on';
      try {
        const parsed = PowerState.safeParse(await display(asleep ? 'off' : 'on'));
        if (parsed.success) answer = parsed.data;
        else console.warn('[antichambre] display power: unexpected answer from the kiosk');
      } catch (error) {
        console.warn('[antichambre] display power not changed (the page stays black):', error);
      }
      // Only if nothing changed meanwhile: a later change has its own answer coming.
      if (this.stopped || this.view.asleep !== asleep || this.view.state === answer) return;
      this.view = { ...this.view, state: answer };
      this.listeners.notify();
      this.deps.onChange?.(this.view);
    });
  }
}
