/**
 * The rate-limit algorithm: a sliding-window log. A window holds the times of the requests it
 * admitted during the last `windowMs`; a request is admitted while fewer than `max` are held. So
 * no interval of `windowMs` — wherever it starts — ever admits more than `max` requests: there is
 * no fixed-window boundary where two budgets meet. Refused requests are not recorded, so a client
 * that keeps knocking is not locked out longer. Memory is at most `max` entries per key.
 *
 * Shared windows live in Redis and are checked by one Lua script (atomic across every replica,
 * timed by Redis' own clock so replicas' clocks never matter). `createLocalWindows` is the same
 * algorithm in process memory, the fallback for login while Redis is away.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** What one check decided. */
export interface WindowVerdict {
  admitted: boolean;
  /** Requests the window holds with this one: ≤ max when admitted, max + 1 (or more) when refused. */
  count: number;
  /** Milliseconds until the oldest held request leaves the window, i.e. until one more fits. */
  resetMs: number;
}

// KEYS[1] the window (sorted set: member per admitted request, scored by Redis time in µs).
// ARGV: window length (µs), max, a member unique to this request.
const SLIDING_WINDOW_LUA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local admitted = 0
if count < max then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  admitted = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local reset = window
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
return { admitted, count + 1, reset }
`;

const COMMAND = 'orderlySlidingWindow';

type WindowCommand = (key: string, windowUs: number, max: number, member: string) => Promise<[number, number, number]>;

/** Checks and records one request against a window in Redis. */
export type RedisWindows = (key: string, windowMs: number, max: number) => Promise<WindowVerdict>;

/** Defines the script on `redis` (EVALSHA, loaded on first use) and returns the checker. */
export function createRedisWindows(redis: Redis): RedisWindows {
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: SLIDING_WINDOW_LUA });
  const run = (redis as unknown as Record<typeof COMMAND, WindowCommand>)[COMMAND].bind(redis);
  const instance = randomUUID();
  let sequence = 0;
  return async (key, windowMs, max) => {
    sequence = sequence === Number.MAX_SAFE_INTEGER ? 0 : sequence + 1;
    const [admitted, count, resetUs] = await run(key, windowMs * 1000, max, `${instance}.${sequence}`);
    return { admitted: admitted === 1, count, resetMs: Math.max(1, Math.ceil(resetUs / 1000)) };
  };
}

/** The same windows in process memory, for at most `maxKeys` keys (least recently used go first). */
export interface LocalWindows {
  hit(key: string, windowMs: number, max: number): WindowVerdict;
  readonly size: number;
}

/** Creates in-process windows; `now` is a monotonic clock in ms (replaceable in tests). */
export function createLocalWindows(maxKeys: number, now: () => number = () => performance.now()): LocalWindows {
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new TypeError('createLocalWindows: "maxKeys" must be a positive integer');
  const windows = new Map<string, number[]>();
  return {
    hit(key, windowMs, max) {
      const at = now();
      const times = windows.get(key) ?? [];
      windows.delete(key);
      let expired = 0;
      while (expired < times.length && times[expired]! <= at - windowMs) expired += 1;
      if (expired > 0) times.splice(0, expired);
      const admitted = times.length < max;
      const count = times.length + 1;
      if (admitted) times.push(at);
      if (times.length > 0) windows.set(key, times);
      if (windows.size > maxKeys) windows.delete(windows.keys().next().value!);
      const resetMs = times.length > 0 ? Math.max(1, Math.ceil(times[0]! + windowMs - at)) : windowMs;
      return { admitted, count, resetMs };
    },
    get size() {
      return windows.size;
    },
  };
}
