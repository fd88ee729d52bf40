/**
 * The gateway under test: `gateway/src/main.ts` of the measured checkout, started with every
 * feature on against the bench's origin and Redis, and what can be seen of its features from outside.
 */
import { execFileSync } from 'node:child_process';
import { BENCH_AUDIENCE, BENCH_ISSUER } from './bench-token.ts';
import type { BenchConfig } from './config.ts';
import { startProcess, type StartedProcess } from './processes.ts';

export const JWKS_PATH = '/v1/auth/.well-known/jwks.json';
const GATEWAY_MAIN = 'gateway/src/main.ts';

export interface GatewayFeatures {
  requestId: boolean;
  rateLimit: boolean;
  metrics: boolean;
  breaker: boolean;
  /** Headers of a pass-through answer, for the report. */
  sampleHeaders: string[];
}

/**
 * The gateway's largest budget over its shortest window: 100 000 requests per second and key, far
 * above any round here, so the limiter runs on every request (its cost is measured) and never 429s.
 */
export const BENCH_RATE_LIMIT = { RATE_LIMIT_MAX: '100000', RATE_LIMIT_WINDOW: '1s' } as const;

export interface GatewayProcessOptions {
  config: BenchConfig;
  port: number;
  origin: string;
  redisUrl: string;
  redisPrefix: string;
  cpus: string | undefined;
  /** Extra Node arguments (profiling). */
  nodeArgs?: string[];
}

export function startGateway(o: GatewayProcessOptions): Promise<StartedProcess> {
  return startProcess({
    name: 'gateway',
    command: o.config.nodePath,
    args: ['--conditions=@orderly/source', ...(o.nodeArgs ?? []), GATEWAY_MAIN],
    cwd: o.config.targetRoot,
    cpus: o.cpus,
    readyUrl: `http://127.0.0.1:${o.port}/health/ready`,
    env: {
      ...o.config.baseEnv,
      HOST: '127.0.0.1',
      PORT: String(o.port),
      LOG_LEVEL: o.config.BENCH_LOG_LEVEL,
      AUTH_URL: o.origin,
      ORDERS_URL: o.origin,
      NOTIFICATIONS_URL: o.origin,
      REPORTING_URL: o.origin,
      JWKS_URL: `${o.origin}${JWKS_PATH}`,
      JWT_ISSUER: BENCH_ISSUER,
      JWT_AUDIENCE: BENCH_AUDIENCE,
      REDIS_URL: o.redisUrl,
      REDIS_KEY_PREFIX: o.redisPrefix,
      ...BENCH_RATE_LIMIT,
    },
  });
}

export async function detectFeatures(gateway: string, token: string, authPath: string): Promise<GatewayFeatures> {
  const pass = await fetch(`${gateway}${JWKS_PATH}`);
  await pass.arrayBuffer();
  const auth = await fetch(`${gateway}${authPath}`, { headers: { authorization: `Bearer ${token}` } });
  await auth.arrayBuffer();
  if (pass.status !== 200 || auth.status !== 200) {
    throw new Error(`the gateway answered ${pass.status} (pass-through) and ${auth.status} (authenticated GET); both must be 200 to bench`);
  }
  const metrics = await fetch(`${gateway}/metrics`);
  const metricsText = metrics.ok ? await metrics.text() : '';
  const names = [...pass.headers.keys()];
  return {
    requestId: pass.headers.has('x-request-id'),
    rateLimit: names.some((n) => n === 'ratelimit' || n === 'ratelimit-policy' || n.startsWith('x-ratelimit')),
    metrics: metrics.ok && metricsText.includes('# TYPE'),
    breaker: /breaker|circuit/i.test(metricsText),
    sampleHeaders: names.sort(),
  };
}

/** The last commit touching the gateway or the libraries, and whether the checkout differs from it there. */
export function gitCommit(config: BenchConfig): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: config.targetRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const line = git('log', '-1', '--format=%h %s', '--', 'gateway', 'libs');
    const commit = line.length > 90 ? `${line.slice(0, 89)}…` : line;
    const dirty = git('status', '--porcelain', '--', 'gateway', 'libs') !== '';
    return `${commit}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
