import type { FastifyInstance } from 'fastify';

/** A dependency check for readiness: resolves true when the dependency is usable. */
export type ReadinessCheck = () => Promise<boolean> | boolean;

/** Readiness state: not ready until started, and not ready again once draining. */
export interface Lifecycle {
  started: boolean;
  draining: boolean;
}

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(check).catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/health/live` and `/health/ready`. `checks` gate readiness; `informational` checks are reported
 * beside them but never take the instance out of rotation — for dependencies the service keeps
 * working without (a read cache; the broker behind an outbox), where an outage must not empty the
 * load balancer.
 */
export function registerHealth(
  app: FastifyInstance,
  lifecycle: Lifecycle,
  checks: Record<string, ReadinessCheck>,
  informational: Record<string, ReadinessCheck> = {},
): void {
  app.get('/health/live', { logLevel: 'warn', schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { logLevel: 'warn', schema: { hide: true } }, async (_request, reply) => {
    const all: Record<string, ReadinessCheck> = { ...informational, ...checks };
    const names = Object.keys(all);
    const results = await Promise.all(names.map((name) => runCheck(all[name]!)));
    const status = Object.fromEntries(names.map((name, i) => [name, results[i] ? 'up' : 'down']));
    const gating = names.every((name, i) => results[i] || !(name in checks));
    const ready = lifecycle.started && !lifecycle.draining && gating;
    const state = lifecycle.draining ? 'draining' : lifecycle.started ? (ready ? 'ready' : 'degraded') : 'starting';
    return reply.code(ready ? 200 : 503).send({ status: state, checks: status });
  });
}
