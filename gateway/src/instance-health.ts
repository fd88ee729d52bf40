/**
 * Polls every instance's `/health/ready` and records the verdict on the instance. One round at a
 * time (the next starts `intervalMs` after the previous ended), each check bounded by `timeoutMs`.
 * An instance found `down` (not ready, e.g. draining, or unreachable) leaves the balancer's
 * rotation until a later check finds it ready.
 */
import type { InstanceStatus, Upstream, UpstreamInstance } from './upstreams.ts';

/** The subset of a pino logger the checker writes to. */
export interface HealthCheckLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** How often (`intervalMs` between rounds) and how long (`timeoutMs` per check) to probe. */
export interface HealthCheckOptions {
  intervalMs: number;
  timeoutMs: number;
  logger: HealthCheckLogger;
}

/** A running health checker. */
export interface HealthChecks {
  stop(): void;
}

const READY_PATH = '/health/ready';

/** Starts polling at once; `stop()` aborts checks in flight and ends the loop. */
export function startHealthChecks(upstreams: readonly Upstream[], options: HealthCheckOptions): HealthChecks {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;

  async function round(): Promise<void> {
    await Promise.all(
      upstreams.flatMap((upstream) => upstream.instances.map((instance) => checkInstance(upstream, instance))),
    );
    if (!stopping.signal.aborted) timer = setTimeout(runRound, options.intervalMs).unref();
  }

  function runRound(): void {
    void round();
  }

  async function checkInstance(upstream: Upstream, instance: UpstreamInstance): Promise<void> {
    const [status, reason] = await probe(instance.origin, options.timeoutMs, stopping.signal);
    if (stopping.signal.aborted) return;
    const previous = instance.status;
    instance.status = status;
    instance.reason = reason;
    instance.checkedAt = new Date().toISOString();
    if (status !== previous) {
      const details = { upstream: upstream.service, instance: instance.origin, status, reason };
      if (status === 'up') options.logger.info(details, 'upstream instance is up');
      else options.logger.warn(details, 'upstream instance is down');
    }
  }

  runRound();
  return {
    stop() {
      stopping.abort();
      clearTimeout(timer);
    },
  };
}

async function probe(origin: string, timeoutMs: number, stopping: AbortSignal): Promise<[InstanceStatus, string | null]> {
  try {
    const signal = AbortSignal.any([stopping, AbortSignal.timeout(timeoutMs)]);
    const response = await fetch(origin + READY_PATH, { signal, redirect: 'manual', headers: { accept: 'application/json' } });
    await response.body?.cancel();
    return response.status === 200 ? ['up', null] : ['down', `not ready (HTTP ${response.status})`];
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    return ['down', name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'unreachable'];
  }
}
