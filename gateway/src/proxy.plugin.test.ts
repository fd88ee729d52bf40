import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { startFixture, type Fixture } from '../test/fixture.ts';
import { eventually, open, send, startGateway } from '../test/gateway.ts';
import { startOrigin } from '../test/origin.ts';
import { loadGatewayConfig } from './config.ts';
import proxy from './proxy.plugin.ts';
import { guardUpstream } from './upstream-guards.ts';
import { createUpstreamMetrics } from './upstream-metrics.ts';
import { createUpstream } from './upstreams.ts';

let f: Fixture;
const bearer = () => ({ authorization: `Bearer ${f.token}` });
/** Sends `path` exactly as written (a URL string would be normalised by the client first). */
const sendRaw = (path: string) =>
  new Promise<IncomingMessage>((resolve, reject) => {
    const { port } = new URL(f.url);
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: bearer(), agent: false }, (res) => res.resume().on('end', () => resolve(res)));
    req.on('error', reject);
    req.end();
  });

beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.close());
beforeEach(() => f.reset());

describe('routing', () => {
  it.each([
    ['auth', '/v1/auth/me?expand=roles'],
    ['orders', '/v1/orders/0190a5a0-0000-7000-8000-00000000000a/cancel?reason=a%20b&x=1&x=2&flag'],
    ['orders', '/v1/orders?status=pending&limit=5&cursor=abc%3D%3D'],
    ['orders', '/v1/orders/a%2Fb%20c/items'],
    ['notifications', '/v1/notifications/stream'],
    ['reporting', '/v1/reports/sales/daily?from=2025-01-01&to=2025-01-31'],
  ] as const)('when %s is asked for %s, then that origin alone receives the path and query unchanged', async (service, path) => {
    const res = await send(f.url + path, { headers: bearer() });

    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ origin: service, url: path });
    expect(f[service].requests).toHaveLength(1);
    expect(f.upstreamRequests()).toBe(1);
  });

  it('when a body is posted to /v1/orders, then method, body and content type reach the origin', async () => {
    const body = JSON.stringify({ items: [{ sku: 'A-1', quantity: 2, unitPriceCents: 150 }], currency: 'EUR' });

    const res = await send(`${f.url}/v1/orders`, { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body });

    expect(res.status).toBe(200);
    expect(f.orders.requests[0]).toMatchObject({ method: 'POST', url: '/v1/orders', body });
    expect(f.orders.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it("when the gateway's OpenAPI document is read, then it shows no catch-all proxy route", async () => {
    const res = await send(`${f.url}/openapi.json`);

    expect(Object.keys(res.json().paths as object)).toEqual([]);
  });

  it.each([
    '/v1/orders/../auth/me',
    '/v1/orders/%2e%2e/%2E%2E/internal',
    '/v1/orders/..%2f..%2finternal',
    '/v1/orders/..\\..\\internal',
    '/v1/orders/x/%2e.',
  ])('when the path %s could leave the prefix, then it answers a 400 problem and no origin is asked', async (path) => {
    const res = await sendRaw(path);

    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(f.upstreamRequests()).toBe(0);
  });

  it('when dots and escapes stay inside the prefix, then the path is forwarded byte for byte', async () => {
    const path = '/v1/orders/a.b/..c/%2E%2E.x/%41/.../?x=../..';

    const res = await sendRaw(path);

    expect(res.statusCode).toBe(200);
    expect(f.orders.requests[0]!.url).toBe(path);
  });

  it('when the path is under no prefix, then it answers a 404 problem and no origin is asked', async () => {
    const res = await send(`${f.url}/v1/ordersX`, { headers: bearer() });

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, instance: '/v1/ordersX', requestId: res.headers['x-request-id'] });
    expect(f.upstreamRequests()).toBe(0);
  });
});

