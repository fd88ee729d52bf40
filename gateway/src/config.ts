/**
 * The gateway's configuration, read once from the environment and checked at start. Upstream
 * lists and trusted proxies are parsed here too, so every bad value is reported in one error.
 */
import { isIP } from 'node:net';
import { ConfigError, LOCAL_REDIS, LogLevel, loadConfig, Port, Url } from '@orderly/config';
import { Type, type Static } from '@sinclair/typebox';

/** The services behind the gateway. */
export const SERVICE_NAMES = ['auth', 'orders', 'notifications', 'reporting'] as const;
/** One of {@link SERVICE_NAMES}. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The variable holding each service's instances, and its default on a developer machine. */
export const UPSTREAM_VARIABLES = {
  auth: { name: 'AUTH_URL', default: 'http://127.0.0.1:3001' },
  orders: { name: 'ORDERS_URL', default: 'http://127.0.0.1:3002' },
  notifications: { name: 'NOTIFICATIONS_URL', default: 'http://127.0.0.1:3003' },
  reporting: { name: 'REPORTING_URL', default: 'http://127.0.0.1:3004' },
} as const satisfies Record<ServiceName, { name: string; default: string }>;

const UrlList = (defaultValue: string) => Type.String({ minLength: 1, default: defaultValue });
const Millis = (defaultValue: number, minimum: number) => Type.Integer({ minimum, default: defaultValue });
const Budget = (defaultValue: number) => Type.Integer({ minimum: 1, maximum: 100_000, default: defaultValue });

/** Every environment variable the gateway reads, with its default. */
export const GatewayEnv = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Port(8080),
  LOG_LEVEL: LogLevel,
  AUTH_URL: UrlList(UPSTREAM_VARIABLES.auth.default),
  ORDERS_URL: UrlList(UPSTREAM_VARIABLES.orders.default),
  NOTIFICATIONS_URL: UrlList(UPSTREAM_VARIABLES.notifications.default),
  REPORTING_URL: UrlList(UPSTREAM_VARIABLES.reporting.default),
  JWKS_URL: Url('http://127.0.0.1:3001/v1/auth/.well-known/jwks.json', ['http', 'https']),
  JWT_ISSUER: Type.String({ minLength: 1, default: 'orderly-auth' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'orderly' }),
  /** Longest wait for an upstream's response headers; the upstream request is then aborted (504). */
  UPSTREAM_TIMEOUT_MS: Millis(10_000, 1),
  /** Longest silence inside a response body once it started; streams (SSE) must beat faster. 0 = none. */
  UPSTREAM_IDLE_TIMEOUT_MS: Millis(30_000, 0),
  HEALTH_CHECK_INTERVAL_MS: Millis(5_000, 100),
  HEALTH_CHECK_TIMEOUT_MS: Millis(2_000, 1),
  /** A service's breaker opens when more than this share (%) of its recent requests failed. */
  BREAKER_ERROR_THRESHOLD_PERCENTAGE: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  /** Requests a service must have had within the rolling window before its breaker may open. */
  BREAKER_VOLUME_THRESHOLD: Type.Integer({ minimum: 1, default: 10 }),
  /** Length of the breaker's rolling statistics window (ten buckets). */
  BREAKER_ROLLING_WINDOW_MS: Millis(10_000, 100),
  /** How long an open breaker refuses requests before it lets one trial through (half-open). */
  BREAKER_RESET_TIMEOUT_MS: Millis(5_000, 1),
  /** How long an instance with connection errors stays out of rotation. */
  EJECTION_COOLDOWN_MS: Millis(10_000, 1),
  /** Consecutive connection errors (reset, hang-up, connect time-out) that eject an instance; refused ejects at once. */
  EJECTION_CONSECUTIVE_ERRORS: Type.Integer({ minimum: 1, default: 3 }),
  SHUTDOWN_GRACE_MS: Millis(10_000, 1_000),
  SHUTDOWN_DRAIN_DELAY_MS: Millis(0, 0),
  /** Comma-separated addresses or CIDRs of proxies in front of the gateway; empty = none. */
  TRUST_PROXY: Type.String({ default: '' }),
  BODY_LIMIT: Type.Integer({ minimum: 1, default: 1024 * 1024 }),
  /** Redis holding the rate-limit windows that every replica shares. */
  REDIS_URL: Url(LOCAL_REDIS, ['redis', 'rediss']),
  /** Prefix of every key the gateway writes. */
  REDIS_KEY_PREFIX: Type.String({ default: 'orderly:gateway:' }),
  /** Longest wait for one Redis command; then general traffic passes unlimited and login falls back. */
  REDIS_COMMAND_TIMEOUT_MS: Millis(100, 1),
  /** Requests per RATE_LIMIT_WINDOW per user (or per client IP without a valid token). */
  RATE_LIMIT_MAX: Budget(100),
  /** A whole number of seconds, minutes or hours: `60s`, `1m`, `1h` (bare number = seconds). */
  RATE_LIMIT_WINDOW: Type.String({ default: '1m' }),
  /** Login and register attempts per client IP and submitted e-mail per LOGIN_RATE_LIMIT_WINDOW. */
  LOGIN_RATE_LIMIT_MAX: Budget(10),
  LOGIN_RATE_LIMIT_WINDOW: Type.String({ default: '15m' }),
  /** Login and register attempts per client IP, whatever the e-mail, per LOGIN_RATE_LIMIT_WINDOW. */
  LOGIN_IP_RATE_LIMIT_MAX: Budget(100),
  /** Comma-separated browser origins allowed by CORS (`https://app.example.com`, or `*`); empty = none. */
  CORS_ORIGINS: Type.String({ default: '' }),
  /** Longest time a client may take to send its request headers, then its whole request. */
  CLIENT_HEADERS_TIMEOUT_MS: Millis(10_000, 1),
  CLIENT_REQUEST_TIMEOUT_MS: Millis(30_000, 1),
  /** How often the merged OpenAPI document of /docs is rebuilt from the services. */
  DOCS_REFRESH_INTERVAL_MS: Millis(60_000, 1_000),
});

