/**
 * Issue 3: POST /v1/orders and GET /v1/orders/:id (cached and uncached), through the gateway and
 * direct to the orders service, and pgbench running the same transaction as one POST at the same
 * concurrency, in interleaved rounds against the whole stack that `npm start` runs: the launcher
 * as a child with its own database, exchange, queue prefix, Redis prefix and ports, removed after.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { adminUrlFor, findFreePort, serviceDatabase, startLauncherProcess, type LauncherProcess } from '@orderly/launcher';
import type { BenchConfig } from './config.ts';
import { BENCH_RATE_LIMIT } from './gateway-under-test.ts';
import { runLoad, type LoadResult, type LoadSpec } from './load.ts';
import { placeOrderScript, runPgbench, type PlaceOrderItem } from './pgbench.ts';
import { findDescendant } from './proc-stat.ts';
import { metricTotal } from './prometheus.ts';
import { countOrders, seedOrders, shuffled } from './orders-seed.ts';
import { runRounds, summarise, type Target, type TargetSummary } from './rounds.ts';
import { cleanUp } from './stack-cleanup.ts';

export const ORDER_ITEMS: readonly PlaceOrderItem[] = [{ sku: 'BENCH-1', quantity: 2, unitPriceCents: 1250 }];
export const ORDER_CURRENCY = 'EUR';
/** Orders the uncached reads rotate through: at a few thousand reads per second each id comes back only after seconds, well past the 1 s cache TTL. */
export const UNCACHED_IDS = 20_000;
const CACHE_TTL_SECONDS = '1';
/** The orders service's Postgres pool as `npm start` runs it (DATABASE_POOL_MAX default, README). */
export const ORDERS_POOL_MAX = 10;

export interface CacheRatio {
  hits: number;
  misses: number;
}

export interface OrdersBenchResult {
  summaries: TargetSummary[];
  /** Cache hits and misses counted by the orders service during each GET target's rounds. */
  cache: Record<string, CacheRatio>;
  /** The pgbench script that ran. */
  pgbenchScript: string;
  ordersPoolMax: string;
  orderCount: number;
}

const PASSWORD = 'bench password 0123';

