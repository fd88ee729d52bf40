import { startFixture, startJwksOrigin, type Fixture } from '../test/fixture.ts';
import { eventually, send, startGateway } from '../test/gateway.ts';
import { closedPortUrl } from '../test/origin.ts';
import { createSigningKey, jwksOf, JWKS_PATH, signAccessToken } from '../test/tokens.ts';

let f: Fixture;

beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.close());
beforeEach(() => f.reset());

describe('public routes', () => {
  it.each([
    ['POST', '/v1/auth/register'],
    ['POST', '/v1/auth/login'],
    ['POST', '/v1/auth/refresh'],
    ['POST', '/v1/auth/logout'],
    ['GET', '/v1/auth/.well-known/jwks.json'],
    ['HEAD', '/v1/auth/.well-known/jwks.json'],
  ])('when %s %s comes without a token, then it reaches the auth origin', async (method, path) => {
    const res = await send(f.url + path, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });

    expect(res.status).toBe(200);
    expect(f.auth.requests).toHaveLength(1);
  });

  it.each(['/health/live', '/health/ready', '/health/services', '/metrics'])('when %s is asked without a token, then it answers 200', async (path) => {
    expect((await send(f.url + path)).status).toBe(200);
  });
});

describe('protected routes', () => {
  it.each([
    ['GET', '/v1/auth/me'],
    ['PUT', '/v1/auth/users/1/roles'],
    ['GET', '/v1/auth/login'],
    ['POST', '/v1/auth/login/'],
    ['POST', '/v1/orders'],
    ['GET', '/v1/notifications/stream'],
    ['GET', '/v1/reports/sales/daily'],
  ])('when %s %s comes without a token, then it answers a 401 problem and no origin is asked', async (method, path) => {
    const res = await send(f.url + path, { method });

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 401, type: 'https://orderly.dev/problems/unauthorized', requestId: res.headers['x-request-id'] });
    expect(f.upstreamRequests()).toBe(0);
  });

  it.each([
    ['garbage', async () => 'not-a-jwt'],
    ['expired', async () => signAccessToken(f.key, { expiresIn: -120 })],
    ['for another audience', async () => signAccessToken(f.key, { audience: 'someone-else' })],
    ['from another issuer', async () => signAccessToken(f.key, { issuer: 'evil' })],
    ['signed by another key under the known kid', async () => signAccessToken(await createSigningKey('test-key-1'))],
    ['signed by a key the JWKS does not list', async () => signAccessToken(await createSigningKey('unknown-kid'))],
  ])('when the token is %s, then it answers a 401 problem and no origin is asked', async (_case, token) => {
    const res = await send(`${f.url}/v1/orders`, { headers: { authorization: `Bearer ${await token()}` } });

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.json()).toMatchObject({ status: 401, detail: 'The bearer token is invalid or expired.' });
    expect(f.upstreamRequests()).toBe(0);
  });

  it('when the token is valid, then the request passes with its Authorization header unchanged', async () => {
    const authorization = `Bearer ${f.token}`;

    const res = await send(`${f.url}/v1/orders/42`, { headers: { authorization } });

    expect(res.status).toBe(200);
    expect(f.orders.requests[0]!.headers.authorization).toBe(authorization);
  });
});

describe('when the signing keys cannot be fetched', () => {
  it('then the gateway starts, a well-formed token gets a 503 problem with Retry-After, and no origin is asked', async () => {
    const gateway = await startGateway({ ORDERS_URL: f.orders.url, JWKS_URL: `${await closedPortUrl()}${JWKS_PATH}` });
    try {
      const res = await send(`${gateway.url}/v1/orders`, { headers: { authorization: `Bearer ${f.token}` } });

      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.json()).toMatchObject({ status: 503, type: 'https://orderly.dev/problems/auth-unavailable' });
      expect((await send(`${gateway.url}/v1/orders`, { headers: { authorization: 'Bearer junk' } })).status).toBe(401);
      expect((await send(`${gateway.url}/health/ready`)).status).toBe(200);
      expect(f.upstreamRequests()).toBe(0);
    } finally {
      await gateway.close();
    }
  });

  it('then, once the JWKS answers, the same token is accepted without a restart', async () => {
    const jwks = await startJwksOrigin(f.key);
    jwks.handle(undefined);
    jwks.behave('reset');
    const gateway = await startGateway({ ORDERS_URL: f.orders.url, JWKS_URL: `${jwks.url}${JWKS_PATH}` });
    const authorization = `Bearer ${f.token}`;
    try {
      expect((await send(`${gateway.url}/v1/orders`, { headers: { authorization } })).status).toBe(503);

      jwks.handle((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(jwksOf(f.key));
      });

      await eventually(async () => {
        expect((await send(`${gateway.url}/v1/orders`, { headers: { authorization } })).status).toBe(200);
      });
    } finally {
      await gateway.close();
      await jwks.close();
    }
  });
});
