import { ConfigError } from '@orderly/config';
import { loadOrdersConfig } from './config.ts';

describe('orders configuration', () => {
  it('when nothing is set, then the defaults work on a developer machine', () => {
    expect(loadOrdersConfig({})).toMatchObject({
      PORT: 3002,
      REDIS_URL: 'redis://127.0.0.1:6379',
      ORDERS_CACHE_TTL_SECONDS: 30,
      REDIS_COMMAND_TIMEOUT_MS: 250,
      IDEMPOTENCY_TTL_HOURS: 24,
      IDEMPOTENCY_CLEANUP_INTERVAL_SECONDS: 600,
    });
  });

  it('when Idempotency-Keys would be kept less than 24 h, then start-up fails naming the variable', () => {
    expect(() => loadOrdersConfig({ IDEMPOTENCY_TTL_HOURS: '23' })).toThrow(ConfigError);
    expect(() => loadOrdersConfig({ IDEMPOTENCY_TTL_HOURS: '23' })).toThrow(/IDEMPOTENCY_TTL_HOURS/);
  });

  it('when a cache setting is out of range, then start-up fails naming it', () => {
    expect(() => loadOrdersConfig({ ORDERS_CACHE_TTL_SECONDS: '0' })).toThrow(/ORDERS_CACHE_TTL_SECONDS/);
    expect(() => loadOrdersConfig({ REDIS_COMMAND_TIMEOUT_MS: 'soon' })).toThrow(/REDIS_COMMAND_TIMEOUT_MS/);
  });
});