async function call(url: string, method: string, body?: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function cacheCounters(ordersUrl: string): Promise<CacheRatio> {
  const text = await (await fetch(`${ordersUrl}/metrics`)).text();
  return { hits: metricTotal(text, 'orderly_orders_cache_hits_total'), misses: metricTotal(text, 'orderly_orders_cache_misses_total') };
}

export async function runOrdersBench(config: BenchConfig, log: (line: string) => void): Promise<OrdersBenchResult> {
  const hex = randomBytes(4).toString('hex');
  // Not a test database (the bench is not a test), and never `orderly`, the one of `npm start`.
  const database = `orderly_bench_${hex}`;
  const prefix = `bench_${hex}`;
  const devDir = await mkdtemp(path.join(tmpdir(), 'orderly-bench-orders-'));
  const ports = Object.fromEntries(
    await Promise.all(['GATEWAY_PORT', 'AUTH_PORT', 'ORDERS_PORT', 'NOTIFICATIONS_PORT', 'REPORTING_PORT'].map(async (k) => [k, String(await findFreePort())])),
  ) as Record<string, string>;
  let launcher: LauncherProcess | undefined;

  try {
    log(`orders bench: starting the stack (database ${database}, prefix ${prefix})`);
    launcher = await startLauncherProcess({
      repoRoot: config.repoRoot,
      nodePath: config.nodePath,
      readyTimeoutMs: 120_000,
      env: {
        ...config.baseEnv,
        ORDERLY_ROOT: config.targetRoot,
        DATABASE_ADMIN_URL: config.DATABASE_ADMIN_URL,
        AMQP_URL: config.AMQP_URL,
        REDIS_URL: config.REDIS_URL,
        ORDERLY_DATABASE: database,
        EVENTS_EXCHANGE: `${prefix}.events`,
        EVENTS_QUEUE_PREFIX: prefix,
        REDIS_KEY_PREFIX: `${prefix}:`,
        DEV_DIR: devDir,
        LOG_LEVEL: config.BENCH_LOG_LEVEL,
        PRETTY_LOGS: 'false',
        PASSTHROUGH_ENV: 'ORDERS_CACHE_TTL_SECONDS,RATE_LIMIT_MAX,RATE_LIMIT_WINDOW',
        ORDERS_CACHE_TTL_SECONDS: CACHE_TTL_SECONDS,
        ...BENCH_RATE_LIMIT,
        ...ports,
      },
    });
    const gateway = launcher.gatewayUrl!;
    const orders = `http://127.0.0.1:${ports.ORDERS_PORT}`;
    const gatewayPid = findDescendant(launcher.pid, 'gateway/src/main.ts');
    const ordersPid = findDescendant(launcher.pid, 'services/orders/src/main.ts');

    const email = `bench-${hex}@example.com`;
    const registered = await call(`${gateway}/v1/auth/register`, 'POST', { email, password: PASSWORD, name: 'Bench' });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
    const login = await call(`${gateway}/v1/auth/login`, 'POST', { email, password: PASSWORD });
    if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
    const token = String(login.body.accessToken);
    const userId = String(registered.body.id);
    const body = { items: ORDER_ITEMS, currency: ORDER_CURRENCY };
    const first = await call(`${gateway}/v1/orders`, 'POST', body, token);
    if (first.status !== 201) throw new Error(`POST /v1/orders answered ${first.status}: ${JSON.stringify(first.body)}`);
    const cachedPath = `/v1/orders/${String(first.body.id)}`;

    const benchDbUrl = adminUrlFor(config.DATABASE_ADMIN_URL, database);
    log(`orders bench: seeding ${UNCACHED_IDS} orders for the uncached reads`);
    const uncachedPaths = shuffled(await seedOrders(benchDbUrl, userId, UNCACHED_IDS, ORDER_ITEMS[0]!, ORDER_CURRENCY)).map((id) => `/v1/orders/${id}`);

    const pgDir = path.join(devDir, 'pgbench');
    await mkdir(pgDir, { recursive: true });
    const script = placeOrderScript(ORDER_ITEMS, ORDER_CURRENCY);
    const scriptFile = path.join(pgDir, 'place-order.sql');
    await writeFile(scriptFile, script);
    const adminUrl = new URL(config.DATABASE_ADMIN_URL);
    const role = serviceDatabase('orders');
    let pgbenchRun = 0;

    const cache: Record<string, CacheRatio> = {};
    const auth = { authorization: `Bearer ${token}` };
    const http = (id: string, label: string, origin: string, spec: Pick<LoadSpec, 'method' | 'paths' | 'body' | 'headers'>, countCache: boolean): Target => ({
      id,
      label,
      cpu: {
        ...(origin === gateway && gatewayPid !== undefined ? { gateway: gatewayPid } : {}),
        ...(ordersPid !== undefined ? { orders: ordersPid } : {}),
      },
      async run(durationSeconds, warmup): Promise<LoadResult> {
        const before = countCache && !warmup ? await cacheCounters(orders) : undefined;
        const result = await runLoad({ origin, connections: config.BENCH_CONNECTIONS, durationSeconds, ...spec }, { nodePath: config.nodePath });
        if (before !== undefined) {
          const after = await cacheCounters(orders);
          const seen = (cache[id] ??= { hits: 0, misses: 0 });
          seen.hits += after.hits - before.hits;
          seen.misses += after.misses - before.misses;
        }
        return result;
      },
    });
    const pgbench = (id: string, label: string, clients: number): Target => ({
      id,
      label,
      cpu: {},
      async run(durationSeconds) {
        const logDir = path.join(pgDir, `run-${++pgbenchRun}`);
        await mkdir(logDir);
        return runPgbench({
          scriptFile,
          logDir,
          host: adminUrl.hostname,
          port: adminUrl.port || '5432',
          user: role.role,
          password: role.password,
          database,
          userId,
          clients,
          durationSeconds,
          env: { ...config.baseEnv },
        });
      },
    });
    const post = { method: 'POST' as const, paths: ['/v1/orders'], body: JSON.stringify(body), headers: { ...auth, 'content-type': 'application/json' } };
    const cached = { method: 'GET' as const, paths: [cachedPath], headers: auth };
    const uncached = { method: 'GET' as const, paths: uncachedPaths, headers: auth };
    const targets: Target[] = [
      http('post-gateway', 'POST /v1/orders, gateway', gateway, post, false),
      http('post-direct', 'POST /v1/orders, direct', orders, post, false),
      pgbench('pgbench', 'pgbench, same transaction', config.BENCH_CONNECTIONS),
      pgbench('pgbench-pool', `pgbench, same transaction, ${ORDERS_POOL_MAX} clients (the orders pool)`, ORDERS_POOL_MAX),
      http('get-cached-gateway', 'GET /v1/orders/:id cached, gateway', gateway, cached, true),
      http('get-cached-direct', 'GET /v1/orders/:id cached, direct', orders, cached, true),
      http('get-uncached-gateway', 'GET /v1/orders/:id uncached, gateway', gateway, uncached, true),
      http('get-uncached-direct', 'GET /v1/orders/:id uncached, direct', orders, uncached, true),
    ];

    log(`orders bench: ${config.BENCH_ROUNDS} interleaved rounds of ${config.BENCH_DURATION} s, ${config.BENCH_CONNECTIONS} connections / pgbench clients`);
    const results = await runRounds(targets, { rounds: config.BENCH_ROUNDS, durationSeconds: config.BENCH_DURATION, warmupSeconds: config.BENCH_WARMUP, log });
    return {
      summaries: targets.map((t) => summarise(t, results)),
      cache,
      pgbenchScript: script,
      ordersPoolMax: `${ORDERS_POOL_MAX} connections (DATABASE_POOL_MAX default)`,
      orderCount: await countOrders(benchDbUrl),
    };
  } finally {
    if (launcher !== undefined) {
      const exit = await launcher.stop('SIGTERM');
      if (exit.code !== 0) log(`orders bench: the launcher exited with ${exit.signal ?? `code ${exit.code}`}`);
    }
    await cleanUp(config, database, prefix, devDir).catch((error: Error) => log(`orders bench: clean-up incomplete: ${error.message}`));
  }
}