type GatewayEnvValues = Static<typeof GatewayEnv>;
type UpstreamVariable = (typeof UPSTREAM_VARIABLES)[ServiceName]['name'];
type ParsedVariable = 'TRUST_PROXY' | 'RATE_LIMIT_WINDOW' | 'LOGIN_RATE_LIMIT_WINDOW' | 'CORS_ORIGINS';

/** The checked configuration: the variables above, with instance lists and proxies parsed. */
export type GatewayConfig = Readonly<
  Omit<GatewayEnvValues, UpstreamVariable | ParsedVariable> & {
    /** Base URLs (origins) of each service's instances, in configured order. */
    upstreams: Readonly<Record<ServiceName, readonly string[]>>;
    /** Addresses and CIDRs whose X-Forwarded-* headers are believed. */
    trustedProxies: readonly string[];
    /** RATE_LIMIT_WINDOW and LOGIN_RATE_LIMIT_WINDOW in seconds. */
    rateLimitWindowSeconds: number;
    loginRateLimitWindowSeconds: number;
    /** CORS_ORIGINS as origins; `*` allows any. */
    corsOrigins: readonly string[];
  }
>;

/** Reads and checks the gateway's environment; throws a ConfigError naming every bad value. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const problems: string[] = [];
  let values: Readonly<GatewayEnvValues> | undefined;
  try {
    values = loadConfig(GatewayEnv, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const upstreams = {} as Record<ServiceName, readonly string[]>;
  for (const service of SERVICE_NAMES) {
    const variable = UPSTREAM_VARIABLES[service];
    upstreams[service] = parseUrlList(variable.name, env[variable.name] ?? variable.default, problems);
  }
  const trustedProxies = parseProxyList(env.TRUST_PROXY ?? '', problems);
  const edge = parseEdgeSettings(env, problems);
  if (problems.length > 0 || values === undefined) throw new ConfigError(problems);

  const { AUTH_URL: _a, ORDERS_URL: _o, NOTIFICATIONS_URL: _n, REPORTING_URL: _r, TRUST_PROXY: _t, ...withWindows } = values;
  const { RATE_LIMIT_WINDOW: _w, LOGIN_RATE_LIMIT_WINDOW: _lw, CORS_ORIGINS: _c, ...rest } = withWindows;
  return Object.freeze({ ...rest, upstreams: Object.freeze(upstreams), trustedProxies, ...edge });
}

/** Rate-limit windows, CORS origins and client time-outs: checks the schema cannot express. */
function parseEdgeSettings(env: Record<string, string | undefined>, problems: string[]) {
  const { properties } = GatewayEnv;
  const window = (name: 'RATE_LIMIT_WINDOW' | 'LOGIN_RATE_LIMIT_WINDOW') => parseWindow(name, env[name] ?? properties[name].default, problems);
  const millis = (name: 'CLIENT_HEADERS_TIMEOUT_MS' | 'CLIENT_REQUEST_TIMEOUT_MS') => Number(env[name] ?? properties[name].default);
  const rateLimitWindowSeconds = window('RATE_LIMIT_WINDOW');
  const loginRateLimitWindowSeconds = window('LOGIN_RATE_LIMIT_WINDOW');
  const corsOrigins = parseOrigins(env.CORS_ORIGINS ?? '', problems);
  if (millis('CLIENT_HEADERS_TIMEOUT_MS') > millis('CLIENT_REQUEST_TIMEOUT_MS')) {
    problems.push('CLIENT_HEADERS_TIMEOUT_MS must not exceed CLIENT_REQUEST_TIMEOUT_MS');
  }
  return { rateLimitWindowSeconds, loginRateLimitWindowSeconds, corsOrigins };
}

