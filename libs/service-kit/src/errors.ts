/**
 * Errors with stable codes, and the one handler that turns every error into an RFC 9457 problem.
 * 5xx details never reach a client: they are logged with the request id and replaced by a generic text.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_BASE = 'https://orderly.dev/problems/';

export interface ProblemField {
  path: string;
  message: string;
}

/** An error that domain code throws; its `code` names the problem type and stays stable. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly detail: string | undefined;
  readonly headers: Record<string, string> | undefined;
  constructor(status: number, code: string, detail?: string, headers?: Record<string, string>) {
    super(detail ?? code);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.headers = headers;
  }
}

export const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: ProblemField[];
}

export function problemBody(
  request: Pick<FastifyRequest, 'id' | 'url'>,
  status: number,
  code: string,
  detail: string,
  errors?: ProblemField[],
): Problem {
  return {
    type: `${PROBLEM_BASE}${code}`,
    title: STATUS_TITLES[status] ?? 'Error',
    status,
    detail,
    instance: request.url.split('?')[0] ?? request.url,
    requestId: String(request.id),
    ...(errors ? { errors } : {}),
  };
}

/** Sends a problem response; usable from hooks and handlers alike. */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  errors?: ProblemField[],
): FastifyReply {
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(problemBody(reply.request, status, code, detail, errors));
}

function validationFields(error: FastifyError): ProblemField[] {
  return (error.validation ?? []).map((v) => {
    const missing = (v.params as { missingProperty?: string }).missingProperty;
    const extra = (v.params as { additionalProperty?: string }).additionalProperty;
    const base = `/${error.validationContext ?? 'body'}${v.instancePath}`;
    if (missing) return { path: `${base}/${missing}`, message: 'is required' };
    if (extra) return { path: `${base}/${extra}`, message: 'is not allowed' };
    return { path: base, message: v.message ?? 'is invalid' };
  });
}

// Fastify's own client errors, mapped to stable codes.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
};

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers);
      return sendProblem(reply, error.status, error.code, error.detail ?? STATUS_TITLES[error.status] ?? error.code);
    }
    if (error.validation) {
      return sendProblem(reply, 400, 'validation-error', 'The request is invalid.', validationFields(error));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = FASTIFY_CODES[error.code] ?? 'bad-request';
      return sendProblem(reply, status, code, error.message);
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, 500, 'internal-error', 'An unexpected error occurred.');
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 404, 'not-found', `No route for ${request.method} ${request.url.split('?')[0]}.`),
  );
}
