/**
 * One proxied request: the service's breaker admits it (or it gets a 503 at once, no instance
 * touched), the balancer picks an instance, the request streams to that instance's connection pool
 * and the answer streams back untouched, 5xx included. The outcome feeds the breaker (connection
 * errors, time-outs and 5xx fail; any other answer succeeds) and the balancer (connection errors
 * count towards ejection). A GET or HEAD without body whose connection was refused or reset goes
 * once to another instance; no other request is ever sent twice.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { sendProblem } from '@orderly/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { Balancer } from './balancer.ts';
import type { Admission, Breaker } from './breaker.ts';
import type { ProxyTrust } from './forwarded-headers.ts';
import { circuitOpenProblem, classifyFailure, isConnectionFailure, upstreamProblem, type UpstreamFailure } from './upstream-errors.ts';
import { copyResponseHeaders, upstreamRequestHeaders } from './upstream-headers.ts';
import type { ServiceMetrics } from './upstream-metrics.ts';
import type { Upstream, UpstreamInstance } from './upstreams.ts';

/** What a service's relay works with. */
export interface RelayParts {
  upstream: Upstream;
  breaker: Breaker;
  balancer: Balancer;
  /** A connection pool per instance, in instance order. */
  pools: readonly Dispatcher[];
  trust: ProxyTrust;
  metrics: ServiceMetrics;
}

/** Handles one request to the service: answers it from an instance, or with a problem. */
export type Relay = (request: FastifyRequest, reply: FastifyReply) => void;

const SERVER_ERROR = new Error('the upstream answered with a 5xx status');
const BAD_STATUS = Object.assign(new Error('the upstream answered with an invalid status'), { code: 'BAD_STATUS' });

function retriable(kind: UpstreamFailure): boolean {
  return kind === 'refused' || kind === 'reset';
}

/** Builds the relay of one service. */
export function createRelay(parts: RelayParts): Relay {
  const { breaker, balancer, pools, trust, metrics } = parts;
  const { service } = parts.upstream;
  const open = circuitOpenProblem(service);

  function answerFailure(request: FastifyRequest, reply: FastifyReply, admission: Admission, kind: UpstreamFailure, error: unknown): void {
    if (kind === 'client') admission.resolve();
    else admission.reject(error as Error);
    request.log.warn({ err: error, service, failure: kind }, 'upstream request failed');
    const problem = upstreamProblem(service, kind, error);
    sendProblem(reply, problem.status, problem.code, problem.detail);
  }

  function send(request: FastifyRequest, reply: FastifyReply, admission: Admission, instance: UpstreamInstance, headers: IncomingHttpHeaders, retry: boolean): void {
    const method = request.method as Dispatcher.HttpMethod;
    const body = (request.body ?? undefined) as Readable | undefined;
    const startedAt = performance.now();
    pools[instance.index]!.request({ path: request.url, method, headers, body }, (error, response) => {
      const seconds = (performance.now() - startedAt) / 1000;
      if (error !== null) {
        metrics.observe(0, seconds);
        if (reply.raw.destroyed) return admission.resolve();
        const kind = classifyFailure(error);
        if (isConnectionFailure(kind)) balancer.connectionFailed(instance, kind === 'refused');
        const other = retry && retriable(kind) ? balancer.pickOther(instance) : undefined;
        if (other === undefined) return answerFailure(request, reply, admission, kind, error);
        metrics.retried();
        return send(request, reply, admission, other, headers, false);
      }
      const { statusCode } = response;
      balancer.answered(instance);
      metrics.observe(statusCode, seconds);
      if (statusCode > 599) {
        response.body.destroy();
        return answerFailure(request, reply, admission, 'other', BAD_STATUS);
      }
      if (statusCode >= 500) admission.reject(SERVER_ERROR);
      else admission.resolve();
      if (reply.raw.destroyed) return void response.body.destroy();
      copyResponseHeaders(response.headers, reply);
      // The client's connection cannot carry another request while its body is unread.
      if (!request.raw.complete) reply.header('connection', 'close');
      reply.code(statusCode).send(response.body);
    });
  }

  return function relay(request, reply) {
    const admission = breaker.admit();
    if (admission === undefined) {
      reply.header('retry-after', String(breaker.retryAfterSeconds()));
      sendProblem(reply, open.status, open.code, open.detail);
      return;
    }
    const retry = request.body == null && (request.method === 'GET' || request.method === 'HEAD');
    send(request, reply, admission, balancer.pick(), upstreamRequestHeaders(request, trust), retry);
  };
}
