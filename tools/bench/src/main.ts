/**
 * `npm run bench`: checks its prerequisites, describes the machine, runs the gateway and orders
 * benchmarks and writes their sections of docs/benchmarks.md after each one.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@orderly/config';
import { loadBenchConfig, type BenchConfig } from './config.ts';
import { runGatewayBench, type GatewayBenchResult } from './gateway-bench.ts';
import { describeMachine, type Machine } from './machine.ts';
import { runOrdersBench, type OrdersBenchResult } from './orders-bench.ts';
import { checkPrerequisites } from './prerequisites.ts';
import { machineMeter } from './proc-stat.ts';
import { gatewayGoals, ordersGoals, renderGoals, updateReport } from './report.ts';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

const NEW_DOCUMENT = `# Benchmarks

Written by \`npm run bench\` (tools/bench); the sections between \`bench:\` markers are replaced on every run.
`;

function loadConfigOrExit(): Readonly<BenchConfig> {
  try {
    return loadBenchConfig({ repoRoot: path.resolve(REPO_ROOT), args: process.argv.slice(2) });
  } catch (error) {
    if (error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function writeReport(config: BenchConfig, machine: Machine, date: Date, gateway?: GatewayBenchResult, orders?: OrdersBenchResult) {
  const current = existsSync(config.outputPath) ? await readFile(config.outputPath, 'utf8') : NEW_DOCUMENT;
  await writeFile(config.outputPath, updateReport(current, { config, machine, date, gateway, orders }));
  say(`results written to ${path.relative(config.repoRoot, config.outputPath)}`);
}

async function busyBeforeStart(): Promise<number> {
  const meter = machineMeter();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  return meter.lap() / 2;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const problems = await checkPrerequisites(config.scenarios, { postgres: config.DATABASE_ADMIN_URL, rabbitmq: config.AMQP_URL, redis: config.REDIS_URL }, config.BENCH_PIN);
  if (problems.length > 0) {
    process.stderr.write(`npm run bench cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

  const busy = await busyBeforeStart();
  say(`machine busy with other work before the start: ${busy.toFixed(2)} of ${config.cpuCount} CPUs${busy > 0.2 ? ' (figures will be disturbed; run on a quiet machine)' : ''}`);
  const machine = { ...(await describeMachine({ postgres: config.DATABASE_ADMIN_URL, amqp: config.AMQP_URL, redis: config.REDIS_URL })), busyBeforeStart: busy };
  const date = new Date();
  const minutes = (config.scenarios.length * 7 * (config.BENCH_WARMUP + config.BENCH_ROUNDS * config.BENCH_DURATION)) / 60;
  say(`npm run bench: ${config.scenarios.join(', ')}; about ${Math.ceil(minutes + 1)} minutes`);

  let gateway: GatewayBenchResult | undefined;
  let orders: OrdersBenchResult | undefined;
  if (config.scenarios.includes('gateway')) {
    gateway = await runGatewayBench(config, say);
    await writeReport(config, machine, date, gateway);
  }
  if (config.scenarios.includes('orders')) {
    orders = await runOrdersBench(config, say);
    await writeReport(config, machine, date, undefined, orders);
  }
  if (gateway) say(`\ngateway targets:\n${renderGoals(gatewayGoals(gateway))}`);
  if (orders) say(`\norders targets:\n${renderGoals(ordersGoals(orders))}`);
}

await main();
process.exit(0);
