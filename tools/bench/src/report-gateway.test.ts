import type { GatewayBenchResult } from './gateway-bench.ts';
import { allocationRows, comparisonRows, gatewayGoals } from './report-gateway.ts';
import { summary } from './target-summary.fixture.ts';


const gatewayResult = (gatewayRps: number, proxyMicros: number, addedP99Ms: number): GatewayBenchResult => ({
  layout: { proxy: '1', load: '0' },
  nginxWorkers: 1,
  features: { requestId: true, rateLimit: true, metrics: true, breaker: true, sampleHeaders: [] },
  gatewayCommit: 'abc',
  throughput: [
    summary('direct', 14_000),
    summary('gateway', gatewayRps, { proxy: proxyMicros }),
    summary('nginx', 15_000, { proxy: 41 }),
    summary('fast-gateway', 5_300, { proxy: 197 }),
    summary('gateway-auth', gatewayRps * 0.9, { proxy: proxyMicros * 1.1 }),
  ],
  fixedRate: {
    rate: 1000,
    direct: summary('direct', 1000),
    gateway: summary('gateway', 1000),
    gatewayAuth: summary('gateway-auth', 1000),
    addedP99Ms,
    addedP99AuthMs: addedP99Ms,
  },
  profile: undefined,
  authPath: '/v1/orders/<uuid>',
});

describe('gatewayGoals', () => {
  it('when the gateway meets every target, then each goal passes with the reached figure', () => {
    const goals = gatewayGoals(gatewayResult(7_000, 150, 0.4));
    expect(goals.map((g) => g.pass)).toEqual([true, true, true, true, true]);
    expect(goals[0]!.reached).toBe('0.47×');
    expect(goals[1]!.reached).toBe('1.32×');
    expect(goals[2]!.reached).toMatch(/^150 µs/);
  });

  it('when the gateway is slow, then the goals it misses say so', () => {
    const goals = gatewayGoals(gatewayResult(2_000, 430, 3));
    expect(goals.map((g) => g.pass)).toEqual([false, false, false, true, false]);
  });
});

describe('comparisonRows', () => {
  it('when targets have different entries, then rows give each share and the share of the measured CPU, a dash where absent', () => {
    const rows = comparisonRows(
      [
        [
          { name: 'undici', ms: 100, share: 0.5 },
          { name: 'helmet', ms: 10, share: 0.05 },
        ],
        [
          { name: 'jose', ms: 300, share: 0.6 },
          { name: 'undici', ms: 100, share: 0.2 },
        ],
      ],
      [300, 400],
      2,
    );
    expect(rows).toEqual([
      ['jose', '–', '–', '60.0 %', '240.0'],
      ['undici', '50.0 %', '150.0', '20.0 %', '80.0'],
    ]);
  });
});

describe('allocationRows', () => {
  it('when given allocations of two windows, then bytes are per request of each window', () => {
    expect(allocationRows([[{ name: 'helmet', bytes: 9000 }], [{ name: 'helmet', bytes: 4000 }]], [1, 2], 5)).toEqual([['helmet', '9,000', '2,000']]);
  });
});
