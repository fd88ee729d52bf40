import { startFixture, type Fixture } from '../test/fixture.ts';
import { send } from '../test/gateway.ts';

const APP = 'https://app.orderly.test';
let f: Fixture;

beforeAll(async () => {
  f = await startFixture({ CORS_ORIGINS: `${APP}, http://localhost:5173`, RATE_LIMIT_MAX: '1' });
});
afterAll(() => f.close());
beforeEach(() => f.reset());

const preflight = (origin: string, url = `${f.url}/v1/orders/42`) =>
  send(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });

describe('CORS', () => {
  it('when an allowed origin sends a preflight to a protected route, then the gateway grants it itself: no 401, no origin asked, no budget used', async () => {
    const results = [await preflight(APP), await preflight(APP)];

    for (const res of results) {
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers['access-control-allow-methods']).toContain('POST');
      expect(res.headers['access-control-allow-headers']).toContain('authorization');
      expect(res.headers['access-control-max-age']).toBe('600');
      expect(res.headers.vary).toContain('Origin');
    }
    expect(f.upstreamRequests()).toBe(0);
  });

  it('when an origin not on the list sends a preflight, then it gets no CORS grant and nothing is proxied', async () => {
    const res = await preflight('https://evil.test');

    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(f.upstreamRequests()).toBe(0);
  });

  it('when an allowed origin sends a request, then the answer names it and exposes the request id and rate-limit fields', async () => {
    const res = await send(`${f.url}/v1/orders`, { headers: { origin: APP, authorization: `Bearer ${f.token}` } });

    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(res.headers['access-control-expose-headers']).toContain('ratelimit');
    expect(res.headers['access-control-expose-headers']).toContain('x-request-id');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('when an error answers an allowed origin, then the browser may read it too', async () => {
    const res = await send(`${f.url}/v1/orders`, { headers: { origin: 'http://localhost:5173' } });

    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('when CORS_ORIGINS is empty, then no origin is granted, and a preflight still never reaches auth or a service', async () => {
    const closed = await startFixture();
    try {
      const res = await send(`${closed.url}/v1/orders/42`, { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'GET' } });

      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(closed.upstreamRequests()).toBe(0);
    } finally {
      await closed.close();
    }
  });
});
