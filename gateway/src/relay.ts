/**
 * One proxied request: the service's breaker admits it (or it gets a 503 at once, no instance
 * touched), the balancer picks an instance, the request streams to that instance's connection pool
 * and the answer streams back untouched, 5xx included. The outcome feeds the breaker (connection
 * errors, time-outs and 5xx fail; any other answer succeeds) and the balancer (connection errors
 * count towards ejection). A GET or HEAD without body whose connection was refused or reset goes
 * once to another instance; no other request is ever sent twice.
 *
 * The time-out runs from dispatch to response headers, waiting for a free connection included:
 * when it expires the client gets its 504 at once and the upstream request is aborted.
 */
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { sendProblem } from '@orderly/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { Balancer } from './balancer.ts';
import type { Admission, Breaker } from './breaker.ts';
import type { ProxyTrust } from './forwarded-headers.ts';
import { isForwardablePath } from './forwarded-path.ts';
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
  /** Longest wait from dispatch to response headers. */
  timeoutMs: number;
}

/** Handles one request to the service: answers it from an instance, or with a problem. */
export type Relay = (request: FastifyRequest, reply: FastifyReply) => void;

interface Exchange {
  request: FastifyRequest;
  reply: FastifyReply;
  admission: Admission;
  headers: IncomingHttpHeaders;
  /** Whether a refused or reset connection may be retried on another instance (GET/HEAD, no body, not yet retried). */
  retry: boolean;
  /** Set once the client's answer is decided; later upstream outcomes are ignored. */
  settled: boolean;
  startedAt: number;
  deadline: NodeJS.Timeout | undefined;
  /** Aborts the attempt in flight (undici listens for `abort`). */
  attempt: EventEmitter | undefined;
}

const SERVER_ERROR = new Error('the upstream answered with a 5xx status');
const BAD_STATUS = Object.assign(new Error('the upstream answered with an invalid status'), { code: 'BAD_STATUS' });
const TIMED_OUT = Object.assign(new Error('no response headers within the upstream time-out'), { code: 'UND_ERR_HEADERS_TIMEOUT' });

/** Builds the relay of one service. */
export function createRelay(parts: RelayParts): Relay {
  const { breaker, balancer, pools, trust, metrics, timeoutMs } = parts;
  const { service } = parts.upstream;
  const open = circuitOpenProblem(service);

  function settle(exchange: Exchange): void {
    exchange.settled = true;
    clearTimeout(exchange.deadline);
  }

  function fail(exchange: Exchange, kind: UpstreamFailure, error: unknown): void {
    settle(exchange);
    const { request, reply, admission } = exchange;
    if (kind === 'client') {
      admission.resolve();
      request.log.info({ err: error, service }, 'request could not be forwarded');
    } else {
      admission.reject(error as Error);
      request.log.warn({ err: error, service, failure: kind }, 'upstream request failed');
    }
    if (reply.raw.destroyed) return;
    const problem = upstreamProblem(service, kind, error);
    sendProblem(reply, problem.status, problem.code, problem.detail);
  }

  function expire(exchange: Exchange): void {
    if (exchange.settled) return;
    metrics.observe(0, (performance.now() - exchange.startedAt) / 1000);
    exchange.attempt?.emit('abort');
    fail(exchange, 'timeout', TIMED_OUT);
  }

  function answer(exchange: Exchange, response: Dispatcher.ResponseData): void {
    const { request, reply, admission } = exchange;
    const { statusCode } = response;
    settle(exchange);
    if (statusCode >= 500) admission.reject(SERVER_ERROR);
    else admission.resolve();
    if (reply.raw.destroyed) return void response.body.destroy();
    copyResponseHeaders(response.headers, reply);
    // The client's connection cannot carry another request while its body is unread.
    if (!request.raw.complete) reply.header('connection', 'close');
    reply.code(statusCode).send(response.body);
  }

  function send(exchange: Exchange, instance: UpstreamInstance): void {
    const { request, reply } = exchange;
    const attempt = new EventEmitter();
    const body = (request.body ?? undefined) as Readable | undefined;
    const options = { path: request.url, method: request.method as Dispatcher.HttpMethod, headers: exchange.headers, body, signal: attempt };
    exchange.attempt = attempt;
    exchange.startedAt = performance.now();
    pools[instance.index]!.request(options, (error, response) => {
      if (exchange.settled) return void response?.body?.destroy();
      const seconds = (performance.now() - exchange.startedAt) / 1000;
      if (error === null) {
        balancer.answered(instance);
        metrics.observe(response.statusCode, seconds);
        if (response.statusCode <= 599) return answer(exchange, response);
        response.body.destroy();
        return fail(exchange, 'other', BAD_STATUS);
      }
      metrics.observe(0, seconds);
      if (reply.raw.destroyed) {
        settle(exchange);
        return exchange.admission.resolve();
      }
      const kind = classifyFailure(error);
      if (isConnectionFailure(kind)) balancer.connectionFailed(instance, kind === 'refused');
      const other = exchange.retry && (kind === 'refused' || kind === 'reset') ? balancer.pickOther(instance) : undefined;
      if (other === undefined) return fail(exchange, kind, error);
      exchange.retry = false;
      metrics.retried();
      send(exchange, other);
    });
  }

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
    const retry = request.body == null && (request.method === 'GET' || request.method === 'HEAD');
    const headers = upstreamRequestHeaders(request, trust);
    const exchange: Exchange = { request, reply, admission, headers, retry, settled: false, startedAt: 0, deadline: undefined, attempt: undefined };
    exchange.deadline = setTimeout(expire, timeoutMs, exchange);
    send(exchange, balancer.pick());
  };
}
