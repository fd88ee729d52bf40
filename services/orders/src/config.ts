import { LOCAL_REDIS, loadConfig, serviceEnv, Url } from '@orderly/config';
import { Type, type Static } from '@sinclair/typebox';

export const OrdersEnv = Type.Object({
  ...serviceEnv({ port: 3002, schema: 'orders' }),
  REDIS_URL: Url(LOCAL_REDIS, ['redis', 'rediss']),
  REDIS_KEY_PREFIX: Type.String({ default: 'orderly:' }),
});

export type OrdersConfig = Static<typeof OrdersEnv>;

export function loadOrdersConfig(env?: Record<string, string | undefined>): OrdersConfig {
  return loadConfig(OrdersEnv, env);
}
