import { PendingEvents } from '../shared/protocol.js';
import type { PlayerBridge } from './configSource.js';

/**
 * The kiosk's events (crashes, relaunches, updates…) that the Electron main process keeps for
 * the hub: read through the preload bridge, checked, sent with the next `status`, then given
 * back as sent so that the main process forgets them. None in the web player.
 */

export interface KioskEvents {
  pending(): Promise<PendingEvents | null>;
  sent(through: number): Promise<void>;
}

export function kioskEventsFrom(bridge: PlayerBridge | undefined): KioskEvents | null {
  const events = bridge?.events;
  const eventsSent = bridge?.eventsSent;
  if (!events || !eventsSent) return null;
  return {
    pending: async () => {
      const parsed = PendingEvents.safeParse(await events());
      if (!parsed.success) console.warn('[antichambre] kiosk events: unexpected answer from the bridge');
      return parsed.success ? parsed.data : null;
    },
    sent: async (through) => {
      await eventsSent(through);
    },
  };
}
