import { isPostgresReady } from '@orderly/postgres';
import { createServiceApp, type ReadinessCheck, type ServiceApp } from '@orderly/service-kit';
import type { OrdersDeps } from './deps.ts';
import { ordersRoutes } from './orders/orders.routes.ts';

export interface OrdersAppOptions {
  logLevel: string;
  version: string;
  /** Extra readiness checks from the composition root (e.g. the outbox relay's broker link). */
  readiness?: Record<string, ReadinessCheck>;
}

/**
 * Builds the orders app. Readiness is gated by Postgres only: Redis is a read cache that the service
 * works without (SPEC: Redis down → reads from Postgres), so an outage of it is reported in
 * /health/ready but must not take every replica out of the load balancer; its failures also show
 * in `orderly_orders_cache_errors_total`.
 */
export async function buildApp(deps: OrdersDeps, options: OrdersAppOptions): Promise<ServiceApp> {
  const service = await createServiceApp({
    name: 'orders',
    version: options.version,
    logLevel: options.logLevel,
    description: 'Orders: placing, listing and moving orders through their lifecycle.',
    readiness: { postgres: () => isPostgresReady(deps.pool), ...options.readiness },
    informational: { redis: async () => (await deps.redis.ping()) === 'PONG' },
  });
  for (const metric of deps.cache.metrics) service.registry.registerMetric(metric);
  ordersRoutes(service.app, deps);
  return service;
}
