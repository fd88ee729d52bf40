/**
 * A service's relay: refuses paths that could leave the prefix (400) and, while the breaker is
 * open, everything (503 with Retry-After, no instance touched); otherwise hands the request to an
 * {@link Exchange} on the instance the balancer picks. Outcomes feed the balancer (connection
 * errors count towards ejection), the metrics and the log. Only a GET or HEAD without body whose
 * connection was refused or reset is tried again, once, on another instance.
 */
import { sendProblem } from '@orderly/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { Balancer } from './balancer.ts';
import type { Breaker } from './breaker.ts';
import { Exchange, type ExchangeContext } from './exchange.ts';
import type { ProxyTrust } from './forwarded-headers.ts';
import { isForwardablePath } from './forwarded-path.ts';
import { circuitOpenProblem, isConnectionFailure, upstreamProblem } from './upstream-errors.ts';
import { upstreamRequestHeaders } from './upstream-headers.ts';
import type { ServiceMetrics } from './upstream-metrics.ts';
import type { Upstream } from './upstreams.ts';

/** What a service's relay works with. */
export interface RelayParts {
  upstream: Upstream;
  breaker: Breaker;
  balancer: Balancer;
  /** A connection pool per instance, in instance order. */
  pools: readonly Dispatcher[];
  trust: ProxyTrust;
  metrics: ServiceMetrics;
  /** Longest wait from dispatch to response headers. */
  timeoutMs: number;
}

/** Handles one request to the service: answers it from an instance, or with a problem. */
export type Relay = (request: FastifyRequest, reply: FastifyReply) => void;

/** Builds the relay of one service. */
export function createRelay(parts: RelayParts): Relay {
  const { breaker, balancer, trust, metrics } = parts;
  const { service } = parts.upstream;
  const open = circuitOpenProblem(service);

  const context: ExchangeContext = {
    pools: parts.pools,
    timeoutMs: parts.timeoutMs,
    answered(instance, statusCode, seconds) {
      balancer.answered(instance);
      metrics.observe(statusCode, seconds);
    },
    failedTry(instance, kind, seconds, retry) {
      metrics.observe(0, seconds);
      if (!isConnectionFailure(kind)) return undefined;
      balancer.connectionFailed(instance, kind === 'refused');
      const other = retry && (kind === 'refused' || kind === 'reset') ? balancer.pickOther(instance) : undefined;
      if (other !== undefined) metrics.retried();
      return other;
    },
    fail(request, reply, kind, error) {
      if (kind === 'client') request.log.info({ err: error, service }, 'request could not be forwarded');
      else request.log.warn({ err: error, service, failure: kind }, 'upstream request failed');
      if (reply.raw.destroyed) return;
      const problem = upstreamProblem(service, kind, error);
      sendProblem(reply, problem.status, problem.code, problem.detail);
    },
  };

  return function relay(request, reply) {
    if (!isForwardablePath(request.url)) {
      sendProblem(reply, 400, 'bad-request', 'The request path is not allowed.');
      return;
    }
    const admission = breaker.admit();
    if (admission === undefined) {
      reply.header('retry-after', String(breaker.retryAfterSeconds()));
      sendProblem(reply, open.status, open.code, open.detail);
      return;
    }
    new Exchange(context, request, reply, admission, upstreamRequestHeaders(request, trust)).send(balancer.pick());
  };
}
