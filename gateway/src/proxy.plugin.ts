/**
 * Forwards one service's public prefix (`/v1/orders`, `/v1/orders/*`) to its instances, path and
 * query unchanged; request bodies stream, and so do answers except small ones (see exchange.ts).
 *
 * @fastify/http-proxy registers the routes (every method, prefix and catch-all) and passes bodies
 * through unparsed; the relay (relay.ts) answers each request from the routes' preHandler, which
 * Fastify documents as ending the request's lifecycle, so neither http-proxy's handler nor
 * @fastify/reply-from runs. The relay needs what one `reply.from()` call cannot give: the breaker's
 * verdict before any instance is chosen, the instance that failed (for ejection) and a retry on
 * *another* instance; and the hot path skips the three to five URL parses per request of
 * http-proxy's destination check and reply-from (forwarded-path.ts applies the same rule).
 * Each instance has its own undici pool, so a slow instance or service only fills its own
 * connections.
 */
import httpProxy from '@fastify/http-proxy';
import type { FastifyInstance } from 'fastify';
import { Pool } from 'undici';
import type { Balancer } from './balancer.ts';
import { limitBody } from './body-limit.ts';
import type { Breaker } from './breaker.ts';
import type { ProxyTrust } from './forwarded-headers.ts';
import { createRelay } from './relay.ts';
import type { ServiceMetrics } from './upstream-metrics.ts';
import type { Upstream } from './upstreams.ts';

/** Options of {@link proxyPlugin}, checked at registration. */
export interface ProxyOptions {
  upstream: Upstream;
  breaker: Breaker;
  balancer: Balancer;
  /** Longest wait from dispatch to response headers, a free connection included; then 504 and the request is aborted. */
  timeoutMs: number;
  /** Longest silence inside a response body; 0 disables. */
  idleTimeoutMs: number;
  bodyLimit: number;
  trust: ProxyTrust;
  metrics: ServiceMetrics;
  /** Connections kept per instance (default {@link CONNECTIONS_PER_INSTANCE}); beyond, requests queue. */
  connections?: number;
}

/** Connections kept per instance; beyond that, requests queue in the pool. */
export const CONNECTIONS_PER_INSTANCE = 128;

function checkOptions(options: ProxyOptions): void {
  const fail = (message: string): never => {
    throw new TypeError(`proxyPlugin: ${message}`);
  };
  if (!Array.isArray(options.upstream?.instances) || options.upstream.instances.length === 0) fail('"upstream" must be an Upstream');
  if (typeof options.breaker?.admit !== 'function') fail('"breaker" must be a Breaker');
  if (typeof options.balancer?.pick !== 'function') fail('"balancer" must be a Balancer');
  if (!Number.isInteger(options.timeoutMs) || options.timeoutMs < 1) fail('"timeoutMs" must be a positive integer');
  if (!Number.isInteger(options.idleTimeoutMs) || options.idleTimeoutMs < 0) fail('"idleTimeoutMs" must be an integer ≥ 0');
  if (typeof options.trust !== 'function') fail('"trust" must be a function');
  if (typeof options.metrics?.observe !== 'function') fail('"metrics" must be ServiceMetrics');
  if (options.connections !== undefined && (!Number.isInteger(options.connections) || options.connections < 1)) {
    fail('"connections" must be a positive integer');
  }
}

async function proxyPlugin(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  checkOptions(options);
  const { upstream, timeoutMs } = options;
  const pools = upstream.instances.map(
    (instance) =>
      new Pool(instance.origin, {
        connections: options.connections ?? CONNECTIONS_PER_INSTANCE,
        headersTimeout: timeoutMs,
        bodyTimeout: options.idleTimeoutMs,
        // Half the budget: a black-holed instance is recognised (and counted towards its ejection)
        // before the request's own time-out, which would not say why.
        connect: { timeout: Math.ceil(timeoutMs / 2) },
      }),
  );
  app.addHook('onClose', async () => {
    await Promise.all(pools.map((pool) => pool.destroy()));
  });
  app.addHook('preParsing', limitBody(options.bodyLimit));
  // Each service documents its own paths; the gateway's document must not show catch-all routes.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });

  const relay = createRelay({ ...options, pools });
  await app.register(httpProxy, {
    // Never dialled: the relay chooses the instance and answers before http-proxy's handler.
    upstream: upstream.instances[0]!.origin,
    prefix: upstream.prefix,
    rewritePrefix: upstream.prefix,
    internalRewriteLocationHeader: false,
    disableRequestLogging: true,
    destroyAgent: true,
    // Answers every request itself and never calls `done`: the route's handler is not reached.
    preHandler: relay,
  });
}

/** Registers the proxy for one upstream; register it in the scope whose hooks (auth) must apply. */
export default proxyPlugin;
