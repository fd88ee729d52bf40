import { isPostgresReady } from '@orderly/postgres';
import { createServiceApp, type ServiceApp } from '@orderly/service-kit';
import type { AuthDeps } from './deps.ts';
import { keysRoutes } from './keys/keys.routes.ts';
import { sessionsRoutes } from './sessions/sessions.routes.ts';
import { usersRoutes } from './users/users.routes.ts';

export interface AuthAppOptions {
  logLevel: string;
  version: string;
  /** Extra readiness checks from the composition root (e.g. the outbox relay's broker link). */
  readiness?: Record<string, () => Promise<boolean> | boolean>;
}

export async function buildApp(deps: AuthDeps, options: AuthAppOptions): Promise<ServiceApp> {
  const service = await createServiceApp({
    name: 'auth',
    version: options.version,
    logLevel: options.logLevel,
    description: 'Accounts, sign-in, tokens and the JWKS.',
    readiness: { postgres: () => isPostgresReady(deps.pool), ...options.readiness },
  });
  usersRoutes(service.app, deps);
  sessionsRoutes(service.app, deps);
  keysRoutes(service.app, deps);
  return service;
}
