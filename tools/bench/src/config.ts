/**
 * The bench's configuration: the only module of this project that reads the environment. Every
 * setting is an environment variable (BENCH_*) that a command-line flag may override:
 * `npm run bench -- --duration 5 --rounds 1 --scenarios gateway`.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, LOCAL_AMQP, LOCAL_REDIS, loadConfig, Url } from '@orderly/config';
import { Type, type Static } from '@sinclair/typebox';

export const SCENARIOS = ['gateway', 'orders'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const BenchEnv = Type.Object({
  /** Seconds of one measured round of one target. */
  BENCH_DURATION: Type.Integer({ minimum: 1, maximum: 600, default: 10 }),
  /** Seconds of load on each target before the first round, not measured. */
  BENCH_WARMUP: Type.Integer({ minimum: 0, maximum: 600, default: 3 }),
  /** Interleaved rounds; the report shows the median of the rounds. */
  BENCH_ROUNDS: Type.Integer({ minimum: 1, maximum: 50, default: 3 }),
  /** Concurrent connections of the load generator (and pgbench clients). */
  BENCH_CONNECTIONS: Type.Integer({ minimum: 1, maximum: 1024, default: 32 }),
  /** Request rate of the fixed-rate (latency) rounds. */
  BENCH_FIXED_RATE: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
  /** Comma-separated: gateway, orders. */
  BENCH_SCENARIOS: Type.String({ pattern: '^[a-z, ]+$', default: SCENARIOS.join(',') }),
  /** Pin the proxy under test to the last CPU and the load generator and origin to the others (taskset). */
  BENCH_PIN: Type.Boolean({ default: true }),
  /** After the measured rounds, run the gateway once more under --cpu-prof and summarise where its time goes. */
  BENCH_PROFILE: Type.Boolean({ default: true }),
  /** Where the results go, relative to the repository root. */
  BENCH_OUTPUT: Type.String({ minLength: 1, default: 'docs/benchmarks.md' }),
  /** Log level of the gateway and services under test (request logs at `info` would measure the logger). */
  BENCH_LOG_LEVEL: Type.String({ pattern: '^(fatal|error|warn|info|debug|trace|silent)$', default: 'warn' }),
  /**
   * The checkout whose gateway and services are measured (default: this one), e.g. another
   * worktree to compare before and after a change; the bench itself always runs from here.
   */
  BENCH_ORDERLY_ROOT: Type.Optional(Type.String({ minLength: 1 })),
  /** A superuser connection: the orders bench creates (and drops) its own database with it. */
  DATABASE_ADMIN_URL: Url('postgres://postgres@127.0.0.1:5432/postgres', ['postgres', 'postgresql']),
  AMQP_URL: Url(LOCAL_AMQP, ['amqp', 'amqps']),
  REDIS_URL: Url(LOCAL_REDIS, ['redis', 'rediss']),
});

type BenchEnvValues = Static<typeof BenchEnv>;

export interface BenchConfig extends Omit<BenchEnvValues, 'BENCH_SCENARIOS'> {
  scenarios: readonly Scenario[];
  repoRoot: string;
  /** BENCH_ORDERLY_ROOT resolved: where gateway/src/main.ts and the launcher's services are taken from. */
  targetRoot: string;
  outputPath: string;
  /** PATH and HOME, handed to the processes the bench starts. */
  baseEnv: Readonly<Record<string, string>>;
  /** Node 24 running the bench; every child runs on it too. */
  nodePath: string;
  cpuCount: number;
}

const FLAGS = {
  duration: 'BENCH_DURATION',
  warmup: 'BENCH_WARMUP',
  rounds: 'BENCH_ROUNDS',
  connections: 'BENCH_CONNECTIONS',
  'fixed-rate': 'BENCH_FIXED_RATE',
  scenarios: 'BENCH_SCENARIOS',
  pin: 'BENCH_PIN',
  profile: 'BENCH_PROFILE',
  output: 'BENCH_OUTPUT',
  'log-level': 'BENCH_LOG_LEVEL',
  'orderly-root': 'BENCH_ORDERLY_ROOT',
} as const;

/** Flags as environment overrides: `--duration 5` → BENCH_DURATION=5. Unknown flags throw. */
export function flagsToEnv(args: readonly string[]): Record<string, string> {
  const options = Object.fromEntries(Object.keys(FLAGS).map((name) => [name, { type: 'string' as const }]));
  const { values } = parseArgs({ args: [...args], options, allowPositionals: false, strict: true });
  const env: Record<string, string> = {};
  for (const [flag, value] of Object.entries(values)) {
    if (typeof value === 'string') env[FLAGS[flag as keyof typeof FLAGS]] = value;
  }
  return env;
}

export function parseScenarios(raw: string): Scenario[] {
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new ConfigError([`BENCH_SCENARIOS must list some of ${SCENARIOS.join(', ')}; got ${JSON.stringify(raw)}`]);
  }
  return SCENARIOS.filter((s) => names.includes(s));
}

export interface LoadBenchConfigOptions {
  repoRoot: string;
  args?: readonly string[];
  env?: Record<string, string | undefined>;
}

export function loadBenchConfig(options: LoadBenchConfigOptions): Readonly<BenchConfig> {
  const env = options.env ?? process.env;
  const values = loadConfig(BenchEnv, { ...env, ...flagsToEnv(options.args ?? []) });
  const { BENCH_SCENARIOS, BENCH_ORDERLY_ROOT, ...rest } = values;
  const baseEnv: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR']) {
    const value = env[name];
    if (value !== undefined) baseEnv[name] = value;
  }
  return Object.freeze({
    ...rest,
    scenarios: parseScenarios(BENCH_SCENARIOS),
    repoRoot: options.repoRoot,
    targetRoot: path.resolve(options.repoRoot, BENCH_ORDERLY_ROOT ?? '.'),
    outputPath: path.resolve(options.repoRoot, values.BENCH_OUTPUT),
    baseEnv: Object.freeze(baseEnv),
    nodePath: process.execPath,
    cpuCount: os.availableParallelism(),
  });
}
