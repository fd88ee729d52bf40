import { uniqueTestName } from '@orderly/testing';
import { startFixture, type Fixture } from '../test/fixture.ts';
import { send, startGateway, type Sent, type TestGateway } from '../test/gateway.ts';
import { JWKS_PATH, signAccessToken } from '../test/tokens.ts';

let f: Fixture;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const statuses = (responses: Sent[]) => responses.map((res) => res.status);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

beforeAll(async () => {
  f = await startFixture({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '60s' });
});
afterAll(() => f.close());
beforeEach(() => f.reset());

/** A gateway in front of the fixture's origins; same `prefix` = same shared budgets. */
function gatewayFor(env: Record<string, string>): Promise<TestGateway> {
  return startGateway({ ORDERS_URL: f.orders.url, AUTH_URL: f.auth.url, JWKS_URL: `${f.jwks.url}${JWKS_PATH}`, ...env });
}

describe('headers and refusals', () => {
  it('when requests stay within the budget, then each carries the IETF RateLimit-Policy and RateLimit fields', async () => {
    const token = await signAccessToken(f.key, { sub: 'user-headers' });

    const first = await send(`${f.url}/v1/orders`, { headers: bearer(token) });
    const second = await send(`${f.url}/v1/orders`, { headers: bearer(token) });

    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"default";q=3;w=60');
    expect(first.headers['ratelimit']).toBe('"default";r=2;t=60');
    expect(second.headers['ratelimit']).toMatch(/^"default";r=1;t=(59|60)$/);
  });

  it('when the budget is spent, then a 429 problem with Retry-After answers and the origin is not asked', async () => {
    const token = await signAccessToken(f.key, { sub: 'user-spender' });
    for (let i = 0; i < 3; i += 1) await send(`${f.url}/v1/orders`, { headers: bearer(token) });
    f.reset();

    const res = await send(`${f.url}/v1/orders`, { headers: bearer(token) });

    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 429, type: 'https://orderly.dev/problems/rate-limited', requestId: res.headers['x-request-id'] });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(res.headers['ratelimit']).toMatch(/^"default";r=0;t=(59|60)$/);
    expect(f.upstreamRequests()).toBe(0);
  });
});

describe('keys', () => {
  it('when two users call from one address, then each has a budget of their own', async () => {
    const [alice, bob] = await Promise.all([signAccessToken(f.key, { sub: 'user-a' }), signAccessToken(f.key, { sub: 'user-b' })]);

    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await send(`${f.url}/v1/orders`, { headers: bearer(i < 3 ? alice : bob) }));

    expect(statuses(results)).toEqual([200, 200, 200, 200]);
  });

  it('when tokens are forged or missing, then the client address pays for them and edge auth still answers 401', async () => {
    const gateway = await gatewayFor({ RATE_LIMIT_MAX: '2' });
    try {
      const forged = `${await signAccessToken(f.key, { sub: 'victim' })}x`;
      const results = [];
      for (const headers of [bearer(forged), {}, bearer(forged)]) results.push(await send(`${gateway.url}/v1/orders`, { headers }));

      expect(statuses(results)).toEqual([401, 401, 429]);
      // The victim's own budget is untouched.
      const victim = await send(`${gateway.url}/v1/orders`, { headers: bearer(await signAccessToken(f.key, { sub: 'victim' })) });
      expect(victim.headers['ratelimit']).toBe('"default";r=1;t=60');
    } finally {
      await gateway.close();
    }
  });

  it('when X-Forwarded-For comes from a trusted proxy, then each client behind it has its own budget; otherwise it is ignored', async () => {
    const trusted = await gatewayFor({ RATE_LIMIT_MAX: '1', TRUST_PROXY: '127.0.0.1' });
    const untrusted = await gatewayFor({ RATE_LIMIT_MAX: '1' });
    try {
      const via = (gateway: TestGateway, client: string) => send(`${gateway.url}/v1/auth/.well-known/jwks.json`, { headers: { 'x-forwarded-for': client } });

      expect(statuses([await via(trusted, '203.0.113.1'), await via(trusted, '203.0.113.2'), await via(trusted, '203.0.113.1')])).toEqual([200, 200, 429]);
      expect(statuses([await via(untrusted, '203.0.113.1'), await via(untrusted, '203.0.113.2')])).toEqual([200, 429]);
    } finally {
      await Promise.all([trusted.close(), untrusted.close()]);
    }
  });
});

describe('shared by every replica', () => {
  it('when one user’s requests are split across two gateways, then exactly the budget passes', async () => {
    const shared = { RATE_LIMIT_MAX: '10', RATE_LIMIT_WINDOW: '60s', REDIS_KEY_PREFIX: `${uniqueTestName('gateway_test')}:` };
    const gateways = await Promise.all([gatewayFor(shared), gatewayFor(shared)]);
    try {
      const token = await signAccessToken(f.key, { sub: 'user-split' });

      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => send(`${gateways[i % 2]!.url}/v1/orders`, { headers: bearer(token) })),
      );

      expect(statuses(results).filter((status) => status === 200)).toHaveLength(10);
      expect(statuses(results).filter((status) => status === 429)).toHaveLength(20);
      expect(f.orders.requests).toHaveLength(10);
    } finally {
      await Promise.all(gateways.map((gateway) => gateway.close()));
    }
  });

  it('when the budget is spent at the end of a window and again at the start of the next, then no window-length interval passes more than the budget', async () => {
    const shared = { RATE_LIMIT_MAX: '10', RATE_LIMIT_WINDOW: '2s', REDIS_KEY_PREFIX: `${uniqueTestName('gateway_test')}:` };
    const gateways = await Promise.all([gatewayFor(shared), gatewayFor(shared)]);
    try {
      const token = await signAccessToken(f.key, { sub: 'user-boundary' });
      const burst = (size: number) =>
        Promise.all(Array.from({ length: size }, (_, i) => send(`${gateways[i % 2]!.url}/v1/orders`, { headers: bearer(token) })));
      // Start just after a 2 s boundary of the clock: where a fixed window (aligned, or opened by
      // the first request) would reset 2 s later and let a second full budget through.
      await sleep(2_000 - (Date.now() % 2_000) + 50);
      const startedAt = Date.now();

      const opening = await burst(1);
      const openedBy = Date.now();
      await sleep(startedAt + 1_800 - Date.now());
      const endOfWindow = await burst(9);
      await sleep(Math.max(startedAt + 2_100, openedBy + 2_050) - Date.now());
      const startOfNext = await burst(10);

      expect(statuses([...opening, ...endOfWindow])).toEqual(new Array(10).fill(200));
      // Within [1.8 s, 2.1 s] only the slot of the opening request (now 2 s old) has freed up.
      expect(statuses(startOfNext).filter((status) => status === 200)).toHaveLength(1);
    } finally {
      await Promise.all(gateways.map((gateway) => gateway.close()));
    }
  });
});
