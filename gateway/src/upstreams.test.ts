import { startFixture, type Fixture } from '../test/fixture.ts';
import { send, startGateway, type TestGateway } from '../test/gateway.ts';
import { startOrigin, type Origin } from '../test/origin.ts';
import { createUpstream, createUpstreams, inRotation, SERVICE_PREFIXES } from './upstreams.ts';

describe('createUpstream', () => {
  it('when there is no instance, then it refuses to build the upstream', () => {
    expect(() => createUpstream('orders', '/v1/orders', [])).toThrow(/at least one instance/);
  });

  it('when built from config, then every service has its prefix and instances start unknown and in rotation', () => {
    const upstreams = createUpstreams({
      upstreams: { auth: ['http://a:1'], orders: ['http://o:1', 'http://o:2'], notifications: ['http://n:1'], reporting: ['http://r:1'] },
    });

    expect(upstreams.map((u) => [u.service, u.prefix])).toEqual(Object.entries(SERVICE_PREFIXES));
    expect(upstreams[1]!.instances.map((instance) => [instance.index, instance.origin])).toEqual([
      [0, 'http://o:1'],
      [1, 'http://o:2'],
    ]);
    expect(upstreams[3]!.instances).toEqual([
      { index: 0, origin: 'http://r:1', status: 'unknown', checkedAt: null, reason: null, ejectedUntil: 0, connectionErrors: 0 },
    ]);
  });
});

describe('inRotation', () => {
  const [instance] = createUpstream('orders', '/v1/orders', ['http://o:1']).instances;

  it.each([
    ['unknown', 0, true],
    ['up', 0, true],
    ['down', 0, false],
    ['up', 2_000, false],
    ['up', 1_000, true],
  ] as const)('when its health is %s and it is ejected until %d, then at 1000 it is in rotation: %s', (status, ejectedUntil, expected) => {
    expect(inRotation({ ...instance!, status, ejectedUntil }, 1_000)).toBe(expected);
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
