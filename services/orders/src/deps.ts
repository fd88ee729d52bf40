/** The composition root's wiring for the orders service. */
import { createTokenVerifier, type TokenVerifier } from '@orderly/auth-verify';
import { createPool, type Pool } from '@orderly/postgres';
import type { Logger } from '@orderly/service-kit';
import { Redis } from 'ioredis';
import type { OrdersConfig } from './config.ts';
import { createOrderCache, type OrderCache } from './orders/order-cache.ts';

export interface OrdersDeps {
  pool: Pool;
  redis: Redis;
  verifier: TokenVerifier;
  cache: OrderCache;
  idempotencyTtlHours: number;
}

/** What a test may replace: the verifier (tests verify against a local JWKS). */
export type DepsOverrides = Partial<Pick<OrdersDeps, 'verifier'>>;

export function createDeps(config: OrdersConfig, logger: Logger, overrides: DepsOverrides = {}): OrdersDeps {
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'orderly-orders',
    onError: (err) => logger.warn({ err }, 'idle database connection failed'),
  });
  // A cache, not a store: commands fail fast while Redis is away (or slow) instead of queueing.
  const redis = new Redis(config.REDIS_URL, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
  });
  redis.on('error', (err) => logger.warn({ err }, 'redis connection failed'));
  const verifier =
    overrides.verifier ?? createTokenVerifier({ jwksUrl: config.JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  const cache = createOrderCache({ redis, ttlSeconds: config.ORDERS_CACHE_TTL_SECONDS, logger: logger.child({ component: 'order-cache' }) });
  return { pool, redis, verifier, cache, idempotencyTtlHours: config.IDEMPOTENCY_TTL_HOURS };
}

export async function closeDeps(deps: OrdersDeps): Promise<void> {
  deps.redis.disconnect();
  await deps.pool.end();
}
