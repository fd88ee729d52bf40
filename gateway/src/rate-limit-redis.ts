/**
 * The gateway's Redis connection, used for rate limits only. Built to fail fast: no offline queue
 * (a command while disconnected fails at once), no retries of a command, and a short command
 * time-out, so a Redis outage or a slow Redis costs a request at most REDIS_COMMAND_TIMEOUT_MS.
 * Reconnection runs in the background. An outage is logged once when it starts and once when it
 * ends, not per request; the per-request count is in the decision metric.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';

/** The subset of a pino logger used here. */
export interface RedisLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Connection settings, from the gateway's configuration. */
export interface RateLimitRedisOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  logger: RedisLogger;
}

/** The connection, its outage log and its lifecycle. */
export interface RateLimitRedis {
  redis: Redis;
  /** Whether Redis answers a PING now (informational readiness). */
  ping(): Promise<boolean>;
  /** Resolves once connected, or after `timeoutMs` in any case: the gateway starts without Redis. */
  connected(timeoutMs: number): Promise<boolean>;
  failed(error: unknown): void;
  answered(): void;
  close(): void;
}

const RECONNECT_MAX_DELAY_MS = 2_000;

/** Opens the connection (in the background) with fail-fast settings. */
export function createRateLimitRedis(options: RateLimitRedisOptions): RateLimitRedis {
  const { logger } = options;
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: Math.max(1_000, options.commandTimeoutMs),
    retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_MAX_DELAY_MS),
    // No auto-pipelining: it saves Redis CPU, but in interleaved runs the gateway's CPU was no lower
    // and its p99 higher (a deferral and a pipeline object per command; docs/benchmarks.md).
  });
  let failing = false;

  function failed(error: unknown): void {
    if (failing) return;
    failing = true;
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn({ reason }, 'rate limiting without Redis: general traffic passes unlimited, login and register use in-process limits');
  }

  function answered(): void {
    if (!failing) return;
    failing = false;
    logger.info({}, 'rate limiting is shared through Redis again');
  }

  redis.on('error', failed);
  redis.on('ready', answered);

  return {
    redis,
    async ping() {
      return (await redis.ping()) === 'PONG';
    },
    async connected(timeoutMs) {
      if (redis.status === 'ready') return true;
      try {
        await once(redis, 'ready', { signal: AbortSignal.timeout(timeoutMs) });
        return true;
      } catch {
        return false;
      }
    },
    failed,
    answered,
    close() {
      redis.disconnect();
    },
  };
}
