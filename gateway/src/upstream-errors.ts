/**
 * How an upstream exchange that got no response failed, and what a client is told about it. The
 * failure is described by kind only: upstream addresses and low-level messages stay in the logs.
 *
 * | failure | kind | status |
 * |---|---|---|
 * | connection refused, no route to the host | `refused` | 502 |
 * | connection reset or closed before the response, broken pipe | `reset` | 502 |
 * | connect time-out | `connect-timeout` | 504 |
 * | instance host cannot be resolved | `unresolvable` | 503 |
 * | no response headers within UPSTREAM_TIMEOUT_MS | `timeout` | 504 |
 * | malformed response, any other transport error | `other` | 502 |
 * | the client's chunked body exceeded BODY_LIMIT while streaming | `client` | 413 |
 * | the request cannot be forwarded as sent (its body is shorter than declared, say) | `client` | 400 |
 *
 * The first four are connection errors (they count towards ejecting the instance); `refused` and
 * `reset` mean an idempotent request may go to another instance.
 */
import { AppError } from '@orderly/service-kit';

/** The kind of an upstream failure. */
export type UpstreamFailure = 'refused' | 'reset' | 'connect-timeout' | 'unresolvable' | 'timeout' | 'other' | 'client';

/** The problem a client receives instead of an upstream response. */
export interface UpstreamProblem {
  status: number;
  code: string;
  detail: string;
}

const KINDS: ReadonlyMap<string, UpstreamFailure> = new Map([
  ['ECONNREFUSED', 'refused'],
  ['ECONNRESET', 'reset'],
  ['EPIPE', 'reset'],
  ['UND_ERR_SOCKET', 'reset'],
  ['EHOSTUNREACH', 'refused'],
  ['ENETUNREACH', 'refused'],
  ['UND_ERR_CONNECT_TIMEOUT', 'connect-timeout'],
  ['ETIMEDOUT', 'connect-timeout'],
  ['ENOTFOUND', 'unresolvable'],
  ['EAI_AGAIN', 'unresolvable'],
  ['EAI_NONAME', 'unresolvable'],
  ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
  ['UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'client'],
  ['UND_ERR_INVALID_ARG', 'client'],
  ['UND_ERR_NOT_SUPPORTED', 'client'],
]);

/** Classifies an error from the upstream connection pool. */
export function classifyFailure(error: unknown): UpstreamFailure {
  if (error instanceof AppError) return 'client';
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && KINDS.get(code)) || 'other';
}

/** Whether the failure says something about the instance's reachability (see the table above). */
export function isConnectionFailure(kind: UpstreamFailure): boolean {
  return kind === 'refused' || kind === 'reset' || kind === 'connect-timeout' || kind === 'unresolvable';
}

/** The problem for a failure of `kind`; `error` supplies it when the client caused the failure. */
export function upstreamProblem(service: string, kind: UpstreamFailure, error: unknown): UpstreamProblem {
  if (kind === 'client') {
    if (error instanceof AppError) return { status: error.status, code: error.code, detail: error.detail ?? error.code };
    return { status: 400, code: 'bad-request', detail: 'The request cannot be forwarded as it was sent.' };
  }
  if (kind === 'timeout' || kind === 'connect-timeout') {
    return { status: 504, code: 'upstream-timeout', detail: `The ${service} service did not answer in time.` };
  }
  if (kind === 'unresolvable') return { status: 503, code: 'upstream-unavailable', detail: `The ${service} service is unavailable.` };
  return { status: 502, code: 'upstream-error', detail: `The ${service} service could not be reached or answered badly.` };
}

/** The problem answered while a service's breaker is open; send it with Retry-After. */
export function circuitOpenProblem(service: string): UpstreamProblem {
  return {
    status: 503,
    code: 'upstream-circuit-open',
    detail: `The ${service} service is failing; requests to it are paused. Retry after the indicated delay.`,
  };
}
