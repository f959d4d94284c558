import type { Alert } from '../shared/protocol.js';
import { StoredAlert, type PlayerDb } from './db.js';
import { TimerSlot, type Disposable } from './disposables.js';
import { Listeners } from './listeners.js';

/**
 * The alerts a screen shows, kept in IndexedDB so that they survive a restart, each until
 * its `until` or an `alert:clear`. The most recent urgent one covers the screen; info ones
 * are a band over the content.
 */
/** An alert is shown until its `until`, by this screen's clock. */
function isOver(alert: Alert, now: number): boolean {
  return Date.parse(alert.until) <= now;
}

export class AlertBoard implements Disposable {
  /** In the order they came (oldest first). */
  private alerts: StoredAlert[] = [];
  /** Wakes at the next alert's `until`: disposed with the board. */
  private readonly expiry = new TimerSlot();
  private readonly listeners = new Listeners();

  constructor(private readonly db: PlayerDb) {}

  subscribe = this.listeners.subscribe;
  getAlerts = (): Alert[] => this.alerts;

  async init(): Promise<void> {
    const stored = await this.db.alerts.toArray();
    this.alerts = stored
      .flatMap((alert) => {
        const parsed = StoredAlert.safeParse(alert);
        return parsed.success ? [parsed.data] : [];
      })
      .sort((a, b) => (a.receivedAt ?? 0) - (b.receivedAt ?? 0));
    this.refresh();
  }

  /**
   * Stores the alert durably (replacing one with the same id), then shows it. The hub sends its
   * alerts again after each reconnection: one already kept as it is, or already over by this
   * screen's clock, costs no write.
   */
  async show(alert: Alert): Promise<void> {
    const kept = this.alerts.find((a) => a.id === alert.id);
    if (kept && kept.level === alert.level && kept.text === alert.text && kept.until === alert.until) return;
    if (isOver(alert, Date.now())) {
      if (kept) await this.clear(alert.id);
      return;
    }
    const received: StoredAlert = { ...alert, receivedAt: Date.now() };
    await this.db.alerts.put(received);
    this.alerts = [...this.alerts.filter((a) => a.id !== alert.id), received];
    this.refresh();
  }

  async clear(id: string): Promise<void> {
    await this.db.alerts.delete(id);
    this.alerts = this.alerts.filter((a) => a.id !== id);
    this.refresh();
  }

  /** Whether an urgent alert covers the screen now. */
  covered(): boolean {
    return this.alerts.some((alert) => alert.level === 'urgent');
  }

  /** Drops what has expired, wakes at the next expiry, tells the listeners. */
  private refresh(): void {
    const now = Date.now();
    const expired = this.alerts.filter((alert) => isOver(alert, now));
    if (expired.length) {
      this.alerts = this.alerts.filter((alert) => !expired.includes(alert));
      // Expired alerts are dropped again at the next start if this fails (storage full).
      this.db.alerts.bulkDelete(expired.map((alert) => alert.id)).catch(() => {});
    }
    const next = Math.min(...this.alerts.map((alert) => Date.parse(alert.until)));
    if (Number.isFinite(next)) this.expiry.arm(() => this.refresh(), Math.min(next - now, 2 ** 31 - 1));
    else this.expiry.clear();
    this.listeners.notify();
  }

  /** No more expiry timer (what is stored stays, for the next start). */
  dispose(): void {
    this.expiry.dispose();
  }
}
