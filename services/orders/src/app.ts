import { isPostgresReady } from '@orderly/postgres';
import { createServiceApp, type ReadinessCheck, type ServiceApp } from '@orderly/service-kit';
import type { OrdersDeps } from './deps.ts';

export interface OrdersAppOptions {
  logLevel: string;
  version: string;
  readiness?: Record<string, ReadinessCheck>;
}

/** Builds the orders app; its feature routes arrive with their issue. */
export async function buildApp(deps: OrdersDeps, options: OrdersAppOptions): Promise<ServiceApp> {
  return createServiceApp({
    name: 'orders',
    version: options.version,
    logLevel: options.logLevel,
    description: 'Orders: placing, listing and moving orders through their lifecycle.',
    readiness: { postgres: () => isPostgresReady(deps.pool), redis: async () => (await deps.redis.ping()) === 'PONG', ...options.readiness },
  });
}