const WINDOW_UNITS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600 };

function parseWindow(name: string, raw: string, problems: string[]): number {
  const match = /^\s*([1-9]\d{0,5})\s*(s|m|h)?\s*$/.exec(raw);
  if (match === null) {
    problems.push(`${name} must be a whole number of seconds, minutes or hours (60s, 1m, 1h); got ${JSON.stringify(raw)}`);
    return 0;
  }
  return Number(match[1]) * WINDOW_UNITS[match[2] ?? '']!;
}

function parseOrigins(raw: string, problems: string[]): readonly string[] {
  const entries = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    const url = URL.parse(entry);
    if (entry !== '*' && (url === null || url.origin !== entry || !['http:', 'https:'].includes(url.protocol))) {
      problems.push(`CORS_ORIGINS must list origins like https://app.example.com (no path or trailing slash) or *; got ${JSON.stringify(entry)}`);
    }
  }
  return Object.freeze(entries);
}

function parseUrlList(name: string, raw: string, problems: string[]): readonly string[] {
  const origins: string[] = [];
  for (const entry of raw.split(',')) {
    const url = URL.parse(entry.trim());
    const plain = url !== null && url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '';
    if (!plain || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      problems.push(`${name} must be a comma-separated list of http(s) base URLs without a path; got ${JSON.stringify(entry.trim())}`);
    } else if (origins.includes(url.origin)) {
      problems.push(`${name} lists ${url.origin} twice`);
    } else {
      origins.push(url.origin);
    }
  }
  return Object.freeze(origins);
}

function parseProxyList(raw: string, problems: string[]): readonly string[] {
  const entries = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    const [address = '', bits, ...extra] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !validBits || extra.length > 0) {
      problems.push(`TRUST_PROXY must list IP addresses or CIDRs (e.g. 10.0.0.0/8, ::1); got ${JSON.stringify(entry)}`);
    }
  }
  return Object.freeze(entries);
}
