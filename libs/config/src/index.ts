/**
 * Configuration loading: every project describes its environment with a TypeBox schema and reads
 * it once, at start, through `loadConfig`. Values are coerced (ports are numbers), defaults work on
 * a developer machine, and every bad or missing value is reported at once, one line each.
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { envSchema } from 'env-schema';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; allowedValues?: unknown[] };
}

function describe(error: AjvLikeError, data: Record<string, unknown>): string {
  if (error.params?.missingProperty) return `${error.params.missingProperty} is required but not set`;
  const name = (error.instancePath ?? '').replace(/^\//, '');
  const shown = name in data ? JSON.stringify(data[name]) : 'unset';
  const allowed = error.params?.allowedValues ? ` (allowed: ${error.params.allowedValues.join(', ')})` : '';
  return `${name} ${error.message ?? 'is invalid'}${allowed}; got ${shown}`;
}

/**
 * Validates `env` against `schema` and returns a frozen, typed object.
 * Throws a ConfigError naming every problem.
 */
export function loadConfig<T extends TProperties>(
  schema: TObject<T>,
  // The one place that reads the process environment, for every project.
  // eslint-disable-next-line no-restricted-properties
  env: Record<string, string | undefined> = process.env,
): Readonly<Static<TObject<T>>> {
  const data = Object.fromEntries(Object.entries(env).filter(([key]) => key in schema.properties));
  try {
    return Object.freeze(envSchema<Static<TObject<T>>>({ schema, data, env: false, dotenv: false }));
  } catch (error) {
    const errors = (error as { errors?: AjvLikeError[] }).errors;
    if (!errors) throw new ConfigError([(error as Error).message]);
    throw new ConfigError(errors.map((e) => describe(e, data)));
  }
}

// Reusable fragments, so that every service names the same things the same way.
export const Port = (defaultPort: number) => Type.Integer({ minimum: 0, maximum: 65_535, default: defaultPort });
export const Url = (defaultUrl: string, protocols: string[]) =>
  Type.String({ pattern: `^(${protocols.join('|')})://`, default: defaultUrl });
export const LogLevel = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
  { default: 'info' },
);

export const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/orderly';
export const LOCAL_AMQP = 'amqp://guest:guest@127.0.0.1:5672';
export const LOCAL_REDIS = 'redis://127.0.0.1:6379';

/** Variables every service reads, with defaults for a developer machine. */
export function serviceEnv(defaults: { port: number; schema: string }) {
  const role = `orderly_${defaults.schema}`;
  return {
    HOST: Type.String({ default: '127.0.0.1' }),
    PORT: Port(defaults.port),
    LOG_LEVEL: LogLevel,
    DATABASE_URL: Url(`postgres://${role}:${role}@127.0.0.1:5432/orderly`, ['postgres', 'postgresql']),
    DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
    AMQP_URL: Url(LOCAL_AMQP, ['amqp', 'amqps']),
    EVENTS_EXCHANGE: Type.String({ minLength: 1, default: 'orderly.events' }),
    JWKS_URL: Url('http://127.0.0.1:3001/v1/auth/.well-known/jwks.json', ['http', 'https']),
    JWT_ISSUER: Type.String({ minLength: 1, default: 'orderly-auth' }),
    JWT_AUDIENCE: Type.String({ minLength: 1, default: 'orderly' }),
    SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 1_000, default: 10_000 }),
    SHUTDOWN_DRAIN_DELAY_MS: Type.Integer({ minimum: 0, default: 0 }),
  };
}
