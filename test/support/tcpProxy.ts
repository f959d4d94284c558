import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on loopback between a player and its hub, for chaos tests: it can cut every
 * connection, stall them (hold the bytes), delay them (every chunk, in order), and send new
 * connections to another port (a hub restarted elsewhere).
 */
export interface TcpProxy {
  url: string;
  /** Destroys every open connection (both ends). */
  cut(): void;
  /** Holds every byte for `ms`, then lets them through in order. */
  stall(ms: number): void;
  /** Delays every chunk by `ms` from now on (0: no delay). */
  delay(ms: number): void;
  retarget(port: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let target = targetPort;
  let delayMs = 0;
  let stalledUntil = 0;
  const pairs = new Set<[Socket, Socket]>();

  /** Forwards from one socket to the other, honouring stalls and delays, in order. */
  const forward = (from: Socket, to: Socket): void => {
    let last = 0;
    from.on('data', (chunk: Buffer) => {
      const at = Math.max(Date.now() + delayMs, stalledUntil, last);
      last = at;
      const wait = at - Date.now();
      if (wait <= 0 && !to.destroyed) to.write(chunk);
      else setTimeout(() => !to.destroyed && to.write(chunk), wait);
    });
  };

  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    stall: (ms) => {
      stalledUntil = Date.now() + ms;
    },
    delay: (ms) => {
      delayMs = ms;
    },
    retarget: (next) => {
      target = next;
    },
    close: () =>
      new Promise((resolve) => {
        for (const [client, upstream] of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
