/**
 * Issue 4: the same upstream endpoint hit directly, through the gateway (every feature on), through
 * a tuned nginx and through fast-gateway, plus an authenticated GET through the gateway, in one
 * run with interleaved rounds; then fixed-rate rounds for the latency the gateway adds; then the
 * gateway once more under --cpu-prof to show where its time goes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '@orderly/launcher';
import { createBenchKey, signAccessToken } from './bench-token.ts';
import type { BenchConfig } from './config.ts';
import { cpuLayout, type CpuLayout } from './cpu-layout.ts';
import { runLoad, type LoadSpec } from './load.ts';
import { startNginx } from './nginx.ts';
import { startProcess, type StartedProcess } from './processes.ts';
import { startRedisServer } from './redis-server.ts';
import { profileGateway, type GatewayProfile } from './gateway-profile.ts';
import { detectFeatures, gitCommit, JWKS_PATH, startGateway, type GatewayFeatures } from './gateway-under-test.ts';
import { runRounds, summarise, type Target, type TargetSummary } from './rounds.ts';
import { median } from './stats.ts';

export interface FixedRateSummary {
  rate: number;
  direct: TargetSummary;
  gateway: TargetSummary;
  gatewayAuth: TargetSummary;
  /** Median over rounds of (gateway p99 − direct p99) of the same round. */
  addedP99Ms: number;
  addedP99AuthMs: number;
}

export interface GatewayBenchResult {
  layout: CpuLayout;
  nginxWorkers: number;
  features: GatewayFeatures;
  gatewayCommit: string;
  throughput: TargetSummary[];
  fixedRate: FixedRateSummary;
  profile: GatewayProfile | undefined;
  authPath: string;
}

const FAST_GATEWAY_SERVER = fileURLToPath(new URL('./fast-gateway.server.ts', import.meta.url));
const ORIGIN_SERVER = fileURLToPath(new URL('./origin.server.ts', import.meta.url));

