/**
 * Forwards one service's public prefix (`/v1/orders`, `/v1/orders/*`) to its instances with
 * @fastify/http-proxy, path and query unchanged. Bodies stream both ways and are never buffered.
 * No retries here: an idempotent retry on another instance arrives with instance ejection.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import httpProxy, { type FastifyHttpProxyOptions } from '@fastify/http-proxy';
import { REQUEST_ID_HEADER, sendProblem } from '@orderly/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { limitBody } from './body-limit.ts';
import { setForwardedHeaders, stripIdentityHeaders, type ProxyTrust } from './forwarded-headers.ts';
import { upstreamProblem } from './upstream-errors.ts';
import type { ObserveUpstream } from './upstream-metrics.ts';
import type { Upstream } from './upstreams.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when the request was handed to the upstream connection pool. */
    upstreamStartedAt: number;
  }
}

/** Options of {@link proxyPlugin}, checked at registration. */
export interface ProxyOptions {
  upstream: Upstream;
  /** Longest wait for response headers (and for a connection); the request is then aborted. */
  timeoutMs: number;
  /** Longest silence inside a response body; 0 disables. */
  idleTimeoutMs: number;
  bodyLimit: number;
  trust: ProxyTrust;
  observe: ObserveUpstream;
}

type ReplyOptions = NonNullable<FastifyHttpProxyOptions['replyOptions']>;
type ProxiedRequest = Parameters<NonNullable<ReplyOptions['rewriteRequestHeaders']>>[0];
type ProxiedReply = Parameters<NonNullable<ReplyOptions['onError']>>[0];

/** Connections kept per instance; beyond that, requests queue in the pool. */
export const CONNECTIONS_PER_INSTANCE = 128;

function noRetry(): null {
  return null;
}

function checkOptions(options: ProxyOptions): void {
  const fail = (message: string): never => {
    throw new TypeError(`proxyPlugin: ${message}`);
  };
  if (typeof options.upstream?.pick !== 'function') fail('"upstream" must be an Upstream');
  if (!Number.isInteger(options.timeoutMs) || options.timeoutMs < 1) fail('"timeoutMs" must be a positive integer');
  if (!Number.isInteger(options.idleTimeoutMs) || options.idleTimeoutMs < 0) fail('"idleTimeoutMs" must be an integer ≥ 0');
  if (typeof options.trust !== 'function') fail('"trust" must be a function');
  if (typeof options.observe !== 'function') fail('"observe" must be a function');
}

async function proxyPlugin(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  checkOptions(options);
  const { upstream, trust, observe } = options;
  const { service, prefix } = upstream;

  app.decorateRequest('upstreamStartedAt', 0);
  app.addHook('preParsing', limitBody(options.bodyLimit));
  // Each service documents its own paths; the gateway's document must not show catch-all routes.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });

  function rewriteRequestHeaders(request: ProxiedRequest, headers: IncomingHttpHeaders): IncomingHttpHeaders {
    stripIdentityHeaders(headers);
    setForwardedHeaders(request as FastifyRequest, headers, trust);
    headers[REQUEST_ID_HEADER] = request.id;
    request.upstreamStartedAt = performance.now();
    return headers;
  }

  function rewriteHeaders(headers: IncomingHttpHeaders, request?: ProxiedRequest): IncomingHttpHeaders {
    delete headers.connection;
    delete headers['keep-alive'];
    if (request !== undefined) headers[REQUEST_ID_HEADER] = request.id;
    return headers;
  }

  function onResponse(request: ProxiedRequest, reply: ProxiedReply, res: { statusCode: number; stream: unknown }): void {
    observe(res.statusCode, (performance.now() - request.upstreamStartedAt) / 1000);
    reply.send(res.stream);
  }

  function onError(reply: ProxiedReply, { error }: { error: Error }): void {
    const startedAt = reply.request.upstreamStartedAt;
    if (startedAt > 0) observe(0, (performance.now() - startedAt) / 1000);
    const problem = upstreamProblem(service, error);
    sendProblem(reply as FastifyReply, problem.status, problem.code, problem.detail);
  }

  await app.register(httpProxy, {
    upstream: '',
    prefix,
    rewritePrefix: prefix,
    internalRewriteLocationHeader: false,
    disableRequestLogging: true,
    destroyAgent: true,
    undici: {
      connections: CONNECTIONS_PER_INSTANCE,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.idleTimeoutMs,
      // reply-from turns TLS verification off unless told otherwise.
      connect: { timeout: options.timeoutMs, rejectUnauthorized: true },
    },
    replyOptions: {
      getUpstream: upstream.pick,
      // By default reply-from retries a GET answered 503 up to ten times; answers pass through as they are.
      retryDelay: noRetry,
      rewriteRequestHeaders,
      rewriteHeaders,
      onResponse,
      onError,
    },
  });
}

/** Registers the proxy for one upstream; register it in the scope whose hooks (auth) must apply. */
export default proxyPlugin;
