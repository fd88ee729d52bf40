/** The composition root's wiring for the notifications service. */
import { createTokenVerifier, type TokenVerifier } from '@orderly/auth-verify';
import { createPool, type Pool } from '@orderly/postgres';
import type { Logger } from '@orderly/service-kit';
import type { NotificationsConfig } from './config.ts';

export interface NotificationsDeps {
  pool: Pool;
  verifier: TokenVerifier;
}

export function createDeps(config: NotificationsConfig, logger: Logger): NotificationsDeps {
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'orderly-notifications',
    onError: (err) => logger.warn({ err }, 'idle database connection failed'),
  });
  const verifier = createTokenVerifier({ jwksUrl: config.JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  return { pool, verifier };
}

export async function closeDeps(deps: NotificationsDeps): Promise<void> {
  await deps.pool.end();
}
