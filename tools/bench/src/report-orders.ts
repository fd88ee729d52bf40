/** The orders scenario's section of docs/benchmarks.md: the target, the table and the pgbench script. */
import type { BenchConfig } from './config.ts';
import { formatMs, formatNumber, formatRatio, renderTable } from './markdown.ts';
import type { OrdersBenchResult } from './orders-bench.ts';
import { formatInstant, micros, perRound, R, renderGoals, type Goal } from './report-format.ts';

export function ordersGoals(result: OrdersBenchResult): Goal[] {
  const by = (id: string) => result.summaries.find((s) => s.target === id)!;
  const ratio = by('post-gateway').requestsPerSecond / by('pgbench').requestsPerSecond;
  return [
    {
      goal: "POST /v1/orders through the gateway ≥ 0.6× pgbench's transactions/s",
      reached: `${formatRatio(ratio)} (${formatNumber(by('post-gateway').requestsPerSecond)} req/s vs ${formatNumber(by('pgbench').requestsPerSecond)} tps)`,
      pass: ratio >= 0.6,
    },
  ];
}

export function renderOrdersResults(result: OrdersBenchResult, config: BenchConfig, date: Date): string {
  const hitRatio = (id: string) => {
    const c = result.cache[id];
    if (c === undefined || c.hits + c.misses === 0) return '–';
    return `${((c.hits / (c.hits + c.misses)) * 100).toFixed(1)} %`;
  };
  const rows = result.summaries.map((s) => [
    s.label,
    formatNumber(s.requestsPerSecond),
    perRound(s),
    formatMs(s.p50Ms),
    formatMs(s.p99Ms),
    micros(s.cpuMicrosPerRequest.gateway),
    micros(s.cpuMicrosPerRequest.orders),
    hitRatio(s.target),
    formatNumber(s.failures),
  ]);
  return [
    `Measured ${formatInstant(date)}; ${formatNumber(result.orderCount)} orders in the bench database at the end.`,
    '',
    renderGoals(ordersGoals(result)),
    '',
    `${config.BENCH_CONNECTIONS} connections (pgbench: clients), no pipelining, ${config.BENCH_ROUNDS} × ${config.BENCH_DURATION} s interleaved, median of rounds.`,
    'For pgbench, req/s is its transactions/s (without connection time) and p50/p99 come from its per-transaction log.',
    'CPU is user + system time of the gateway and orders processes over the round, divided by the responses. Nothing is pinned here:',
    'Postgres, the services and the load generator share the CPUs.',
    '',
    renderTable(
      [
        { title: 'target' },
        { title: 'req/s', align: R },
        { title: 'req/s per round', align: R },
        { title: 'p50', align: R },
        { title: 'p99', align: R },
        { title: 'gateway CPU µs/req', align: R },
        { title: 'orders CPU µs/req', align: R },
        { title: 'cache hits', align: R },
        { title: 'failed', align: R },
      ],
      rows,
    ),
    '',
    `Orders pool: ${result.ordersPoolMax}.`,
    '',
    '<details><summary>The pgbench script (one POST /v1/orders)</summary>',
    '',
    '```sql',
    result.pgbenchScript.trim(),
    '```',
    '',
    '</details>',
  ].join('\n');
}

