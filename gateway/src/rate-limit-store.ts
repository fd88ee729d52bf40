/**
 * The store behind @fastify/rate-limit. The plugin keeps what it is good at (keying, options per
 * limiter, `skipOnError`); this store replaces its fixed-window INCR with the sliding-window log
 * of ./sliding-window.ts, and decides what happens when Redis fails:
 *
 * - policy with fallback `open` (general traffic): the error goes back to the plugin, whose
 *   `skipOnError` lets the request through unlimited (fail-open);
 * - policy with fallback `local` (login, register): the in-process window answers instead, so a
 *   Redis outage never opens the door to password guessing (fail-closed for brute force).
 *
 * The plugin derives everything from `{ current, ttl }`: remaining = max − current, exceeded =
 * current > max, reset = ttl. So `current` is the window's count including this request (max + 1
 * when refused) and `ttl` the time until the oldest admitted request leaves the window — the next
 * moment one more request fits, which is also the honest Retry-After of a refusal.
 */
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { Counter, type Registry } from 'prom-client';
import type { LocalWindows, RedisWindows, WindowVerdict } from './sliding-window.ts';

/** How a policy behaves while Redis fails. */
export type Fallback = 'open' | 'local';

/** Added to a limiter's options (`createRateLimit`); its child store reads them. */
export interface PolicySettings {
  policy: string;
  fallback: Fallback;
}

/** One limiter decision, as counted in the metric. */
export type Decision = 'allowed' | 'limited' | 'failed_open' | 'fallback_allowed' | 'fallback_limited';

/** What the store needs: the shared and local windows, a decision counter and an outage log. */
export interface WindowStoreDeps {
  redis: RedisWindows;
  local: LocalWindows;
  count(policy: string, decision: Decision): void;
  redisFailed(error: unknown): void;
  redisAnswered(): void;
}

type StoreCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** Name of the rate-limit decision counter. */
export const RATE_LIMIT_DECISIONS_METRIC = 'orderly_gateway_rate_limit_decisions_total';

/** Counts decisions by policy: allowed, limited, failed_open, fallback_allowed, fallback_limited. */
export function createDecisionCounter(registry: Registry): (policy: string, decision: Decision) => void {
  const counter = new Counter({
    name: RATE_LIMIT_DECISIONS_METRIC,
    help: 'Rate-limit decisions by policy (failed_open: Redis failed, request served unlimited; fallback_*: in-process limit)',
    labelNames: ['policy', 'decision'] as const,
    registers: [registry],
  });
  return (policy, decision) => counter.labels(policy, decision).inc();
}

/** A store class for @fastify/rate-limit's `store` option, over `deps`. */
export function createWindowStore(deps: WindowStoreDeps): FastifyRateLimitStoreCtor {
  class SlidingWindowStore {
    readonly policy: string;
    readonly fallback: Fallback;

    constructor(params: object) {
      const settings = params as Partial<PolicySettings>;
      this.policy = settings.policy ?? 'default';
      this.fallback = settings.fallback ?? 'open';
    }

    incr(key: string, callback: StoreCallback, timeWindow?: number, max?: number): void {
      const { policy } = this;
      if (timeWindow === undefined || max === undefined) {
        callback(new Error('rate-limit store: the plugin passed no window or max'));
        return;
      }
      const answer = (verdict: WindowVerdict, local: boolean): void => {
        deps.count(policy, decisionOf(verdict, local));
        callback(null, { current: verdict.count, ttl: verdict.resetMs });
      };
      deps.redis(`rl:${policy}:${key}`, timeWindow, max).then(
        (verdict) => {
          deps.redisAnswered();
          answer(verdict, false);
        },
        (error: unknown) => {
          deps.redisFailed(error);
          if (this.fallback === 'local') {
            answer(deps.local.hit(`${policy}:${key}`, timeWindow, max), true);
          } else {
            deps.count(policy, 'failed_open');
            callback(error instanceof Error ? error : new Error(String(error)));
          }
        },
      );
    }

    child(params: object): SlidingWindowStore {
      return new SlidingWindowStore(params);
    }
  }
  // The plugin's typings declare incr(key, callback), though it always passes the window and max too.
  return SlidingWindowStore as unknown as FastifyRateLimitStoreCtor;
}

function decisionOf(verdict: WindowVerdict, local: boolean): Decision {
  if (local) return verdict.admitted ? 'fallback_allowed' : 'fallback_limited';
  return verdict.admitted ? 'allowed' : 'limited';
}
