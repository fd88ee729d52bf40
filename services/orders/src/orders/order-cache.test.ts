/**
 * The read cache against a real Redis reached through a TCP proxy, so a test can take Redis away
 * from this service (and give it back) without stopping the shared server.
 */
import { once } from 'node:events';
import { createTcpProxy, testInfra, type TcpProxy } from '@orderly/testing';
import { Redis } from 'ioredis';
import { orderBody, startOrdersForTest, type OrdersTestContext, type TestUser } from '../../test/orders-harness.ts';
import { findOrderById } from './orders.repository.ts';

let ctx: OrdersTestContext;
let proxy: TcpProxy;
let inspect: Redis;
let alice: TestUser;
let admin: TestUser;

beforeAll(async () => {
  const { redisUrl } = await testInfra();
  proxy = await createTcpProxy(redisUrl);
  ctx = await startOrdersForTest({ redisUrl: proxy.wrap(redisUrl) });
  inspect = new Redis(redisUrl, { keyPrefix: ctx.redisPrefix });
  [alice, admin] = [await ctx.newUser(), await ctx.newUser({ admin: true })];
});
afterAll(async () => {
  inspect.disconnect();
  await ctx.close();
  await proxy.close();
});

const newOrder = async () => (await ctx.http('POST', '/v1/orders', { token: alice.token, body: orderBody() })).json();
const get = (id: string, token = alice.token) => ctx.http('GET', `/v1/orders/${id}`, { token });
const cancel = (id: string) => ctx.http('POST', `/v1/orders/${id}/cancel`, { token: alice.token });
const patch = (id: string, status: string) => ctx.http('PATCH', `/v1/orders/${id}/status`, { token: admin.token, body: { status } });

async function counter(name: string, labels = ''): Promise<number> {
  const body = (await ctx.http('GET', '/metrics')).body;
  const line = body.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('order read cache', () => {
  it('when an order is read twice, then the second read is answered by Redis', async () => {
    const order = await newOrder();
    const [hits, misses] = [await counter('orderly_orders_cache_hits_total'), await counter('orderly_orders_cache_misses_total')];
    expect((await get(order.id)).json()).toEqual(order);
    expect((await get(order.id)).json()).toEqual(order);
    expect(await counter('orderly_orders_cache_misses_total')).toBe(misses + 1);
    expect(await counter('orderly_orders_cache_hits_total')).toBe(hits + 1);
    expect(await inspect.get(`order:${order.id}`)).toBe(`${Date.parse(order.updatedAt)}|${JSON.stringify(order)}`);
    expect(await inspect.pttl(`order:${order.id}`)).toBeGreaterThan(0);
  });

  it('when an order is cached, then another customer still gets 404 from the cached copy', async () => {
    const order = await newOrder();
    await get(order.id);
    expect((await get(order.id, (await ctx.newUser()).token)).statusCode).toBe(404);
  });

  it('when every write is followed by a read, then the read always sees that write', async () => {
    const order = await newOrder();
    expect((await get(order.id)).json().status).toBe('pending');
    for (const status of ['confirmed', 'shipped', 'delivered']) {
      const written = (await patch(order.id, status)).json();
      expect((await get(order.id)).json()).toEqual(written);
      expect((await get(order.id)).json()).toEqual(written);
    }
  });

  it('when a slow reader puts the state from before a write back, then the cache refuses it', async () => {
    const order = await newOrder();
    const before = (await findOrderById(ctx.deps.pool, order.id))!;
    expect((await cancel(order.id)).statusCode).toBe(200);
    await ctx.deps.cache.fill(before);
    expect((await get(order.id)).json().status).toBe('cancelled');
    await ctx.deps.cache.fill(before);
    expect((await get(order.id)).json().status).toBe('cancelled');
  });

  it('when reads race with writes, then no read that starts after a write returns sees an older state', async () => {
    const order = await newOrder();
    let stop = false;
    const readers = Array.from({ length: 4 }, async () => {
      while (!stop) await get(order.id);
    });
    for (const status of ['confirmed', 'shipped', 'delivered']) {
      const written = (await patch(order.id, status)).json();
      expect((await get(order.id)).json().status).toBe(written.status);
    }
    stop = true;
    await Promise.all(readers);
    expect((await get(order.id)).json().status).toBe('delivered');
  });

  it('when Redis is unreachable, then reads come from Postgres, writes succeed, failures are counted, and no stale read follows its return', async () => {
    const cached = await newOrder();
    await get(cached.id);
    const errors = await counter('orderly_orders_cache_errors_total', '{operation="get"}');

    await proxy.stop();
    await waitFor(() => ctx.deps.redis.status !== 'ready');
    expect((await get(cached.id)).json().status).toBe('pending');
    const created = await newOrder();
    expect(created.status).toBe('pending');
    expect((await cancel(cached.id)).json().status).toBe('cancelled');
    expect((await get(cached.id)).json().status).toBe('cancelled');
    expect((await get(created.id)).json()).toEqual(created);
    expect(await counter('orderly_orders_cache_errors_total', '{operation="get"}')).toBeGreaterThan(errors);
    expect(await counter('orderly_orders_cache_errors_total', '{operation="invalidate"}')).toBeGreaterThan(0);
    expect((await ctx.http('GET', '/health/ready')).statusCode).toBe(200);

    await proxy.start();
    if (ctx.deps.redis.status !== 'ready') await once(ctx.deps.redis, 'ready');
    // Redis still holds the pending copy from before the outage; it must not be served.
    expect(await inspect.get(`order:${cached.id}`)).toContain('"status":"pending"');
    expect((await get(cached.id)).json().status).toBe('cancelled');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