export async function runGatewayBench(config: BenchConfig, log: (line: string) => void): Promise<GatewayBenchResult> {
  const layout = cpuLayout(config.cpuCount, config.BENCH_PIN);
  const dir = await mkdtemp(path.join(tmpdir(), 'orderly-bench-gateway-'));
  const redisPrefix = `bench_${randomBytes(4).toString('hex')}:`;
  const key = await createBenchKey();
  const token = await signAccessToken(key, randomUUID());
  const authPath = `/v1/orders/${randomUUID()}`;
  const [originPort, gatewayPort, nginxPort, fastPort, redisPort] = await Promise.all([
    findFreePort(),
    findFreePort(),
    findFreePort(),
    findFreePort(),
    findFreePort(),
  ]);
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const origin = `http://127.0.0.1:${originPort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const nginxWorkers = 1;
  const processes: StartedProcess[] = [];
  const nodeArgs = ['--conditions=@orderly/source'];

  try {
    log(`gateway bench: origin ${origin}, proxies pinned to CPU ${layout.proxy ?? '(none)'}, load generator and origin to ${layout.load ?? '(none)'}`);
    const originProcess = await startProcess({
      name: 'origin',
      command: config.nodePath,
      args: [...nodeArgs, ORIGIN_SERVER, String(originPort), key.jwks],
      env: { ...config.baseEnv },
      cpus: layout.load,
      readyUrl: `${origin}${JWKS_PATH}`,
    });
    processes.push(originProcess);
    const redisServer = await startRedisServer({ port: redisPort, dir, cpus: layout.load, env: { ...config.baseEnv } });
    processes.push(redisServer);
    let gateway = await startGateway({ config, port: gatewayPort, origin, redisUrl, redisPrefix, cpus: layout.proxy });
    processes.push(gateway);
    const nginx = await startNginx({
      dir: path.join(dir, 'nginx'),
      port: nginxPort,
      upstream: `127.0.0.1:${originPort}`,
      workers: nginxWorkers,
      keepalive: 64,
      env: { ...config.baseEnv },
      cpus: layout.proxy,
    });
    processes.push(nginx);
    const fast = await startProcess({
      name: 'fast-gateway',
      command: config.nodePath,
      args: [...nodeArgs, FAST_GATEWAY_SERVER, String(fastPort), origin],
      cwd: config.repoRoot,
      env: { ...config.baseEnv },
      cpus: layout.proxy,
      readyUrl: `http://127.0.0.1:${fastPort}${JWKS_PATH}`,
    });
    processes.push(fast);

    const features = await detectFeatures(gatewayUrl, token, authPath);
    log(`gateway features seen from outside: ${JSON.stringify({ ...features, sampleHeaders: undefined })}`);
    const redis = redisServer.pid;

    const http = (id: string, label: string, originUrl: string, proxyPid: number | undefined, extra: Partial<LoadSpec> = {}): Target => ({
      id,
      label,
      cpu: {
        ...(proxyPid !== undefined ? { proxy: proxyPid } : {}),
        origin: originProcess.pid,
        ...(id.startsWith('gateway') ? { redis } : {}),
      },
      run: (durationSeconds) =>
        runLoad(
          { origin: originUrl, method: 'GET', paths: [JWKS_PATH], connections: config.BENCH_CONNECTIONS, durationSeconds, ...extra },
          { nodePath: config.nodePath, cpus: layout.load },
        ),
    });
    const authHeaders = { authorization: `Bearer ${token}` };
    const makeTargets = (gatewayPid: number, rate?: number): Target[] => {
      const fixed = rate === undefined ? {} : { overallRate: rate };
      return [
        http('direct', 'direct (origin)', origin, undefined, fixed),
        http('gateway', 'gateway, pass-through (JWKS path)', gatewayUrl, gatewayPid, fixed),
        http('nginx', `nginx (tuned, ${nginxWorkers} worker)`, `http://127.0.0.1:${nginxPort}`, nginx.pid, fixed),
        http('fast-gateway', 'fast-gateway 5.0.1', `http://127.0.0.1:${fastPort}`, fast.pid, fixed),
        http('gateway-auth', 'gateway, authenticated GET', gatewayUrl, gatewayPid, { paths: [authPath], headers: authHeaders, ...fixed }),
      ];
    };

    const roundOptions = { rounds: config.BENCH_ROUNDS, durationSeconds: config.BENCH_DURATION, warmupSeconds: config.BENCH_WARMUP, log };
    log(`gateway bench: throughput, ${config.BENCH_ROUNDS} interleaved rounds of ${config.BENCH_DURATION} s, ${config.BENCH_CONNECTIONS} connections`);
    const targets = makeTargets(gateway.pid);
    const results = await runRounds(targets, roundOptions);
    const throughput = targets.map((t) => summarise(t, results));

    log(`gateway bench: fixed rate ${config.BENCH_FIXED_RATE} req/s`);
    const fixedTargets = makeTargets(gateway.pid, config.BENCH_FIXED_RATE).filter((t) => ['direct', 'gateway', 'gateway-auth'].includes(t.id));
    const fixedResults = await runRounds(fixedTargets, { ...roundOptions, warmupSeconds: 0 });
    const fixedSummary = (id: string) => summarise(fixedTargets.find((t) => t.id === id)!, fixedResults);
    const added = (id: string) =>
      median(
        fixedResults
          .filter((r) => r.target === id)
          .map((r) => r.load.latency.p99Ms - (fixedResults.find((d) => d.target === 'direct' && d.round === r.round)?.load.latency.p99Ms ?? Number.NaN)),
      );
    const fixedRate: FixedRateSummary = {
      rate: config.BENCH_FIXED_RATE,
      direct: fixedSummary('direct'),
      gateway: fixedSummary('gateway'),
      gatewayAuth: fixedSummary('gateway-auth'),
      addedP99Ms: added('gateway'),
      addedP99AuthMs: added('gateway-auth'),
    };

    let profile: GatewayProfile | undefined;
    if (config.BENCH_PROFILE) {
      await gateway.stop();
      profile = await profileGateway({
        config,
        startGateway: async (nodeArgs) => {
          gateway = await startGateway({ config, port: gatewayPort, origin, redisUrl, redisPrefix, cpus: layout.proxy, nodeArgs });
          processes.push(gateway);
          return gateway;
        },
        targets: (pid) => makeTargets(pid).filter((t) => t.id === 'gateway' || t.id === 'gateway-auth'),
        fixedRate: (pid) => ({
          ...makeTargets(pid, config.BENCH_FIXED_RATE).find((t) => t.id === 'gateway')!,
          id: 'gateway-fixed-rate',
          label: `gateway, pass-through at ${config.BENCH_FIXED_RATE} req/s`,
        }),
        log,
      });
    }

    return {
      layout,
      nginxWorkers,
      features,
      gatewayCommit: gitCommit(config),
      throughput,
      fixedRate,
      profile,
      authPath: '/v1/orders/<uuid>',
    };
  } finally {
    for (const p of processes.reverse()) await p.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
