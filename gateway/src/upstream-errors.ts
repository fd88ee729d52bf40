/**
 * What a client is told when an upstream exchange fails before a response arrived. The failure is
 * described by kind only: upstream addresses and low-level messages stay in the logs.
 *
 * | failure | status |
 * |---|---|
 * | no response headers within UPSTREAM_TIMEOUT_MS, or connect time-out | 504 |
 * | instance host cannot be resolved | 503 |
 * | connection refused or reset, malformed response, any other transport error | 502 |
 * | the client's chunked body exceeded BODY_LIMIT while streaming | 413 |
 */
import { AppError } from '@orderly/service-kit';

/** The problem a client receives for a failed upstream exchange. */
export interface UpstreamProblem {
  status: number;
  code: string;
  detail: string;
}

const UNRESOLVABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);

/** Maps an error from @fastify/reply-from (which wraps the transport error as `cause`) to a problem. */
export function upstreamProblem(service: string, error: unknown): UpstreamProblem {
  const { statusCode, code, cause } = (error ?? {}) as { statusCode?: unknown; code?: unknown; cause?: unknown };
  if (cause instanceof AppError) return { status: cause.status, code: cause.code, detail: cause.detail ?? cause.code };
  const causeCode = (cause as { code?: unknown } | undefined)?.code;
  if (statusCode === 504) {
    return { status: 504, code: 'upstream-timeout', detail: `The ${service} service did not answer in time.` };
  }
  if (statusCode === 503 || UNRESOLVABLE.has(String(code)) || UNRESOLVABLE.has(String(causeCode))) {
    return { status: 503, code: 'upstream-unavailable', detail: `The ${service} service is unavailable.` };
  }
  return { status: 502, code: 'upstream-error', detail: `The ${service} service could not be reached or answered badly.` };
}
