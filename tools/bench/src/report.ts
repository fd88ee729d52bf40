/**
 * docs/benchmarks.md: the generated sections (machine and settings, each scenario's targets and
 * tables, the gateway profile) written between markers, so the hand-written text around them and
 * the sections of scenarios not run this time stay as they are.
 */
import type { BenchConfig } from './config.ts';
import type { GatewayBenchResult } from './gateway-bench.ts';
import type { Machine } from './machine.ts';
import { renderTable, replaceSection } from './markdown.ts';
import type { OrdersBenchResult } from './orders-bench.ts';
import { formatInstant } from './report-format.ts';
import { renderGatewayResults, renderProfile } from './report-gateway.ts';
import { renderOrdersResults } from './report-orders.ts';

export { gatewayGoals } from './report-gateway.ts';
export { ordersGoals } from './report-orders.ts';
export { renderGoals } from './report-format.ts';

export function renderMachine(machine: Machine, config: BenchConfig, date: Date): string {
  const rows: [string, string][] = [
    [
      'measured',
      `${formatInstant(date)}; at the start the load average was ${machine.loadAverage} and other work kept ` +
        `${machine.busyBeforeStart?.toFixed(2) ?? '?'} of ${machine.cores} CPUs busy`,
    ],
    ['CPU', `${machine.cpuModel}, ${machine.cores} CPUs`],
    ['memory', machine.memory],
    ['kernel / OS', `${machine.kernel} / ${machine.os}`],
    ['Node', machine.node],
    ['PostgreSQL', `${machine.postgres} (${machine.postgresSettings})`],
    ['RabbitMQ', machine.rabbitmq],
    ['Redis', machine.redis],
    ['nginx', machine.nginx],
    ['pgbench', machine.pgbench],
  ];
  const settings: [string, string][] = [
    ['load generator', 'autocannon 9.0.0 (programmatic API, own process), pipelining 1; fixed-rate rounds: paced keep-alive client (see below)'],
    ['connections', `${config.BENCH_CONNECTIONS} (pgbench: as many clients, and as many as the orders pool has connections; 2 threads)`],
    ['duration', `${config.BENCH_DURATION} s per round, ${config.BENCH_ROUNDS} interleaved rounds, median reported`],
    ['warm-up', `${config.BENCH_WARMUP} s per target before the first round, not measured`],
    ['fixed rate', `${config.BENCH_FIXED_RATE} req/s`],
    ['log level of processes under test', config.BENCH_LOG_LEVEL],
  ];
  return [
    '### Machine',
    '',
    renderTable([{ title: '' }, { title: '' }], rows),
    '',
    '### Settings',
    '',
    renderTable([{ title: '' }, { title: '' }], settings),
  ].join('\n');
}

export interface ReportInput {
  config: BenchConfig;
  machine: Machine;
  date: Date;
  gateway?: GatewayBenchResult | undefined;
  orders?: OrdersBenchResult | undefined;
}

/** The document with this run's sections replaced (or appended when missing). */
export function updateReport(document: string, input: ReportInput): string {
  let out = replaceSection(document, 'machine', renderMachine(input.machine, input.config, input.date));
  if (input.gateway) {
    out = replaceSection(out, 'gateway', renderGatewayResults(input.gateway, input.config, input.date));
    const measured: Record<string, number> = Object.fromEntries(input.gateway.throughput.map((t) => [t.target, t.cpuMicrosPerRequest.proxy ?? Number.NaN]));
    measured['gateway-fixed-rate'] = input.gateway.fixedRate.gateway.cpuMicrosPerRequest.proxy ?? Number.NaN;
    out = replaceSection(out, 'gateway-profile', renderProfile(input.gateway.profile, input.config, measured));
  }
  if (input.orders) out = replaceSection(out, 'orders', renderOrdersResults(input.orders, input.config, input.date));
  return out;
}
