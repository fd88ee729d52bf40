/**
 * Test harness: a real upstream on port 0 that answers, fails, resets or hangs on command, and
 * records every request that reached it. Health checks (`/health/*`) are counted apart.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** `ok` echoes the request as JSON; `fail` answers a 500 problem; `reset` destroys the connection; `hang` never answers. */
export type OriginMode = 'ok' | 'fail' | 'reset' | 'hang';
export type OriginHandler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

export interface Origin {
  readonly name: string;
  readonly url: string;
  /** Requests that reached the origin, health checks excluded. */
  readonly requests: ReceivedRequest[];
  /** Requests whose connection closed before the origin answered. */
  readonly aborted: number;
  readonly healthChecks: number;
  behave(mode: OriginMode): void;
  /** Answers non-health requests with `handler` (until called with undefined). */
  handle(handler: OriginHandler | undefined): void;
  /** What `/health/ready` answers: 200 when ready, else 503. */
  setReady(ready: boolean): void;
  /** Forgets recorded requests and goes back to answering `ok`. */
  reset(): void;
  /** Stops listening and drops every connection: connections to it are refused until `revive()`. */
  kill(): Promise<void>;
  /** Listens again on the same port. */
  revive(): Promise<void>;
  close(): Promise<void>;
}

export async function startOrigin(name: string): Promise<Origin> {
  const requests: ReceivedRequest[] = [];
  let mode: OriginMode = 'ok';
  let custom: OriginHandler | undefined;
  let ready = true;
  let aborted = 0;
  let healthChecks = 0;

  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith('/health/')) {
      healthChecks += 1;
      response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ready ? 'ready' : 'degraded' }));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      response.on('close', () => {
        if (!response.writableFinished) aborted += 1;
      });
      if (custom) return custom(request, response, body);
      if (mode === 'hang') return;
      if (mode === 'reset') return void request.socket.destroy();
      if (mode === 'fail') {
        return void response.writeHead(500, { 'content-type': 'application/problem+json', 'x-origin': name }).end(JSON.stringify({ status: 500, title: 'Internal Server Error', origin: name }));
      }
      response.writeHead(200, { 'content-type': 'application/json', 'x-origin': name, 'x-request-id': 'origin-made-this-up' });
      response.end(JSON.stringify({ origin: name, method: request.method, url: request.url, headers: request.headers, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    name,
    url: `http://127.0.0.1:${port}`,
    requests,
    get aborted() {
      return aborted;
    },
    get healthChecks() {
      return healthChecks;
    },
    behave(next) {
      mode = next;
    },
    handle(handler) {
      custom = handler;
    },
    setReady(next) {
      ready = next;
    },
    reset() {
      requests.length = 0;
      aborted = 0;
      mode = 'ok';
      custom = undefined;
      ready = true;
    },
    kill() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
    revive() {
      return new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    close() {
      if (!server.listening) return Promise.resolve();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A base URL on which nothing listens (connections are refused). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
