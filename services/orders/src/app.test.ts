import { startOrdersForTest, type OrdersTestContext } from '../test/orders-harness.ts';

let ctx: OrdersTestContext;

beforeAll(async () => {
  ctx = await startOrdersForTest();
});
afterAll(() => ctx.close());

describe('orders service app', () => {
  it('when its dependencies answer, then it is live and ready', async () => {
    expect((await ctx.http('GET', '/health/live')).statusCode).toBe(200);
    const ready = await ctx.http('GET', '/health/ready');
    expect(ready.json()).toEqual({ status: 'ready', checks: { postgres: 'up', redis: 'up' } });
    expect(ready.statusCode).toBe(200);
  });

  it('when scraped, then it serves Prometheus metrics, including the cache counters', async () => {
    const metrics = await ctx.http('GET', '/metrics');
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('process_cpu_seconds_total');
    for (const name of ['orderly_orders_cache_hits_total', 'orderly_orders_cache_misses_total', 'orderly_orders_cache_errors_total']) {
      expect(metrics.body).toContain(name);
    }
  });

  it('when the OpenAPI document is asked, then it describes every orders route', async () => {
    const openapi = (await ctx.http('GET', '/openapi.json')).json();
    expect(openapi.info.title).toBe('Orderly orders');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/v1/orders', '/v1/orders/{id}', '/v1/orders/{id}/cancel', '/v1/orders/{id}/status']),
    );
    expect(Object.keys(openapi.paths['/v1/orders'])).toEqual(expect.arrayContaining(['get', 'post']));
  });

  it('when draining, then readiness answers 503', async () => {
    ctx.service.lifecycle.draining = true;
    expect((await ctx.http('GET', '/health/ready')).statusCode).toBe(503);
    ctx.service.lifecycle.draining = false;
  });
});
