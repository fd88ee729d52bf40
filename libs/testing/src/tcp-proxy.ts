/**
 * A TCP proxy in front of a real server, to cut and restore the connection from a test as if the
 * server had stopped — without stopping the shared server that other tests are using.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Rewrites a URL (amqp://, redis://, postgres://) to go through the proxy. */
  wrap(url: string): string;
  /** Drops every open connection and resets new ones at once, like a stopped server. */
  stop(): Promise<void>;
  /** Accepts connections again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function createTcpProxy(target: string): Promise<TcpProxy> {
  const targetUrl = new URL(target);
  const targetHost = targetUrl.hostname;
  const targetPort = Number(targetUrl.port);
  const sockets = new Set<net.Socket>();
  // The listener stays open while "stopped" (connections are reset at once): the port stays ours,
  // so no other process can take it between stop() and start() on a busy machine.
  let stopped = false;

  const server = net.createServer((client) => {
    if (stopped) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    wrap(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async stop() {
      stopped = true;
      for (const s of sockets) s.resetAndDestroy();
      sockets.clear();
    },
    async start() {
      stopped = false;
    },
    async close() {
      stopped = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
