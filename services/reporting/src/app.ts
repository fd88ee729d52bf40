import { isPostgresReady } from '@orderly/postgres';
import { createServiceApp, type ReadinessCheck, type ServiceApp } from '@orderly/service-kit';
import type { ReportingDeps } from './deps.ts';

export interface ReportingAppOptions {
  logLevel: string;
  version: string;
  readiness?: Record<string, ReadinessCheck>;
}

/** Builds the reporting app; its feature routes arrive with their issue. */
export async function buildApp(deps: ReportingDeps, options: ReportingAppOptions): Promise<ServiceApp> {
  return createServiceApp({
    name: 'reporting',
    version: options.version,
    logLevel: options.logLevel,
    description: 'Reporting: sales and customer projections built from events.',
    readiness: { postgres: () => isPostgresReady(deps.pool), ...options.readiness },
    // A cache: reported, but an outage must not take every replica out of rotation.
    informational: { redis: async () => (await deps.redis.ping()) === 'PONG' },
  });
}
