import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A minimal TCP balancer standing in for nginx in front of a cluster: each new connection goes
 * to the first backend, in the given order, that accepts it (nginx's `proxy_next_upstream
 * error` with backups), so a test decides where a screen lands, and where it lands again once
 * that node is gone.
 */
export interface TcpBalancer {
  url: string;
  close(): Promise<void>;
}

export async function startTcpBalancer(backends: number[]): Promise<TcpBalancer> {
  const open = new Set<Socket>();
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const server: Server = createServer((client) => {
    track(client);
    client.pause();
    const attempt = (index: number): void => {
      if (index >= backends.length) return void client.destroy();
      const upstream = connect(backends[index]!, '127.0.0.1');
      let connected = false;
      upstream.once('error', () => {
        if (!connected) attempt(index + 1);
      });
      upstream.once('connect', () => {
        connected = true;
        track(upstream);
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
