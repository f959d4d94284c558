import type { Ack, Alert, AlertClear, Command, CommandAck, Hello, HelloAck, ImpressionsAck, ImpressionsMessage, PlaylistsMessage, QueueMessage, StatusMessage, WaitMessage } from './protocol.js';

/**
 * Protocol §3's events on the `/screens` namespace as socket.io's typed events (the shape of its
 * `typed-events.ts`): each event's payload, and the answer its acknowledgement carries, named by
 * the schemas of `protocol.ts`. They type what each side sends. What a side receives comes from
 * the network and is still parsed at run time with the schema of the same name: `Received` gives
 * the listeners an `unknown` payload.
 */

/** An acked event refused (§3): `{ ok: false, error: "<path>: <reason>" }`. */
export interface Refusal {
  ok: false;
  error: string;
}

/** What a hub sends a screen. */
export interface HubToScreenEvents {
  playlists(message: PlaylistsMessage, ack: (answer: Ack) => void): void;
  alert(message: Alert, ack: (answer: Ack) => void): void;
  'alert:clear'(message: AlertClear, ack: (answer: Ack) => void): void;
  queue(message: QueueMessage, ack: (answer: Ack) => void): void;
  command(message: Command, ack: (answer: CommandAck) => void): void;
}

/** What a screen sends a hub (`status` is not acked). */
export interface ScreenToHubEvents {
  hello(message: Hello, ack: (answer: HelloAck | Refusal) => void): void;
  impressions(message: ImpressionsMessage, ack: (answer: ImpressionsAck | Refusal) => void): void;
  wait(message: WaitMessage, ack: (answer: Ack) => void): void;
  status(message: StatusMessage): void;
}

/** The events as the other side listens to them: the payload not parsed yet (a peer may send anything, or nothing), the ack as the protocol answers it. */
export type Received<Events> = {
  [E in keyof Events]: Events[E] extends (message: never, ...rest: infer Rest) => void ? (message: unknown, ...rest: Rest) => void : never;
};
