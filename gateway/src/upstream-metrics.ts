/**
 * The gateway's upstream metrics, each recorder bound to one service at start so the hot path
 * allocates no label objects:
 *
 * - `orderly_gateway_upstream_request_duration_seconds{service,status_class}`: time to response
 *   headers (or to the failure); `status_class` is `2xx`…`5xx`, or `error` when no response came.
 * - `orderly_gateway_breaker_state{service}`: 0 closed, 1 half-open, 2 open.
 * - `orderly_gateway_breaker_transitions_total{service,to}`, `orderly_gateway_breaker_rejections_total{service}`.
 * - `orderly_gateway_upstream_retries_total{service}`, `orderly_gateway_instance_ejections_total{service}`.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState } from './breaker.ts';

/** Records one upstream exchange: its status code (0 when no response came) and duration. */
export type ObserveUpstream = (statusCode: number, seconds: number) => void;

/** The recorders of one service. */
export interface ServiceMetrics {
  observe: ObserveUpstream;
  breakerStateChanged(state: BreakerState): void;
  breakerRejected(): void;
  retried(): void;
  ejected(): void;
}

/** The gateway's upstream metrics. */
export interface UpstreamMetrics {
  forService(service: string): ServiceMetrics;
}

/** Name of the upstream duration histogram. */
export const UPSTREAM_DURATION_METRIC = 'orderly_gateway_upstream_request_duration_seconds';
const STATUS_CLASSES = ['error', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;
const STATE_VALUES: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Registers the upstream metrics in `registry`. */
export function createUpstreamMetrics(registry: Registry): UpstreamMetrics {
  const registers = [registry];
  const duration = new Histogram({
    name: UPSTREAM_DURATION_METRIC,
    help: 'Time to upstream response headers by service and status class (error: no response)',
    labelNames: ['service', 'status_class'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const state = new Gauge({
    name: 'orderly_gateway_breaker_state',
    help: 'Circuit breaker state by service: 0 closed, 1 half-open, 2 open',
    labelNames: ['service'] as const,
    registers,
  });
  const transitions = new Counter({
    name: 'orderly_gateway_breaker_transitions_total',
    help: 'Circuit breaker state changes by service and new state',
    labelNames: ['service', 'to'] as const,
    registers,
  });
  const rejections = new Counter({
    name: 'orderly_gateway_breaker_rejections_total',
    help: 'Requests refused with 503 by an open circuit breaker, by service',
    labelNames: ['service'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'orderly_gateway_upstream_retries_total',
    help: 'Idempotent requests sent again to another instance after a refused or reset connection',
    labelNames: ['service'] as const,
    registers,
  });
  const ejections = new Counter({
    name: 'orderly_gateway_instance_ejections_total',
    help: 'Instances taken out of rotation after connection errors, by service',
    labelNames: ['service'] as const,
    registers,
  });

  return {
    forService(service) {
      const byClass = STATUS_CLASSES.map((statusClass) => duration.labels(service, statusClass));
      const stateGauge = state.labels(service);
      const rejected = rejections.labels(service);
      const retried = retries.labels(service);
      const ejected = ejections.labels(service);
      stateGauge.set(0);
      for (const counter of [rejected, retried, ejected]) counter.inc(0);
      for (const to of Object.keys(STATE_VALUES)) transitions.labels(service, to).inc(0);
      return {
        observe(statusCode, seconds) {
          const index = statusCode >= 100 && statusCode < 600 ? Math.trunc(statusCode / 100) : 0;
          byClass[index]!.observe(seconds);
        },
        breakerStateChanged(to) {
          stateGauge.set(STATE_VALUES[to]);
          transitions.labels(service, to).inc();
        },
        breakerRejected: () => rejected.inc(),
        retried: () => retried.inc(),
        ejected: () => ejected.inc(),
      };
    },
  };
}
