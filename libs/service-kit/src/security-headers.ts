/**
 * Security headers (helmet's defaults: CSP, HSTS, X-Frame-Options, nosniff, …), computed once.
 *
 * @fastify/helmet 13 calls `helmet(options)` on every request, which rebuilds each of helmet's
 * middlewares (parsing the CSP directives again) before it sets the same fixed values: 8–9 KB
 * allocated and ~10 % of the gateway's CPU per proxied request (docs/benchmarks.md). With options
 * whose values do not depend on the request — the defaults used here — the result is the same
 * set of header values every time, so helmet runs once at start against a recording response,
 * and one hook sets what it recorded. helmet stays the source of every value.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/** Header name (lower case) → value, as helmet sets them on a response. */
export type SecurityHeaders = Readonly<Record<string, string>>;

/** Runs helmet's default middleware once against a response that records what it is given. */
export function computeSecurityHeaders(): SecurityHeaders {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: number | string | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return recorder;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet()({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure !== undefined) throw failure;
  return Object.freeze(headers);
}
