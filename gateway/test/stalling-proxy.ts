/**
 * Test harness: a TCP proxy that can stall — connections stay open but no byte passes — like a
 * Redis that stopped answering (overloaded, or a network partition without resets). The shared
 * Redis itself is never touched. For a Redis that is gone, use `createTcpProxy` from @orderly/testing.
 */
import net, { type AddressInfo } from 'node:net';

export interface StallingProxy {
  /** `target` with host and port replaced by the proxy's. */
  url: string;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function createStallingProxy(target: string): Promise<StallingProxy> {
  const { hostname, port } = new URL(target);
  const pairs = new Set<[net.Socket, net.Socket]>();
  let stalled = false;

  const connect = (pair: [net.Socket, net.Socket]) => {
    pair[0].pipe(pair[1]).pipe(pair[0]);
  };
  const disconnect = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  };

  const server = net.createServer((client) => {
    const pair: [net.Socket, net.Socket] = [client, net.connect(Number(port), hostname)];
    pairs.add(pair);
    for (const socket of pair) {
      socket.on('error', () => pair.forEach((s) => s.destroy()));
      socket.on('close', () => pairs.delete(pair));
    }
    if (stalled) disconnect(pair);
    else connect(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);

  return {
    url: url.toString(),
    stall() {
      stalled = true;
      pairs.forEach(disconnect);
    },
    resume() {
      stalled = false;
      pairs.forEach(connect);
    },
    close() {
      for (const pair of pairs) pair.forEach((socket) => socket.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
