import type { OrdersBenchResult } from './orders-bench.ts';
import { ordersGoals } from './report-orders.ts';
import { summary } from './target-summary.fixture.ts';


describe('ordersGoals', () => {
  it('when POST through the gateway reaches 0.6× pgbench, then it passes, below it misses', () => {
    const result = (post: number): OrdersBenchResult => ({
      summaries: [summary('post-gateway', post), summary('pgbench', 1000)],
      cache: {},
      pgbenchScript: '',
      ordersPoolMax: '10',
      orderCount: 1,
    });
    expect(ordersGoals(result(600))[0]).toMatchObject({ pass: true, reached: '0.60× (600 req/s vs 1,000 tps)' });
    expect(ordersGoals(result(599))[0]!.pass).toBe(false);
  });
});

