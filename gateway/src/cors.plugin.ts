/**
 * CORS for browser clients (@fastify/cors) from the CORS_ORIGINS allow-list. Registered at the
 * root, ahead of rate limiting and edge authentication, so a preflight is answered by the gateway
 * itself: never proxied, never asked for a token (browsers send none with it), never counted.
 *
 * Every OPTIONS request is answered here (204), also with CORS off: no service implements OPTIONS,
 * and the allow-list alone decides whether `Access-Control-Allow-Origin` is granted. An origin not
 * on the list gets no CORS headers at all, so the browser refuses the response.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Methods the public API uses. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** Request headers a browser may send cross-origin. */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'accept', 'idempotency-key', 'x-request-id', 'last-event-id'] as const;
/** Response headers a browser script may read. */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'ratelimit', 'ratelimit-policy', 'retry-after', 'location', 'www-authenticate'] as const;
/** How long a browser may cache a preflight answer. */
export const CORS_MAX_AGE_SECONDS = 600;

/** Options of {@link corsPlugin}. */
export interface CorsOptions {
  /** Allowed origins (`https://app.example.com`); `*` allows any; empty allows none. */
  origins: readonly string[];
}

async function corsPlugin(app: FastifyInstance, options: CorsOptions): Promise<void> {
  if (!Array.isArray(options.origins) || !options.origins.every((origin) => typeof origin === 'string' && origin !== '')) {
    throw new TypeError('corsPlugin: "origins" must be an array of origins');
  }
  await app.register(cors, {
    // An array makes the plugin reflect a listed Origin (and vary on it); '*' in it allows any.
    origin: [...options.origins],
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    // Access tokens travel in Authorization, not cookies: no credentialed CORS needed.
    credentials: false,
    maxAge: CORS_MAX_AGE_SECONDS,
    preflight: true,
    strictPreflight: false,
    hideOptionsRoute: true,
  });
}

/** Answers preflights at the edge and grants CORS to the configured origins. */
export default fp(corsPlugin, { fastify: '5.x', name: 'orderly-cors' });
