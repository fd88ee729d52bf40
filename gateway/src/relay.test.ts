import { setTimeout as sleep } from 'node:timers/promises';
import { startFixture, type Fixture } from '../test/fixture.ts';
import { eventually, send, type Sent } from '../test/gateway.ts';

/** Breakers that open after 4 requests and try again after 2 s; upstream time-out 300 ms. */
const ENV = { BREAKER_VOLUME_THRESHOLD: '4', BREAKER_RESET_TIMEOUT_MS: '2000', UPSTREAM_TIMEOUT_MS: '300', RATE_LIMIT_MAX: '100000' };
const VOLUME = 4;
/** Reset time-out of the half-open tests, which wait it out. */
const SHORT_RESET = { ...ENV, BREAKER_RESET_TIMEOUT_MS: '300' };

let f: Fixture;
const get = (path = '/v1/orders'): Promise<Sent> => send(f.url + path, { headers: { authorization: `Bearer ${f.token}` } });
const times = <T>(count: number, run: () => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: count }, run));
const metric = async (line: string) => Number(new RegExp(`^${line} (\\S+)$`, 'm').exec((await send(`${f.url}/metrics`)).body)?.[1]);
const breakerOf = async (service: string) => ((await send(`${f.url}/health/services`)).json().services as Record<string, { breaker: string }>)[service]!.breaker;

async function restartWith(env: Record<string, string>): Promise<void> {
  await f.close();
  f = await startFixture(env);
}

async function openOrdersBreaker(): Promise<void> {
  f.orders.behave('fail');
  await times(VOLUME, () => get());
  await eventually(async () => expect(await breakerOf('orders')).toBe('open'));
  f.orders.reset();
}

beforeEach(async () => {
  f = await startFixture(ENV);
});
afterEach(() => f.close());

describe('circuit breaking through the gateway', () => {
  it('when the breaker is open, then requests get a 503 problem with Retry-After and none reaches the origin', async () => {
    await openOrdersBreaker();

    const answers = await times(5, () => get());

    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^[12]$/);
      expect(res.json()).toMatchObject({ type: 'https://orderly.dev/problems/upstream-circuit-open', status: 503 });
    }
    expect(f.orders.requests).toHaveLength(0);
  });

  it('when the service answers 5xx, then the client gets its own answer and the failures trip the breaker', async () => {
    f.orders.behave('fail');

    const answers = await times(VOLUME, () => get());

    expect(answers.map((res) => [res.status, res.json().origin])).toEqual(Array(VOLUME).fill([500, 'orders']));
    await eventually(async () => expect(await breakerOf('orders')).toBe('open'));
  });

  it('when half-open, then exactly one request reaches the origin while the others get 503, and its success closes the breaker', async () => {
    await restartWith(SHORT_RESET);
    await openOrdersBreaker();
    await sleep(350);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    f.orders.handle((_request, response) => void held.then(() => response.writeHead(200).end('{}')));

    const pending = Array.from({ length: 5 }, () => get());
    const early: number[] = [];
    for (const answer of pending) void answer.then((res) => early.push(res.status));
    await eventually(() => expect(early).toEqual([503, 503, 503, 503]));
    release();
    const answers = await Promise.all(pending);

    expect(answers.map((res) => res.status).sort()).toEqual([200, 503, 503, 503, 503]);
    expect(f.orders.requests).toHaveLength(1);
    expect(await breakerOf('orders')).toBe('closed');
    expect((await get()).status).toBe(200);
  });

  it('when the half-open trial fails, then the breaker opens again and the origin sees nothing more', async () => {
    await restartWith(SHORT_RESET);
    await openOrdersBreaker();
    await sleep(350);
    f.orders.behave('fail');

    expect((await get()).status).toBe(500);
    expect((await get()).status).toBe(503);
    expect(f.orders.requests).toHaveLength(1);
  });

  it('when the service answers 4xx, then however many, the breaker never opens', async () => {
    f.orders.handle((_request, response) => void response.writeHead(409, { 'content-type': 'application/problem+json' }).end('{}'));

    const answers = await times(VOLUME * 5, () => get());

    expect(answers.every((res) => res.status === 409)).toBe(true);
    expect(f.orders.requests).toHaveLength(VOLUME * 5);
    expect(await breakerOf('orders')).toBe('closed');
  });

  it('when fewer requests than the minimum volume failed, then the breaker stays closed', async () => {
    f.orders.behave('fail');
    await times(VOLUME - 1, () => get());
    f.orders.behave('ok');

    const answers = await times(5, () => get());

    expect(answers.every((res) => res.status === 200)).toBe(true);
    expect(await breakerOf('orders')).toBe('closed');
  });

  it('when the service times out, then each 504 counts and the breaker opens; aborted requests are the only ones it saw', async () => {
    f.orders.behave('hang');

    const answers = await times(VOLUME, () => get());

    expect(answers.every((res) => res.status === 504)).toBe(true);
    await eventually(() => expect(f.orders.aborted).toBe(VOLUME));
    expect((await get()).status).toBe(503);
    expect(f.orders.requests).toHaveLength(VOLUME);
  });

  it("when one service hangs and then its breaker opens, then the other services answer as usual meanwhile", async () => {
    await restartWith({ ...ENV, UPSTREAM_TIMEOUT_MS: '1500' });
    f.orders.behave('hang');
    let ordersAnswered = false;
    const hanging = times(VOLUME, () => get()).finally(() => {
      ordersAnswered = true;
    });
    await eventually(() => expect(f.orders.requests).toHaveLength(VOLUME), 1_000);

    const others = await Promise.all([get('/v1/reports/sales'), get('/v1/auth/me'), get('/v1/notifications')]);

    expect(others.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(ordersAnswered).toBe(false);
    expect((await hanging).map((res) => res.status)).toEqual(Array(VOLUME).fill(504));
    await eventually(async () => expect(await breakerOf('orders')).toBe('open'));
    expect((await Promise.all([get('/v1/reports/sales'), get('/v1/auth/me')])).map((res) => res.status)).toEqual([200, 200]);
    expect(await breakerOf('reporting')).toBe('closed');
  });

  it('when the breaker changed state and refused requests, then /metrics and /health/services tell', async () => {
    await openOrdersBreaker();
    await times(3, () => get());

    expect(await metric('orderly_gateway_breaker_state\\{service="orders"\\}')).toBe(2);
    expect(await metric('orderly_gateway_breaker_state\\{service="auth"\\}')).toBe(0);
    expect(await metric('orderly_gateway_breaker_transitions_total\\{service="orders",to="open"\\}')).toBe(1);
    expect(await metric('orderly_gateway_breaker_rejections_total\\{service="orders"\\}')).toBe(3);
    const health = (await send(`${f.url}/health/services`)).json() as { services: Record<string, object> };
    expect(health.services.orders).toMatchObject({ status: 'down', breaker: 'open' });
  });
});
