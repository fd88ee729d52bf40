import { startJwksOrigin } from '../test/fixture.ts';
import { eventually, send, startGateway, type Sent, type TestGateway } from '../test/gateway.ts';
import { startOrigin, type Origin } from '../test/origin.ts';
import { createSigningKey, JWKS_PATH, signAccessToken } from '../test/tokens.ts';

const BASE_ENV = { UPSTREAM_TIMEOUT_MS: '300', EJECTION_COOLDOWN_MS: '60000', RATE_LIMIT_MAX: '100000' };

let jwks: Origin;
let token: string;
let a: Origin;
let b: Origin;
let gateway: TestGateway;

/** Starts the gateway and waits for the first round of health checks, so that they cannot race a test. */
async function startWith(env: Record<string, string> = {}): Promise<void> {
  gateway = await startGateway({ ORDERS_URL: `${a.url},${b.url}`, JWKS_URL: `${jwks.url}${JWKS_PATH}`, ...BASE_ENV, ...env });
  await eventually(async () => expect((await ordersHealth()).instances.every((instance) => instance.status !== 'unknown')).toBe(true));
}
const call = (method = 'GET', body?: string): Promise<Sent> =>
  send(`${gateway.url}/v1/orders`, { method, body, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) } });
const sequence = async (count: number, method = 'GET'): Promise<number[]> => {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push((await call(method)).status);
  return statuses;
};
const metric = async (name: string) => Number(new RegExp(`^${name}\\{service="orders"\\} (\\S+)$`, 'm').exec((await send(`${gateway.url}/metrics`)).body)?.[1]);
const ordersHealth = async () =>
  ((await send(`${gateway.url}/health/services`)).json().services as Record<string, { instances: Array<Record<string, unknown>> }>).orders!;

beforeAll(async () => {
  const key = await createSigningKey('test-key-1');
  [jwks, token] = await Promise.all([startJwksOrigin(key), signAccessToken(key)]);
});
afterAll(() => jwks.close());
beforeEach(async () => {
  [a, b] = await Promise.all([startOrigin('orders-a'), startOrigin('orders-b')]);
});
afterEach(async () => {
  await gateway.close();
  await Promise.all([a.close(), b.close()]);
});

describe('instances of a service', () => {
  it('when one instance is killed, then the GET that met it is retried on the other, it is ejected and no GET fails', async () => {
    await startWith();
    await sequence(4);
    await a.kill();
    b.reset();

    const statuses = await sequence(10);

    expect(statuses).toEqual(Array(10).fill(200));
    expect(b.requests).toHaveLength(10);
    expect(await metric('orderly_gateway_upstream_retries_total')).toBeGreaterThanOrEqual(1);
    expect(await metric('orderly_gateway_instance_ejections_total')).toBe(1);
    const [first, second] = (await ordersHealth()).instances;
    expect(first).toMatchObject({ instance: 1, inRotation: false, ejectedUntil: expect.any(String) });
    expect(second).toMatchObject({ instance: 2, inRotation: true, ejectedUntil: null });
  });

  it('when a POST meets a killed instance, then it fails with 502 and is not sent to the other instance', async () => {
    await startWith();
    await a.kill();

    const res = await call('POST', '{"items":[]}');

    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ type: 'https://orderly.dev/problems/upstream-error' });
    expect(b.requests).toHaveLength(0);
    expect((await call('POST', '{"items":[]}')).status).toBe(200);
    expect(b.requests).toHaveLength(1);
  });

  it('when an instance drops the connection after receiving a POST, then the POST reached exactly one instance, once', async () => {
    await startWith();
    a.behave('reset');

    const res = await call('POST', '{"items":[]}');

    expect(res.status).toBe(502);
    expect(a.requests.map((request) => request.method)).toEqual(['POST']);
    expect(b.requests).toHaveLength(0);
    expect(await metric('orderly_gateway_upstream_retries_total')).toBe(0);
  });

  it('when a GET times out, then it is answered 504 and not retried (it may have been processed)', async () => {
    await startWith();
    a.behave('hang');

    const res = await call();

    expect(res.status).toBe(504);
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(0);
  });

  it('when the ejected instance is back after the cool-down, then it takes requests again', async () => {
    await startWith({ EJECTION_COOLDOWN_MS: '1000' });
    await a.kill();
    await sequence(2);
    expect((await ordersHealth()).instances[0]).toMatchObject({ inRotation: false, ejectedUntil: expect.any(String) });
    await a.revive();

    await eventually(async () => expect((await ordersHealth()).instances[0]).toMatchObject({ inRotation: true, ejectedUntil: null }));
    await sequence(4);

    expect(a.requests).toHaveLength(2);
  });

  it('when the only instance fails, then it is never ejected and serves again as soon as it is back', async () => {
    await startWith({ ORDERS_URL: a.url });
    await a.kill();
    expect(await sequence(3)).toEqual([502, 502, 502]);

    await a.revive();

    expect(await sequence(2)).toEqual([200, 200]);
    expect(await metric('orderly_gateway_instance_ejections_total')).toBe(0);
  });

  it('when an instance reports itself not ready, then it leaves rotation until it is ready again', async () => {
    await startWith({ HEALTH_CHECK_INTERVAL_MS: '100' });
    b.setReady(false);
    await eventually(async () => expect((await ordersHealth()).instances[1]).toMatchObject({ status: 'down', inRotation: false }));

    await sequence(4);
    expect(b.requests).toHaveLength(0);

    b.setReady(true);
    await eventually(async () => expect((await ordersHealth()).instances[1]).toMatchObject({ status: 'up', inRotation: true }));
    await sequence(4);
    expect(b.requests).toHaveLength(2);
  });
});