describe('headers', () => {
  it('when the client sends a sane x-request-id, then it is returned and forwarded, whatever the origin says', async () => {
    const res = await send(`${f.url}/v1/orders`, { headers: { ...bearer(), 'x-request-id': 'client-id.42' } });

    expect(res.headers['x-request-id']).toBe('client-id.42');
    expect(f.orders.requests[0]!.headers['x-request-id']).toBe('client-id.42');
  });

  it('when the client sends no usable x-request-id, then the generated one is returned and forwarded', async () => {
    const res = await send(`${f.url}/v1/orders`, { headers: { ...bearer(), 'x-request-id': 'not sane!' } });

    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(f.orders.requests[0]!.headers['x-request-id']).toBe(id);
  });

  it('when a client sends identity and forwarding headers, then identity ones are stripped and forwarding ones replaced', async () => {
    await send(`${f.url}/v1/orders`, {
      headers: {
        ...bearer(),
        host: 'api.orderly.test',
        'x-user-id': 'admin-id',
        'x-user-roles': 'admin',
        'x-authenticated-user': 'admin',
        'x-authenticated-userid': 'admin-id',
        'x-identity-roles': 'admin',
        'x-roles': 'admin',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.test',
        'x-custom': 'kept',
      },
    });

    const received = f.orders.requests[0]!.headers;
    for (const name of ['x-user-id', 'x-user-roles', 'x-authenticated-user', 'x-authenticated-userid', 'x-identity-roles', 'x-roles']) {
      expect(received[name]).toBeUndefined();
    }
    expect(received).toMatchObject({
      authorization: `Bearer ${f.token}`,
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'api.orderly.test',
      'x-custom': 'kept',
    });
  });

  it('when the request comes through a trusted proxy, then its forwarding chain is extended', async () => {
    const trusted = await startGateway({ ORDERS_URL: f.orders.url, JWKS_URL: `${f.jwks.url}/v1/auth/.well-known/jwks.json`, TRUST_PROXY: '127.0.0.0/8' });
    try {
      await send(`${trusted.url}/v1/orders`, {
        headers: { ...bearer(), 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.orderly.test' },
      });

      expect(f.orders.requests[0]!.headers).toMatchObject({
        'x-forwarded-for': '203.0.113.7, 127.0.0.1',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'api.orderly.test',
      });
    } finally {
      await trusted.close();
    }
  });
});

describe('upstream answers', () => {
  it('when the origin answers a problem, then status, content type and body pass through untouched', async () => {
    const problem = JSON.stringify({ type: 'https://orderly.dev/problems/order-not-cancellable', title: 'Conflict', status: 409, detail: 'Order is shipped.' });
    f.orders.handle((_request, response) => {
      response.writeHead(409, { 'content-type': 'application/problem+json', 'x-upstream': 'orders' }).end(problem);
    });

    const res = await send(`${f.url}/v1/orders/1/cancel`, { method: 'POST', headers: bearer() });

    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['x-upstream']).toBe('orders');
    expect(res.body).toBe(problem);
  });

  it('when the origin sends a large body of known length, then it streams through intact', async () => {
    const body = Buffer.alloc(300 * 1024, 'abcdefghij');
    f.reporting.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/csv', 'content-length': body.length });
      response.end(body);
    });

    const res = await send(`${f.url}/v1/reports/export.csv`, { headers: bearer() });

    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(body.length));
    expect(res.body).toBe(body.toString());
  });

  it('when the origin breaks off a small body, then the client gets a 502 problem, not a truncated answer', async () => {
    f.orders.handle((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      response.write('{"partial":');
      setTimeout(() => request.socket.destroy(), 20);
    });

    const res = await send(`${f.url}/v1/orders/1`, { headers: bearer() });

    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ type: 'https://orderly.dev/problems/upstream-error' });
  });

  it('when the client asks with HEAD, then status and headers come back without a body', async () => {
    f.orders.handle((_request, response) => void response.writeHead(200, { 'content-type': 'application/json', 'content-length': 42 }).end());

    const res = await send(`${f.url}/v1/orders/1`, { method: 'HEAD', headers: bearer() });

    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('42');
    expect(res.body).toBe('');
    expect(f.orders.requests[0]!.method).toBe('HEAD');
  });

  it('when the origin streams chunks over time, then the client receives the first before the origin writes the next', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    f.notifications.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write('data: one\n\n');
      void released.then(() => response.end('data: two\n\n'));
    });

    const response = await open(`${f.url}/v1/notifications/stream`, { headers: bearer() });
    const chunks: string[] = [];
    const first = await new Promise<string>((resolve) => response.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    chunks.push(first);
    release();
    for await (const chunk of response) chunks.push((chunk as Buffer).toString());

    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(first).toBe('data: one\n\n');
    expect(chunks.join('')).toBe('data: one\n\ndata: two\n\n');
  });

  it('when the client leaves a stream, then the origin sees its connection closed', async () => {
    f.notifications.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': heartbeat\n\n');
    });
    const response = await open(`${f.url}/v1/notifications/stream`, { headers: bearer() });
    await new Promise((resolve) => response.once('data', resolve));

    response.destroy();

    await eventually(() => expect(f.notifications.aborted).toBe(1));
  });
});

describe('the proxy plugin on its own', () => {
  it('when every connection to the instance is busy, then a queued request still gets its 504 within the time-out', async () => {
    const origin = await startOrigin('orders');
    origin.behave('hang');
    const app = Fastify();
    const guard = guardUpstream(createUpstream('orders', '/v1/orders', [origin.url]), loadGatewayConfig({}), createUpstreamMetrics(new Registry()), app.log);
    await app.register(proxy, { ...guard, trust: () => false, timeoutMs: 300, idleTimeoutMs: 0, bodyLimit: 1024, connections: 1 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/orders`;
    try {
      const started = Date.now();

      const statuses = (await Promise.all([send(url), send(url)])).map((res) => res.status);

      expect(statuses).toEqual([504, 504]);
      expect(Date.now() - started).toBeLessThan(550);
      await eventually(() => expect(origin.aborted).toBe(1));
    } finally {
      await app.close();
      guard.breaker.shutdown();
      await origin.close();
    }
  });
});
