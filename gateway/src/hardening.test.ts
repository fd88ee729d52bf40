/**
 * The gateway as a public edge: security headers on everything it answers, the default body
 * limit, slow clients cut off, hop-by-hop headers kept to their own side, and event streams that
 * pass through unbuffered for longer than any request or upstream time-out.
 */
import net from 'node:net';
import { startFixture, type Fixture } from '../test/fixture.ts';
import { open, send } from '../test/gateway.ts';

const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 600;
let f: Fixture;
const bearer = () => ({ authorization: `Bearer ${f.token}` });

beforeAll(async () => {
  f = await startFixture({
    CLIENT_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    CLIENT_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    UPSTREAM_TIMEOUT_MS: '300',
    UPSTREAM_IDLE_TIMEOUT_MS: '400',
  });
});
afterAll(() => f.close());
beforeEach(() => f.reset());

/** Sends `head` on a raw connection, then `tail` one byte every `everyMs`; resolves when the gateway closes it. */
function trickle(head: string, tail: string, everyMs: number): Promise<{ answer: string; closedAfterMs: number; trickled: number }> {
  const socket = net.connect(Number(new URL(f.url).port), '127.0.0.1');
  const startedAt = performance.now();
  let answer = '';
  let trickled = 0;
  socket.write(head);
  const timer = setInterval(() => {
    if (trickled < tail.length && !socket.destroyed) socket.write(tail[trickled++]!);
  }, everyMs);
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.on('error', () => {});
  return new Promise((resolve) => {
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: performance.now() - startedAt, trickled });
    });
  });
}

describe('security headers', () => {
  it('when a service answers without any, then the proxied answer carries the gateway’s security headers', async () => {
    f.orders.handle((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));

    const res = await send(`${f.url}/v1/orders`, { headers: bearer() });

    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': expect.stringContaining('max-age='),
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
  });
});

describe('body limit', () => {
  it('when a body exceeds the default 1 MiB, then a 413 problem answers and no service is asked', async () => {
    const res = await send(`${f.url}/v1/orders`, { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body: 'x'.repeat(1024 * 1024 + 1) });

    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(f.upstreamRequests()).toBe(0);
  });
});

describe('slow clients', () => {
  it('when a client sends its headers byte by byte, then it is answered 408 and cut off at the headers time-out', async () => {
    const request = `GET /v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${f.token}\r\n${'X-Pad: y\r\n'.repeat(20)}\r\n`;

    const { answer, closedAfterMs, trickled } = await trickle('', request, 20);

    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(trickled).toBeLessThan(request.length);
    expect(closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 20);
    expect(closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 1_000);
    expect(f.upstreamRequests()).toBe(0);
  });

  it('when a client trickles its body, then it is cut off at the request time-out and the service never gets the whole request', async () => {
    const head = `POST /v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${f.token}\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n`;

    const { closedAfterMs, trickled } = await trickle(head, 'z'.repeat(1000), 20);

    expect(trickled).toBeLessThan(1000);
    expect(closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 20);
    expect(closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000);
    expect(f.orders.requests).toHaveLength(0);
  });
});

describe('hop-by-hop headers', () => {
  it('when a client sends connection-scoped headers, then the request still goes through and the service sees none of them', async () => {
    const res = await send(`${f.url}/v1/orders`, {
      headers: {
        ...bearer(),
        'keep-alive': 'timeout=5',
        'proxy-connection': 'keep-alive',
        'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
        te: 'gzip',
        upgrade: 'websocket',
        connection: 'x-secret',
        'x-secret': '1',
      },
    });

    expect(res.status).toBe(200);
    const received = f.orders.requests[0]!.headers;
    for (const name of ['keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'upgrade', 'x-secret']) expect(received[name]).toBeUndefined();
  });

  it('when a service answers with connection-scoped headers, then the client sees none of them', async () => {
    f.orders.handle((_request, response) => {
      const hopByHop = { 'keep-alive': 'timeout=1', 'proxy-connection': 'close', trailer: 'x-t', upgrade: 'h2c', connection: 'x-up', 'x-up': 'secret' };
      response.writeHead(200, { 'content-type': 'text/plain', ...hopByHop });
      response.end('ok');
    });

    const res = await send(`${f.url}/v1/orders`, { headers: bearer() });

    expect(res.body).toBe('ok');
    for (const name of ['proxy-connection', 'trailer', 'upgrade', 'x-up']) expect(res.headers[name]).toBeUndefined();
    expect(res.headers['keep-alive']).not.toBe('timeout=1');
  });
});

describe('event streams', () => {
  it('when a service streams events with heartbeats, then each arrives as sent, past every request and upstream time-out', async () => {
    const events = 12;
    f.notifications.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let sent = 0;
      const timer = setInterval(() => {
        sent += 1;
        response.write(sent % 2 === 0 ? ': heartbeat\n\n' : `data: ${sent}\n\n`);
        if (sent === events) {
          clearInterval(timer);
          response.end();
        }
      }, 100);
    });

    const response = await open(`${f.url}/v1/notifications/stream`, { headers: bearer() });
    const startedAt = performance.now();
    const arrivals: number[] = [];
    let text = '';
    for await (const chunk of response) {
      arrivals.push(performance.now() - startedAt);
      text += (chunk as Buffer).toString();
    }

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(text.match(/data: \d+/g)).toHaveLength(events / 2);
    expect(text).toContain(': heartbeat');
    // Unbuffered: the chunks arrive spread over the stream's life (> 1 s, beyond every time-out).
    expect(arrivals.length).toBeGreaterThanOrEqual(events - 2);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(900);
  });
});
