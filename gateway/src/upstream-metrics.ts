import { Histogram, type Registry } from 'prom-client';

/** Records one upstream exchange: its status code (0 when no response came) and duration. */
export type ObserveUpstream = (statusCode: number, seconds: number) => void;

/** The gateway's upstream metrics. */
export interface UpstreamMetrics {
  /** A recorder bound to one service, so the hot path allocates no label objects. */
  forService(service: string): ObserveUpstream;
}

/** Name of the upstream duration histogram. */
export const UPSTREAM_DURATION_METRIC = 'orderly_gateway_upstream_request_duration_seconds';
const STATUS_CLASSES = ['error', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/**
 * Time from dispatching a request upstream to its response headers (or to the failure), by service
 * and status class; `error` means no response (refused, reset, timed out).
 */
export function createUpstreamMetrics(registry: Registry): UpstreamMetrics {
  const histogram = new Histogram({
    name: UPSTREAM_DURATION_METRIC,
    help: 'Time to upstream response headers by service and status class (error: no response)',
    labelNames: ['service', 'status_class'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    forService(service) {
      const byClass = STATUS_CLASSES.map((statusClass) => histogram.labels(service, statusClass));
      return (statusCode, seconds) => {
        const index = statusCode >= 100 && statusCode < 600 ? Math.trunc(statusCode / 100) : 0;
        byClass[index]!.observe(seconds);
      };
    },
  };
}
