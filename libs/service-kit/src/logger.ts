import pino, { type Logger, type LoggerOptions } from 'pino';

/** Paths never written to logs: credentials in headers and bodies, tokens, passwords. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.privateKey',
];

export interface LoggerConfig {
  service: string;
  version: string;
  level: string;
}

export function loggerOptions(config: LoggerConfig): LoggerOptions {
  return {
    level: config.level,
    base: { service: config.service, version: config.version },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
}

export function createLogger(config: LoggerConfig): Logger {
  return pino(loggerOptions(config));
}

export type { Logger };
