/**
 * What stands between the proxy and a service's instances: the service's breaker and balancer,
 * wired to the metrics and the log. Every service has its own, so one failing service never
 * trips, slows or empties another's.
 */
import type { GatewayConfig } from './config.ts';
import { createBalancer, type Balancer } from './balancer.ts';
import { createBreaker, type Breaker } from './breaker.ts';
import type { ServiceMetrics, UpstreamMetrics } from './upstream-metrics.ts';
import type { Upstream } from './upstreams.ts';

/** The subset of a pino logger the guards write to. */
export interface GuardLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** A service's upstream with the breaker and balancer that guard it, and its metrics. */
export interface GuardedUpstream {
  upstream: Upstream;
  breaker: Breaker;
  balancer: Balancer;
  metrics: ServiceMetrics;
}

/** The configuration the guards are built from. */
export type GuardConfig = Pick<
  GatewayConfig,
  | 'BREAKER_ERROR_THRESHOLD_PERCENTAGE'
  | 'BREAKER_VOLUME_THRESHOLD'
  | 'BREAKER_ROLLING_WINDOW_MS'
  | 'BREAKER_RESET_TIMEOUT_MS'
  | 'EJECTION_COOLDOWN_MS'
  | 'EJECTION_CONSECUTIVE_ERRORS'
>;

/** Builds the breaker and balancer of `upstream`; call `breaker.shutdown()` when the gateway closes. */
export function guardUpstream(upstream: Upstream, config: GuardConfig, allMetrics: UpstreamMetrics, logger: GuardLogger): GuardedUpstream {
  const { service } = upstream;
  const metrics = allMetrics.forService(service);
  const breaker = createBreaker(
    service,
    {
      errorThresholdPercentage: config.BREAKER_ERROR_THRESHOLD_PERCENTAGE,
      volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
      rollingWindowMs: config.BREAKER_ROLLING_WINDOW_MS,
      resetTimeoutMs: config.BREAKER_RESET_TIMEOUT_MS,
    },
    {
      stateChanged(state) {
        metrics.breakerStateChanged(state);
        if (state === 'closed') logger.info({ upstream: service, breaker: state }, 'upstream breaker closed');
        else logger.warn({ upstream: service, breaker: state }, `upstream breaker ${state}`);
      },
      rejected: metrics.breakerRejected,
    },
  );
  const balancer = createBalancer(
    upstream,
    { cooldownMs: config.EJECTION_COOLDOWN_MS, consecutiveErrors: config.EJECTION_CONSECUTIVE_ERRORS },
    (instance, until) => {
      metrics.ejected();
      const details = { upstream: service, instance: instance.origin, until: new Date(until).toISOString() };
      logger.warn(details, 'upstream instance ejected after connection errors');
    },
  );
  return { upstream, breaker, balancer, metrics };
}
