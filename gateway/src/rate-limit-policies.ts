/**
 * Rate-limit policies as clients see them (SPEC §6): each has a name and a budget, announced in
 * `RateLimit-Policy: "default";q=100;w=60`, with the current state in `RateLimit:
 * "default";r=42;t=17` — r requests remaining, t seconds until the next one frees up (the IETF
 * httpapi-ratelimit-headers draft; one list item per policy when several apply). A refusal is a
 * 429 problem with Retry-After.
 */
import { AppError } from '@orderly/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** `max` requests per sliding window of `windowSeconds`. */
export interface Budget {
  max: number;
  windowSeconds: number;
}

/** A check made with @fastify/rate-limit's `createRateLimit`. */
export type RateLimitCheck = ReturnType<FastifyInstance['createRateLimit']>;

/** A named budget and its check. */
export interface Policy {
  name: string;
  budget: Budget;
  check: RateLimitCheck;
}

/** Policies applied together, in order, and the RateLimit-Policy field that announces them all. */
export interface PolicyGroup {
  policies: readonly Policy[];
  policyField: string;
}

/** Groups `policies`; the first to refuse answers. */
export function policyGroup(...policies: Policy[]): PolicyGroup {
  const policyField = policies.map(({ name, budget }) => `"${name}";q=${budget.max};w=${budget.windowSeconds}`).join(', ');
  return { policies, policyField };
}

/**
 * Checks the group's policies in order (stopping at the first refusal), writes both fields, and
 * throws a 429 problem on refusal. A check whose store failed (Redis down: general traffic fails
 * open) reports ttl 0; its state is unknown, so it gets no `RateLimit` item.
 */
export async function enforce(group: PolicyGroup, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const items: string[] = [];
  let retryAfter = 0;
  for (const { name, check } of group.policies) {
    const result = await check(request);
    if (result.isAllowed) continue;
    if (result.ttl > 0) items.push(`"${name}";r=${result.remaining};t=${result.ttlInSeconds}`);
    if (result.isExceeded) {
      retryAfter = Math.max(1, result.ttlInSeconds);
      break;
    }
  }
  reply.header('ratelimit-policy', group.policyField);
  if (items.length > 0) reply.header('ratelimit', items.join(', '));
  if (retryAfter > 0) {
    throw new AppError(429, 'rate-limited', `Too many requests; try again in ${retryAfter} s.`, { 'retry-after': String(retryAfter) });
  }
}
