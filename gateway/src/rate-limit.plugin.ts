/**
 * Rate limiting at the edge (SPEC §6), shared by every replica through Redis.
 *
 * | policy | routes | key | budget |
 * |---|---|---|---|
 * | `default` | every proxied route but the two below | user id of a *verified* token, else client IP | RATE_LIMIT_MAX per RATE_LIMIT_WINDOW |
 * | `login` | POST /v1/auth/login, /v1/auth/register | client IP + submitted e-mail | LOGIN_RATE_LIMIT_MAX per LOGIN_RATE_LIMIT_WINDOW |
 * | `login-ip` | the same two | client IP | LOGIN_IP_RATE_LIMIT_MAX per LOGIN_RATE_LIMIT_WINDOW |
 *
 * @fastify/rate-limit does the keying and per-limiter options (`createRateLimit`), `skipOnError`
 * makes general traffic fail open, and ./rate-limit-store.ts supplies the exact sliding window.
 * The hooks are ours, for three reasons the plugin's own route hooks cannot meet: they must run
 * before edge authentication (route-level hooks run after the scope's), login needs two policies
 * checked after the body is read, and SPEC wants the IETF `RateLimit-Policy`/`RateLimit` fields
 * (one item per policy) rather than the plugin's `ratelimit-limit/-remaining/-reset`.
 *
 * The key of an authenticated request is the user id of a token the verifier *accepted* (cached
 * verdict, ~1 µs; edge auth then reuses it): a forged or foreign token can never choose a bucket.
 * A request whose token is not valid is counted against its IP — then edge auth answers 401.
 */
import fastifyRateLimit, { type CreateRateLimitOptions } from '@fastify/rate-limit';
import { extractBearer, type TokenVerifier } from '@orderly/auth-verify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';
import { clientIp, ipBucket } from './client-ip.ts';
import type { ProxyTrust } from './forwarded-headers.ts';
import { emailKey, LOGIN_BODY_LIMIT, readSmallBody, submittedEmail } from './login-body.ts';
import { enforce, policyGroup, type Budget, type Policy } from './rate-limit-policies.ts';
import type { RateLimitRedis } from './rate-limit-redis.ts';
import { createDecisionCounter, createWindowStore, type Fallback, type PolicySettings } from './rate-limit-store.ts';
import { createLocalWindows, createRedisWindows } from './sliding-window.ts';

/** Routes limited per IP and submitted e-mail instead of the default policy (POST, exact path). */
export const LOGIN_ROUTES: ReadonlySet<string> = new Set(['/v1/auth/login', '/v1/auth/register']);
/** Keys the in-process fallback windows remember (least recently used are forgotten first). */
export const LOCAL_WINDOW_KEYS = 10_000;

/** Options of {@link rateLimitPlugin}, checked at registration. */
export interface RateLimitOptions {
  redis: RateLimitRedis;
  verifier: TokenVerifier;
  trust: ProxyTrust;
  registry: Registry;
  general: Budget;
  login: Budget;
  loginIp: Budget;
}

type KeyOf = (request: FastifyRequest) => string | Promise<string>;

function checkOptions(options: RateLimitOptions): void {
  const fail = (message: string): never => {
    throw new TypeError(`rateLimitPlugin: ${message}`);
  };
  if (typeof options.verifier?.verify !== 'function') fail('"verifier" must be a token verifier');
  if (typeof options.trust !== 'function') fail('"trust" must be a function');
  if (typeof options.redis?.redis?.defineCommand !== 'function') fail('"redis" must be a rate-limit Redis connection');
  for (const name of ['general', 'login', 'loginIp'] as const) {
    const budget = options[name];
    const valid = Number.isInteger(budget?.max) && budget.max >= 1 && Number.isInteger(budget.windowSeconds) && budget.windowSeconds >= 1;
    if (!valid) fail(`"${name}" must be { max, windowSeconds } with positive integers`);
  }
}

function isLogin(request: FastifyRequest): boolean {
  if (request.method !== 'POST') return false;
  const query = request.url.indexOf('?');
  return LOGIN_ROUTES.has(query === -1 ? request.url : request.url.slice(0, query));
}

async function rateLimitPlugin(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  checkOptions(options);
  const { verifier, trust, redis } = options;
  const store = createWindowStore({
    redis: createRedisWindows(redis.redis),
    local: createLocalWindows(LOCAL_WINDOW_KEYS),
    count: createDecisionCounter(options.registry),
    redisFailed: redis.failed,
    redisAnswered: redis.answered,
  });
  await app.register(fastifyRateLimit, { global: false, store, skipOnError: true });

  function policy(name: string, budget: Budget, fallback: Fallback, keyGenerator: KeyOf): Policy {
    const settings: CreateRateLimitOptions & PolicySettings = {
      policy: name,
      fallback,
      max: budget.max,
      timeWindow: budget.windowSeconds * 1000,
      keyGenerator,
    };
    return { name, budget, check: app.createRateLimit(settings) };
  }

  const emails = new WeakMap<FastifyRequest, string>();
  const ipOf = (request: FastifyRequest) => ipBucket(clientIp(request, trust));

  async function userOrIp(request: FastifyRequest): Promise<string> {
    const token = extractBearer(request.headers.authorization);
    if (token !== undefined) {
      try {
        return `user:${(await verifier.verify(token)).userId}`;
      } catch {
        // Not a token we accept: the IP pays for the request, and edge auth answers 401.
      }
    }
    return `ip:${ipOf(request)}`;
  }

  const general = policyGroup(policy('default', options.general, 'open', userOrIp));
  // Per address and e-mail first: an attacker hammering one account does not use up the ceiling
  // that everyone else behind the same address shares.
  const login = policyGroup(
    policy('login', options.login, 'local', (request) => `${ipOf(request)}|${emailKey(emails.get(request) ?? '')}`),
    policy('login-ip', options.loginIp, 'local', ipOf),
  );

  app.addHook('onRequest', async function limitRequest(request, reply) {
    if (!isLogin(request)) await enforce(general, request, reply);
  });

  app.addHook('preParsing', async function limitLogin(request, reply, payload) {
    if (!isLogin(request)) return payload;
    const body = await readSmallBody(payload, request.headers, LOGIN_BODY_LIMIT);
    emails.set(request, submittedEmail(body.bytes, request.headers['content-type']));
    await enforce(login, request, reply);
    return body.replay;
  });
}

/** Rate limits every proxied route of the scope it is registered in; register it before edge auth. */
export default fp(rateLimitPlugin, { fastify: '5.x', name: 'orderly-rate-limit' });
