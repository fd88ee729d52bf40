import { LOCAL_REDIS, loadConfig, serviceEnv, Url } from '@orderly/config';
import { Type, type Static } from '@sinclair/typebox';

export const OrdersEnv = Type.Object({
  ...serviceEnv({ port: 3002, schema: 'orders' }),
  REDIS_URL: Url(LOCAL_REDIS, ['redis', 'rediss']),
  REDIS_KEY_PREFIX: Type.String({ default: 'orderly:' }),
  /** A Redis command slower than this counts as a cache failure; the request goes on to Postgres. */
  REDIS_COMMAND_TIMEOUT_MS: Type.Integer({ minimum: 10, maximum: 10_000, default: 250 }),
  /** How long GET /v1/orders/:id answers from Redis before asking Postgres again. */
  ORDERS_CACHE_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 3_600, default: 30 }),
  /** How long an Idempotency-Key is remembered; SPEC §4 requires at least 24 h. */
  IDEMPOTENCY_TTL_HOURS: Type.Integer({ minimum: 24, maximum: 24 * 30, default: 24 }),
  /** How often expired Idempotency-Keys are deleted. */
  IDEMPOTENCY_CLEANUP_INTERVAL_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 600 }),
});

export type OrdersConfig = Static<typeof OrdersEnv>;

export function loadOrdersConfig(env?: Record<string, string | undefined>): OrdersConfig {
  return loadConfig(OrdersEnv, env);
}
