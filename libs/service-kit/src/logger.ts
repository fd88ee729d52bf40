import pino, { type Logger, type LoggerOptions } from 'pino';

/** Field names never written to logs, in a logged object or one level down (`{ body: { password } }`). */
export const SECRET_FIELDS = ['password', 'token', 'accessToken', 'refreshToken', 'secret', 'privateKey'] as const;

const CENSOR = '[redacted]';

/**
 * Paths pino redacts after its serializers: credentials in request and response headers, and
 * secret fields an error carries (errors are serialized by pino, so they are redacted there).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...['err', 'error'].flatMap((key) => SECRET_FIELDS.map((field) => `${key}.${field}`)),
];

const SECRETS: ReadonlySet<string> = new Set(SECRET_FIELDS);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function hasSecret(object: Record<string, unknown>): boolean {
  for (const field of SECRET_FIELDS) if (Object.hasOwn(object, field)) return true;
  return false;
}

function censored(object: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...object };
  for (const field of SECRET_FIELDS) if (Object.hasOwn(copy, field)) copy[field] = CENSOR;
  return copy;
}

/**
 * Censors secret fields of a log call's object and of the plain objects it holds, without touching
 * the caller's objects. This is pino's `*.password` redaction done here instead: pino applies a
 * wildcard path to every key of every line *and* to every child logger's bindings (the request id
 * of each request), and @pinojs/redact 0.4 parses each path again on every call, which doubled
 * the cost of a log line and allocated 2.3 KB per request (docs/benchmarks.md).
 */
export function censorSecrets(object: Record<string, unknown>): Record<string, unknown> {
  let result = object;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const value = object[key];
    const replacement = SECRETS.has(key) ? CENSOR : isPlainObject(value) && hasSecret(value) ? censored(value) : value;
    if (replacement === value) continue;
    if (result === object) result = { ...object };
    result[key] = replacement;
  }
  return result;
}

export interface LoggerConfig {
  service: string;
  version: string;
  level: string;
}

export function loggerOptions(config: LoggerConfig): LoggerOptions {
  return {
    level: config.level,
    base: { service: config.service, version: config.version },
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }), log: censorSecrets },
  };
}

export function createLogger(config: LoggerConfig): Logger {
  return pino(loggerOptions(config));
}

export type { Logger };
