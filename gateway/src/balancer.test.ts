import { createBalancer, type Balancer } from './balancer.ts';
import { createUpstream, type Upstream, type UpstreamInstance } from './upstreams.ts';

const COOLDOWN_MS = 1_000;
let upstream: Upstream;
let balancer: Balancer;
let ejections: Array<[number, number]>;
const [a, b, c] = [0, 1, 2];
const instance = (index: number): UpstreamInstance => upstream.instances[index]!;
const picks = (count: number) => Array.from({ length: count }, () => balancer.pick().index);

function setUp(origins: string[], consecutiveErrors = 3): void {
  upstream = createUpstream('orders', '/v1/orders', origins);
  ejections = [];
  balancer = createBalancer(upstream, { cooldownMs: COOLDOWN_MS, consecutiveErrors }, (ejected, until) => ejections.push([ejected.index, until]));
}

beforeEach(() => setUp(['http://a:1', 'http://b:2', 'http://c:3']));
afterEach(() => jest.useRealTimers());

describe('picking', () => {
  it('when every instance is in rotation, then they come in turn, starting again after the last', () => {
    expect(picks(7)).toEqual([a, b, c, a, b, c, a]);
  });

  it('when an instance is reported down by its health checks, then it is skipped until it is up again', () => {
    instance(b).status = 'down';
    expect(picks(4)).toEqual([a, c, a, c]);

    instance(b).status = 'up';
    expect(picks(3)).toEqual([a, b, c]);
  });

  it('when no instance is in rotation, then all of them take turns anyway', () => {
    for (const each of upstream.instances) each.status = 'down';

    expect(picks(4)).toEqual([a, b, c, a]);
  });

  it('when another instance is asked for, then it is never the failed one, and none exists for a lone instance', () => {
    expect(balancer.pickOther(instance(a))?.index).toBe(b);
    expect(balancer.pickOther(instance(b))?.index).toBe(c);

    setUp(['http://a:1']);
    expect(balancer.pickOther(instance(a))).toBeUndefined();
    expect(balancer.pick().index).toBe(a);
  });
});

describe('ejection', () => {
  it('when a connection is refused, then the instance leaves rotation at once, for the cool-down', () => {
    jest.useFakeTimers({ now: 1_000_000 });

    balancer.connectionFailed(instance(a), true);

    expect(ejections).toEqual([[a, 1_000_000 + COOLDOWN_MS]]);
    expect(picks(4)).toEqual([b, c, b, c]);
    jest.setSystemTime(1_000_000 + COOLDOWN_MS);
    expect(picks(3)).toEqual([a, b, c]);
  });

  it('when connections are reset, then the instance leaves rotation only after that many in a row', () => {
    balancer.connectionFailed(instance(a), false);
    balancer.connectionFailed(instance(a), false);
    balancer.answered(instance(a));
    balancer.connectionFailed(instance(a), false);
    balancer.connectionFailed(instance(a), false);
    expect(ejections).toEqual([]);

    balancer.connectionFailed(instance(a), false);

    expect(ejections.map(([index]) => index)).toEqual([a]);
  });

  it('when an ejected instance is back after its cool-down, then its next connection error ejects it again', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    for (let i = 0; i < 3; i += 1) balancer.connectionFailed(instance(a), false);
    jest.setSystemTime(1_000_000 + COOLDOWN_MS);

    balancer.connectionFailed(instance(a), false);

    expect(ejections).toHaveLength(2);
  });

  it('when requests still in flight to an ejected instance fail, then it is not ejected twice', () => {
    balancer.connectionFailed(instance(a), true);
    balancer.connectionFailed(instance(a), true);

    expect(ejections).toHaveLength(1);
  });

  it('when the failing instance is the last one in rotation, then it stays', () => {
    balancer.connectionFailed(instance(a), true);
    instance(b).status = 'down';

    balancer.connectionFailed(instance(c), true);

    expect(ejections.map(([index]) => index)).toEqual([a]);
    expect(picks(2)).toEqual([c, c]);
  });

  it('when options are not positive integers, then the balancer is refused', () => {
    expect(() => createBalancer(upstream, { cooldownMs: 0, consecutiveErrors: 1 }, () => {})).toThrow(/cooldownMs/);
    expect(() => createBalancer(upstream, { cooldownMs: 1, consecutiveErrors: 0.5 }, () => {})).toThrow(/consecutiveErrors/);
  });
});
