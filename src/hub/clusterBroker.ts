import type { Redis } from 'ioredis';
import { shownUrl } from './dataPaths.js';
import type { HubIo } from './screenChannel.js';

/**
 * The broker that joins the nodes of a cluster: a Redis (or Valkey) that every node reaches.
 * socket.io's Redis Streams adapter carries broadcasts to rooms (a screen's, a site's), their
 * acks, and presence requests (fetchSockets) between nodes; a stream, unlike plain pub/sub,
 * keeps what was published while a node's connection to Redis was cut, and the node reads it
 * on reconnection. The nodes are counted by Redis itself (its subscribers): a node killed is
 * dropped as soon as Redis sees its connection close.
 */

export interface ClusterBroker {
  /** Resolves when the broker answers (readiness); rejects with why not. */
  ping(): Promise<void>;
  /**
   * Called each time the broker is reachable again after being away: what other nodes announced
   * meanwhile may be lost (the adapter sends announcements and broadcasts with acks by pub/sub,
   * not in the stream), so the node brings its own screens up to date then.
   */
  onReconnect(listener: () => void): void;
  /**
   * A connection of its own for counts every node shares (rate limits, sign-in throttle):
   * commands fail at once while Redis is away (no queue), so that a request never waits for it.
   */
  readonly counters: Redis;
  close(): Promise<void>;
}

export async function joinCluster(io: HubIo, url: string, log: (line: string) => void): Promise<ClusterBroker> {
  if (!/^rediss?:\/\//i.test(url)) throw new Error(`--broker ${shownUrl(url)}: expected redis://HOST:PORT (or rediss:// with TLS)`);
  // Loaded only by a node that joins a cluster: a single hub never pays for Redis' client at start.
  const [{ createAdapter }, { Redis }] = await Promise.all([import('@socket.io/redis-streams-adapter'), import('ioredis')]);
  // Commands wait (ioredis' offline queue) while Redis is away, and are sent once it is back.
  const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  let down = false;
  const reconnected: (() => void)[] = [];
  client.on('error', (error: Error) => {
    if (!down) log(`cluster: broker ${shownUrl(url)} unreachable (${error.message}); retrying, what is published meanwhile waits`);
    down = true;
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log(`cluster: broker ${shownUrl(url)} reachable again; this node's screens are brought up to date`);
    for (const listener of reconnected) listener();
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`cluster: broker ${shownUrl(url)} unreachable at start: ${error instanceof Error ? error.message : String(error)}`);
  }
  io.adapter(createAdapter(client, { onlyPlaintext: true }));
  const counters = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: true });
  // Its errors are the broker's, already told by the adapter's connection.
  counters.on('error', () => {});
  await counters.connect().catch(() => {});
  return {
    counters,
    async ping() {
      if (client.status !== 'ready') throw new Error(`broker ${shownUrl(url)}: ${client.status}`);
      await client.ping();
    },
    onReconnect(listener) {
      reconnected.push(listener);
    },
    async close() {
      // QUIT waits for Redis; a node stopping while the broker is away does not wait for it.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([client.quit().catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, 1_000)))]);
      clearTimeout(timer);
      reconnected.length = 0;
      client.removeAllListeners();
      client.disconnect();
      counters.disconnect();
    },
  };
}
