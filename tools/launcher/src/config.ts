/**
 * The launcher's configuration: the only module of the launcher that reads the environment.
 * Besides its own settings it picks the few variables a child process needs from its parent
 * (PATH, HOME, locale…), so that every child environment is built from validated values plus an
 * explicit passthrough list, never by copying `process.env` wholesale.
 */
import path from 'node:path';
import { ConfigError, LOCAL_AMQP, LOCAL_REDIS, loadConfig, LogLevel, Url } from '@orderly/config';
import { Type, type Static } from '@sinclair/typebox';

const ListenPort = (defaultPort: number) => Type.Integer({ minimum: 1, maximum: 65_535, default: defaultPort });
const Instances = Type.Integer({ minimum: 1, maximum: 16, default: 1 });

export const LauncherEnv = Type.Object({
  /** A superuser (or CREATEDB + CREATEROLE) connection; the database part is ignored. */
  DATABASE_ADMIN_URL: Url('postgres://postgres@127.0.0.1:5432/postgres', ['postgres', 'postgresql']),
  ORDERLY_DATABASE: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'orderly' }),
  AMQP_URL: Url(LOCAL_AMQP, ['amqp', 'amqps']),
  REDIS_URL: Url(LOCAL_REDIS, ['redis', 'rediss']),
  EVENTS_EXCHANGE: Type.String({ minLength: 1, default: 'orderly.events' }),
  EVENTS_QUEUE_PREFIX: Type.String({ minLength: 1, default: 'orderly' }),
  REDIS_KEY_PREFIX: Type.String({ default: 'orderly:' }),
  GATEWAY_PORT: ListenPort(8080),
  AUTH_PORT: ListenPort(3001),
  ORDERS_PORT: ListenPort(3002),
  NOTIFICATIONS_PORT: ListenPort(3003),
  REPORTING_PORT: ListenPort(3004),
  AUTH_INSTANCES: Instances,
  ORDERS_INSTANCES: Instances,
  NOTIFICATIONS_INSTANCES: Instances,
  REPORTING_INSTANCES: Instances,
  AUTH_ADMIN_EMAIL: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', default: 'admin@orderly.local' }),
  AUTH_ADMIN_PASSWORD: Type.String({ minLength: 10, maxLength: 128, default: 'orderly-admin-password' }),
  LOG_LEVEL: LogLevel,
  /** The checkout whose services and gateway are run; defaults to the one holding the launcher. */
  ORDERLY_ROOT: Type.Optional(Type.String({ minLength: 1 })),
  /** Development state (the signing key); relative paths are taken from the repository root. */
  DEV_DIR: Type.String({ minLength: 1, default: '.dev' }),
  PRETTY_LOGS: Type.Boolean({ default: true }),
  /** How long to wait for every instance's /health/ready before saying which ones are not ready. */
  READY_TIMEOUT_MS: Type.Integer({ minimum: 1_000, default: 60_000 }),
  /** How long children get to stop after SIGTERM before they are killed. */
  STOP_GRACE_MS: Type.Integer({ minimum: 1_000, default: 15_000 }),
  /** Extra variable names passed to every child as they are (comma-separated), e.g. `SMTP_URL,RATE_LIMIT_MAX`. */
  PASSTHROUGH_ENV: Type.String({ pattern: '^[A-Za-z0-9_, ]*$', default: '' }),
});

export type LauncherEnvValues = Static<typeof LauncherEnv>;

/** Variables of the launcher's own environment that every child receives unchanged, when set. */
export const BASE_PASSTHROUGH = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'TERM',
  'NODE_EXTRA_CA_CERTS',
  'SMTP_URL',
] as const;

/** The validated launcher configuration and the values derived from it. */
export interface LauncherConfig extends LauncherEnvValues {
  /** Absolute path of the monorepo root (where `services/` and `gateway/` live). */
  repoRoot: string;
  /** Absolute path of DEV_DIR. */
  devDir: string;
  /** The parent variables handed to children (see BASE_PASSTHROUGH and PASSTHROUGH_ENV). */
  passthroughEnv: Readonly<Record<string, string>>;
  /** Whether to colour the output (NO_COLOR and FORCE_COLOR win over the terminal check). */
  colors: boolean;
}

export interface LoadLauncherConfigOptions {
  /** The repository root when ORDERLY_ROOT is not set. */
  defaultRepoRoot: string;
  /** Whether standard output is a terminal; decides colours unless NO_COLOR/FORCE_COLOR say otherwise. */
  isTTY: boolean;
  /** Defaults to the process environment (this module is the launcher's only reader of it). */
  env?: Record<string, string | undefined>;
}

const PORT_VARIABLES = ['GATEWAY_PORT', 'AUTH_PORT', 'ORDERS_PORT', 'NOTIFICATIONS_PORT', 'REPORTING_PORT'] as const;

/**
 * Reads and validates the launcher's environment. Throws a ConfigError naming every bad value.
 */
export function loadLauncherConfig(options: LoadLauncherConfigOptions): Readonly<LauncherConfig> {
  const env = options.env ?? process.env;
  const values = loadConfig(LauncherEnv, env);

  const byPort = new Map<number, string[]>();
  for (const name of PORT_VARIABLES) byPort.set(values[name], [...(byPort.get(values[name]) ?? []), name]);
  const clashes = [...byPort.entries()].filter(([, names]) => names.length > 1);
  if (clashes.length > 0) {
    throw new ConfigError(clashes.map(([port, names]) => `${names.join(', ')} share port ${port}; each needs its own port`));
  }

  const names = [...BASE_PASSTHROUGH, ...values.PASSTHROUGH_ENV.split(',').map((n) => n.trim()).filter(Boolean)];
  const passthroughEnv: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) passthroughEnv[name] = value;
  }

  const repoRoot = path.resolve(values.ORDERLY_ROOT ?? options.defaultRepoRoot);
  return Object.freeze({
    ...values,
    repoRoot,
    devDir: path.resolve(repoRoot, values.DEV_DIR),
    passthroughEnv: Object.freeze(passthroughEnv),
    colors: decideColors(env, options.isTTY),
  });
}

/** The usual conventions: NO_COLOR (any value) turns colours off, FORCE_COLOR (not 0/false) on. */
function decideColors(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY;
}
