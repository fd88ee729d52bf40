import { startFixture, type Fixture } from '../test/fixture.ts';
import { send, startGateway, type TestGateway } from '../test/gateway.ts';
import { startOrigin, type Origin } from '../test/origin.ts';
import { createUpstream, createUpstreams, SERVICE_PREFIXES } from './upstreams.ts';

describe('createUpstream', () => {
  it('when instances are picked, then they come in turn, starting again after the last', () => {
    const upstream = createUpstream('orders', '/v1/orders', ['http://a:1', 'http://b:2', 'http://c:3']);

    const picked = Array.from({ length: 7 }, () => upstream.pick());

    expect(picked).toEqual(['http://a:1', 'http://b:2', 'http://c:3', 'http://a:1', 'http://b:2', 'http://c:3', 'http://a:1']);
  });

  it('when there is no instance, then it refuses to build the upstream', () => {
    expect(() => createUpstream('orders', '/v1/orders', [])).toThrow(/at least one instance/);
  });

  it('when built from config, then every service has its prefix and instances start unknown', () => {
    const upstreams = createUpstreams({
      upstreams: { auth: ['http://a:1'], orders: ['http://o:1'], notifications: ['http://n:1'], reporting: ['http://r:1'] },
    });

    expect(upstreams.map((u) => [u.service, u.prefix])).toEqual(Object.entries(SERVICE_PREFIXES));
    expect(upstreams[3]!.instances).toEqual([{ origin: 'http://r:1', status: 'unknown', checkedAt: null, reason: null }]);
  });
});

describe('balancing through the gateway', () => {
  let f: Fixture;
  let second: Origin;
  let gateway: TestGateway;
  beforeAll(async () => {
    f = await startFixture();
    second = await startOrigin('orders-2');
    gateway = await startGateway({ ORDERS_URL: `${f.orders.url},${second.url}`, JWKS_URL: `${f.jwks.url}/v1/auth/.well-known/jwks.json` });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([f.close(), second.close()]);
  });

  it('when a service has two instances, then both receive requests, in turn', async () => {
    for (let i = 0; i < 6; i += 1) {
      expect((await send(`${gateway.url}/v1/orders`, { headers: { authorization: `Bearer ${f.token}` } })).status).toBe(200);
    }

    expect(f.orders.requests).toHaveLength(3);
    expect(second.requests).toHaveLength(3);
  });
});
