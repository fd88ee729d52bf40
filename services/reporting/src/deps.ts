/** The composition root's wiring for the reporting service. */
import { createTokenVerifier, type TokenVerifier } from '@orderly/auth-verify';
import { createPool, type Pool } from '@orderly/postgres';
import type { Logger } from '@orderly/service-kit';
import { Redis } from 'ioredis';
import type { ReportingConfig } from './config.ts';

export interface ReportingDeps {
  pool: Pool;
  redis: Redis;
  verifier: TokenVerifier;
}

export function createDeps(config: ReportingConfig, logger: Logger): ReportingDeps {
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'orderly-reporting',
    onError: (err) => logger.warn({ err }, 'idle database connection failed'),
  });
  // A cache, not a store: commands fail fast while Redis is away instead of queueing.
  const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', (err) => logger.warn({ err }, 'redis connection failed'));
  const verifier = createTokenVerifier({ jwksUrl: config.JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  return { pool, redis, verifier };
}

export async function closeDeps(deps: ReportingDeps): Promise<void> {
  deps.redis.disconnect();
  await deps.pool.end();
}
