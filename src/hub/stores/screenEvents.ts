import { ScreenViewing } from '../../shared/contentLint.js';
import { MAX_STATUS_EVENTS, StatusMessage, type PlayerEvent } from '../../shared/protocol.js';

/** A screen's last status and its viewing as stored (JSON text, whatever the engine), and the kiosk events kept with the status. */

/** The last events a screen reported, oldest first: those kept before, then the new ones, each once. */
export function keptEvents(before: readonly PlayerEvent[], added: readonly PlayerEvent[]): PlayerEvent[] {
  const seen = new Set<string>();
  const out: PlayerEvent[] = [];
  for (const event of [...before, ...added]) {
    const key = event.id;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(event);
  }
  return out.slice(-MAX_STATUS_EVENTS);
}

/** The stored status text, parsed (null: none, or no longer a valid status). */
export function parsedStatus(text: string | null): StatusMessage | null {
  if (!text) return null;
  const status = StatusMessage.safeParse(JSON.parse(text));
  return status.success ? status.data : null;
}

/** A status as stored: its text, and the events it keeps (what the next status's events are added to). */
export interface StoredStatus {
  text: string;
  events: PlayerEvent[];
}

/** The status to store after events `before`: this status, with the events kept from before. */
export function storedStatus(before: readonly PlayerEvent[], status: StatusMessage): StoredStatus {
  const events = keptEvents(before, status.events ?? []);
  return { text: JSON.stringify(events.length > 0 ? { ...status, events } : status), events };
}

/** The status text to store: this status, with the events kept from the one before (`beforeText`). */
export function statusToStore(beforeText: string | null, status: StatusMessage): string {
  return storedStatus(parsedStatus(beforeText)?.events ?? [], status).text;
}

/** The stored viewing text (size and reading distance), parsed (null: unset, or no longer valid). */
export function parsedViewing(text: string | null): ScreenViewing | null {
  if (text === null) return null;
  try {
    return ScreenViewing.safeParse(JSON.parse(text)).data ?? null;
  } catch {
    return null;
  }
}
