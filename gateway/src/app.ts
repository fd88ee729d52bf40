/**
 * The gateway: request id, security headers, health and metrics from the service kit, then every
 * public service prefix behind edge authentication and its proxy. Builds the app; never listens.
 *
 * Order of a proxied request: request id → CORS (preflights end here) → rate limit → edge auth →
 * body limit → proxy. `/docs` (merged OpenAPI of every service) is public and not rate limited.
 */
import { createTokenVerifier, type TokenVerifier } from '@orderly/auth-verify';
import { createServiceApp, type ServiceApp } from '@orderly/service-kit';
import edgeAuth from './auth.plugin.ts';
import type { GatewayConfig } from './config.ts';
import cors from './cors.plugin.ts';
import docs from './docs.plugin.ts';
import { createProxyTrust } from './forwarded-headers.ts';
import { healthRoutes } from './health.routes.ts';
import { startHealthChecks, type HealthChecks } from './instance-health.ts';
import proxy from './proxy.plugin.ts';
import rateLimit from './rate-limit.plugin.ts';
import { createRateLimitRedis } from './rate-limit-redis.ts';
import { guardUpstream } from './upstream-guards.ts';
import { createUpstreamMetrics } from './upstream-metrics.ts';
import { createUpstreams, type Upstream } from './upstreams.ts';

/** What the composition root (or a test) may supply instead of the defaults. */
export interface GatewayDeps {
  /** Reported in logs and the OpenAPI document. */
  version?: string;
  /** Token verifier to use instead of one built from JWKS_URL; the caller then closes it. */
  verifier?: TokenVerifier;
}

/** How long start-up waits for Redis before serving without it (rate limits then fail open). */
const REDIS_START_WAIT_MS = 2_000;

/** The built gateway: the service kit's app, lifecycle and registry, and the upstreams it routes to. */
export interface Gateway extends ServiceApp {
  upstreams: readonly Upstream[];
}

/** Builds the gateway from its configuration; instance health checks run between ready and close. */
export async function buildGateway(config: GatewayConfig, deps: GatewayDeps = {}): Promise<Gateway> {
  const service = await createServiceApp({
    name: 'gateway',
    version: deps.version ?? '0.0.0',
    logLevel: config.LOG_LEVEL,
    description: 'The public entry point: routes /v1/* to the services and verifies access tokens at the edge.',
    bodyLimit: config.BODY_LIMIT,
    clientTimeouts: { headersMs: config.CLIENT_HEADERS_TIMEOUT_MS, requestMs: config.CLIENT_REQUEST_TIMEOUT_MS },
  });
  const { app, registry } = service;
  const upstreams = createUpstreams(config);
  const verifier =
    deps.verifier ??
    createTokenVerifier({ jwksUrl: config.JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, logger: app.log });
  const metrics = createUpstreamMetrics(registry);
  const trust = createProxyTrust(config.trustedProxies);
  const redis = createRateLimitRedis({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    logger: app.log,
  });
  // Rate limits fail open without Redis: reported by /health/ready, never gating it.
  service.informational.redis = redis.ping;
  app.addHook('onReady', async () => {
    await redis.connected(REDIS_START_WAIT_MS);
  });
  app.addHook('onClose', async () => redis.close());

  await app.register(cors, { origins: config.corsOrigins });
  await app.register(docs, {
    services: upstreams,
    version: deps.version ?? '0.0.0',
    refreshMs: config.DOCS_REFRESH_INTERVAL_MS,
    fetchTimeoutMs: config.HEALTH_CHECK_TIMEOUT_MS,
  });
  const guarded = upstreams.map((upstream) => guardUpstream(upstream, config, metrics, app.log));

  healthRoutes(app, guarded);

  await app.register(async function proxiedRoutes(edge) {
    await edge.register(rateLimit, {
      redis,
      verifier,
      trust,
      registry,
      general: { max: config.RATE_LIMIT_MAX, windowSeconds: config.rateLimitWindowSeconds },
      login: { max: config.LOGIN_RATE_LIMIT_MAX, windowSeconds: config.loginRateLimitWindowSeconds },
      loginIp: { max: config.LOGIN_IP_RATE_LIMIT_MAX, windowSeconds: config.loginRateLimitWindowSeconds },
    });
    await edge.register(edgeAuth, { verifier });
    for (const guard of guarded) {
      await edge.register(proxy, {
        ...guard,
        trust,
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        idleTimeoutMs: config.UPSTREAM_IDLE_TIMEOUT_MS,
        bodyLimit: config.BODY_LIMIT,
      });
    }
  });

  let healthChecks: HealthChecks | undefined;
  app.addHook('onReady', async () => {
    healthChecks = startHealthChecks(upstreams, {
      intervalMs: config.HEALTH_CHECK_INTERVAL_MS,
      timeoutMs: config.HEALTH_CHECK_TIMEOUT_MS,
      logger: app.log,
    });
  });
  app.addHook('onClose', async () => {
    healthChecks?.stop();
    for (const { breaker } of guarded) breaker.shutdown();
    if (deps.verifier === undefined) verifier.close();
  });
  return { ...service, upstreams };
}
