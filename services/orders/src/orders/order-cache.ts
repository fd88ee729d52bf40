/**
 * Read-through cache of single orders in Redis. A cache, never a store: every Redis failure or
 * time-out is logged, counted, and answered from Postgres instead.
 *
 * Stale fills: a reader that loaded the old row just before a write committed could put it back
 * after the write's invalidation. So entries carry a version (the order's `updatedAt`, which
 * strictly increases on every change), and invalidating writes a short-lived tombstone holding the
 * new version instead of deleting the key; one Lua script refuses any fill older than what the key
 * already records. A read after a write therefore sees the tombstone (a miss) or the new state.
 *
 * Lost invalidations: when a write could not reach Redis, an entry cached before the failure may
 * outlive the write. This instance then bypasses the cache for one TTL, after which every such entry
 * has expired. (Another instance that still reaches Redis may serve it for at most that TTL.)
 */
import type { Logger } from '@orderly/service-kit';
import type { ClientContext, Redis, Result } from 'ioredis';
import { Counter } from 'prom-client';
import type { Order } from './order.ts';

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    putOrderIfNewer(key: string, version: number, payload: string, ttlMs: number): Result<number, Context>;
  }
}

// KEYS[1] = key; ARGV = version, payload ('' = tombstone), ttl in ms. Value: "<version>|<payload>".
// A fill needs a strictly newer version, or the same version over a tombstone; a tombstone only
// needs a version not older than the entry's.
const PUT_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local sep = string.find(current, '|', 1, true)
  local version = tonumber(string.sub(current, 1, sep - 1))
  local incoming = tonumber(ARGV[1])
  local tombstone = sep == #current
  if version > incoming then return 0 end
  if ARGV[2] ~= '' and version == incoming and not tombstone then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
return 1`;

export interface OrderCache {
  /** The cached order, or null on a miss, a tombstone or any Redis failure. */
  get(id: string): Promise<Order | null>;
  /** Caches what a reader loaded from Postgres, unless something newer is already recorded. */
  fill(order: Order): Promise<void>;
  /** Called after a write committed, before its response: no reader sees an older state again. */
  invalidate(order: Order): Promise<void>;
  /** Counters for the service's registry. */
  readonly metrics: Counter[];
}

export interface OrderCacheOptions {
  redis: Redis;
  ttlSeconds: number;
  logger: Logger;
}

const keyOf = (id: string) => `order:${id}`;
const versionOf = (order: Order) => Date.parse(order.updatedAt);

export function createOrderCache({ redis, ttlSeconds, logger }: OrderCacheOptions): OrderCache {
  redis.defineCommand('putOrderIfNewer', { numberOfKeys: 1, lua: PUT_IF_NEWER });
  const ttlMs = ttlSeconds * 1000;
  const hits = new Counter({ name: 'orderly_orders_cache_hits_total', help: 'Order reads answered by Redis', registers: [] });
  const misses = new Counter({ name: 'orderly_orders_cache_misses_total', help: 'Order reads that went to Postgres', registers: [] });
  const errors = new Counter({
    name: 'orderly_orders_cache_errors_total',
    help: 'Redis commands of the order cache that failed or timed out',
    labelNames: ['operation'] as const,
    registers: [],
  });
  let bypassUntil = 0;
  const bypassed = () => Date.now() < bypassUntil;

  const failed = (operation: 'get' | 'fill' | 'invalidate', id: string, error: unknown) => {
    errors.inc({ operation });
    logger.warn({ err: error, operation, orderId: id }, 'order cache unavailable; using Postgres');
  };

  return {
    metrics: [hits, misses, errors],
    async get(id) {
      const raw = bypassed()
        ? null
        : await redis.get(keyOf(id)).catch((error: unknown) => {
            failed('get', id, error);
            return null;
          });
      const payload = raw ? raw.slice(raw.indexOf('|') + 1) : '';
      if (!payload) {
        misses.inc();
        return null;
      }
      hits.inc();
      return JSON.parse(payload) as Order;
    },
    async fill(order) {
      if (bypassed()) return;
      await redis.putOrderIfNewer(keyOf(order.id), versionOf(order), JSON.stringify(order), ttlMs).catch((error: unknown) => failed('fill', order.id, error));
    },
    async invalidate(order) {
      await redis.putOrderIfNewer(keyOf(order.id), versionOf(order), '', ttlMs).catch((error: unknown) => {
        bypassUntil = Date.now() + ttlMs;
        failed('invalidate', order.id, error);
      });
    },
  };
}
