import { createTcpProxy, testInfra, type TcpProxy } from '@orderly/testing';
import { startFixture, type Fixture } from '../test/fixture.ts';
import { eventually, send, type Sent } from '../test/gateway.ts';
import { createStallingProxy, type StallingProxy } from '../test/stalling-proxy.ts';

const COMMAND_TIMEOUT_MS = 100;
/** What a request may cost beyond the Redis command time-out on a loaded test machine. */
const SLACK_MS = 900;
const env = { REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS), RATE_LIMIT_MAX: '100', LOGIN_RATE_LIMIT_MAX: '2', LOGIN_RATE_LIMIT_WINDOW: '60s' };
const json = { 'content-type': 'application/json' };

async function timed(request: Promise<Sent>): Promise<[Sent, number]> {
  const startedAt = performance.now();
  const res = await request;
  return [res, performance.now() - startedAt];
}

describe('when Redis goes away', () => {
  let proxy: TcpProxy;
  let f: Fixture;
  const bearer = () => ({ authorization: `Bearer ${f.token}` });

  beforeAll(async () => {
    const { redisUrl } = await testInfra();
    proxy = await createTcpProxy(redisUrl);
    f = await startFixture({ ...env, REDIS_URL: proxy.wrap(redisUrl) });
  });
  afterAll(async () => {
    await f.close();
    await proxy.close();
  });

  it('then general traffic is served at once without a RateLimit field, counted as failed open, and readiness stays 200', async () => {
    // Redis through the proxy is connected once a request is counted there.
    await eventually(async () => {
      expect((await send(`${f.url}/v1/orders`, { headers: bearer() })).headers['ratelimit']).toBeDefined();
    });
    await proxy.stop();

    const [res, elapsedMs] = await timed(send(`${f.url}/v1/orders`, { headers: bearer() }));

    expect(res.status).toBe(200);
    expect(elapsedMs).toBeLessThan(COMMAND_TIMEOUT_MS + SLACK_MS);
    expect(res.headers['ratelimit-policy']).toBe('"default";q=100;w=60');
    expect(res.headers['ratelimit']).toBeUndefined();
    const metrics = (await send(`${f.url}/metrics`)).body;
    expect(metrics).toMatch(/orderly_gateway_rate_limit_decisions_total\{policy="default",decision="failed_open"\} [1-9]/);
    const ready = await send(`${f.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ checks: { redis: 'down' } });
  });

  it('then login is still limited, by the in-process fallback', async () => {
    const attempt = () => send(`${f.url}/v1/auth/login`, { method: 'POST', headers: json, body: '{"email":"fallback@x.test","password":"p"}' });

    const results = [await attempt(), await attempt(), await attempt()];

    expect(results.map((res) => res.status)).toEqual([200, 200, 429]);
    expect(results[2]!.headers['retry-after']).toBeDefined();
    expect((await send(`${f.url}/metrics`)).body).toMatch(/decision="fallback_limited"\} 1/);
  });

  it('then, once Redis is back, limits are shared again', async () => {
    await proxy.start();

    await eventually(async () => {
      expect((await send(`${f.url}/v1/orders`, { headers: bearer() })).headers['ratelimit']).toMatch(/^"default";r=\d+;t=\d+$/);
    });
    expect((await send(`${f.url}/health/ready`)).json()).toMatchObject({ checks: { redis: 'up' } });
  });
});

describe('when Redis stops answering', () => {
  let proxy: StallingProxy;
  let f: Fixture;

  beforeAll(async () => {
    proxy = await createStallingProxy((await testInfra()).redisUrl);
    f = await startFixture({ ...env, REDIS_URL: proxy.url });
  });
  afterAll(async () => {
    await f.close();
    await proxy.close();
  });

  it('then each request waits at most the command time-out, general traffic passes and login falls back', async () => {
    proxy.stall();

    const [general, generalMs] = await timed(send(`${f.url}/v1/orders`, { headers: { authorization: `Bearer ${f.token}` } }));
    const attempt = () => timed(send(`${f.url}/v1/auth/login`, { method: 'POST', headers: json, body: '{"email":"slow@x.test"}' }));
    const logins = [await attempt(), await attempt(), await attempt()];

    expect(general.status).toBe(200);
    expect(generalMs).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 5);
    expect(generalMs).toBeLessThan(COMMAND_TIMEOUT_MS + SLACK_MS);
    expect(logins.map(([res]) => res.status)).toEqual([200, 200, 429]);
    for (const [, ms] of logins) expect(ms).toBeLessThan(COMMAND_TIMEOUT_MS + SLACK_MS);
    proxy.resume();
  });
});
