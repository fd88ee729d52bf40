/**
 * The gateway: request id, security headers, health and metrics from the service kit, then every
 * public service prefix behind edge authentication and its proxy. Builds the app; never listens.
 *
 * Order of a proxied request: request id → (rate limit) → edge auth → body limit → proxy.
 */
import { createTokenVerifier, type TokenVerifier } from '@orderly/auth-verify';
import { createServiceApp, type ServiceApp } from '@orderly/service-kit';
import edgeAuth from './auth.plugin.ts';
import type { GatewayConfig } from './config.ts';
import { createProxyTrust } from './forwarded-headers.ts';
import { healthRoutes } from './health.routes.ts';
import { startHealthChecks, type HealthChecks } from './instance-health.ts';
import proxy from './proxy.plugin.ts';
import { createUpstreamMetrics } from './upstream-metrics.ts';
import { createUpstreams, type Upstream } from './upstreams.ts';

/** What the composition root (or a test) may supply instead of the defaults. */
export interface GatewayDeps {
  /** Reported in logs and the OpenAPI document. */
  version?: string;
  /** Token verifier to use instead of one built from JWKS_URL; the caller then closes it. */
  verifier?: TokenVerifier;
}

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
  });
  const { app, registry } = service;
  const upstreams = createUpstreams(config);
  const verifier =
    deps.verifier ??
    createTokenVerifier({ jwksUrl: config.JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, logger: app.log });
  const metrics = createUpstreamMetrics(registry);
  const trust = createProxyTrust(config.trustedProxies);

  healthRoutes(app, upstreams);

  await app.register(async function proxiedRoutes(edge) {
    await edge.register(edgeAuth, { verifier });
    for (const upstream of upstreams) {
      await edge.register(proxy, {
        upstream,
        trust,
        observe: metrics.forService(upstream.service),
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
    if (deps.verifier === undefined) verifier.close();
  });
  return { ...service, upstreams };
}
