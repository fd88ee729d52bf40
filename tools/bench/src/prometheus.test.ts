import { metricTotal } from './prometheus.ts';

describe('metricTotal', () => {
  const text = [
    '# HELP orderly_orders_cache_hits_total Order reads answered by Redis',
    '# TYPE orderly_orders_cache_hits_total counter',
    'orderly_orders_cache_hits_total 42',
    'orderly_orders_cache_hits_total_extra 1000',
    'orderly_orders_cache_errors_total{operation="get"} 2',
    'orderly_orders_cache_errors_total{operation="fill"} 3',
  ].join('\n');

  it('when a metric has one sample, then its value is read, not that of a longer name', () => {
    expect(metricTotal(text, 'orderly_orders_cache_hits_total')).toBe(42);
  });

  it('when a metric has labels, then its samples are summed; an absent one is 0', () => {
    expect(metricTotal(text, 'orderly_orders_cache_errors_total')).toBe(5);
    expect(metricTotal(text, 'orderly_orders_cache_misses_total')).toBe(0);
  });
});
