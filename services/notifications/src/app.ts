import { isPostgresReady } from '@orderly/postgres';
import { createServiceApp, type ReadinessCheck, type ServiceApp } from '@orderly/service-kit';
import type { NotificationsDeps } from './deps.ts';

export interface NotificationsAppOptions {
  logLevel: string;
  version: string;
  readiness?: Record<string, ReadinessCheck>;
}

/** Builds the notifications app; its feature routes arrive with their issue. */
export async function buildApp(deps: NotificationsDeps, options: NotificationsAppOptions): Promise<ServiceApp> {
  return createServiceApp({
    name: 'notifications',
    version: options.version,
    logLevel: options.logLevel,
    description: 'Notifications: in-app list, live stream and e-mail for order and account events.',
    readiness: { postgres: () => isPostgresReady(deps.pool), ...options.readiness },
  });
}
