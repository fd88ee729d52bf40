import { ConfigError } from '@orderly/config';
import { loadGatewayConfig } from './config.ts';

describe('loadGatewayConfig', () => {
  it('when nothing is set, then the defaults describe a developer machine', () => {
    const config = loadGatewayConfig({});

    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 8080,
      LOG_LEVEL: 'info',
      JWKS_URL: 'http://127.0.0.1:3001/v1/auth/.well-known/jwks.json',
      JWT_ISSUER: 'orderly-auth',
      JWT_AUDIENCE: 'orderly',
      UPSTREAM_TIMEOUT_MS: 10_000,
      BODY_LIMIT: 1_048_576,
      upstreams: {
        auth: ['http://127.0.0.1:3001'],
        orders: ['http://127.0.0.1:3002'],
        notifications: ['http://127.0.0.1:3003'],
        reporting: ['http://127.0.0.1:3004'],
      },
      trustedProxies: [],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when lists are given, then instances become origins and proxies are kept in order', () => {
    const config = loadGatewayConfig({
      ORDERS_URL: ' http://orders-1:3002/ , https://orders-2.internal ',
      TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,fd00::/8',
    });

    expect(config.upstreams.orders).toEqual(['http://orders-1:3002', 'https://orders-2.internal']);
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
  });

  it('when several values are wrong, then one error names each of them', () => {
    let error: unknown;
    try {
      loadGatewayConfig({
        PORT: 'eighty',
        AUTH_URL: 'http://auth:3001/v1',
        ORDERS_URL: 'ftp://orders',
        REPORTING_URL: 'http://r:1,http://r:1',
        TRUST_PROXY: '10.0.0.0/33',
      });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/AUTH_URL .*"http:\/\/auth:3001\/v1"/);
    expect(problems).toMatch(/ORDERS_URL .*"ftp:\/\/orders"/);
    expect(problems).toMatch(/REPORTING_URL lists http:\/\/r:1 twice/);
    expect(problems).toMatch(/TRUST_PROXY .*"10.0.0.0\/33"/);
  });
});

describe('loadGatewayConfig: rate limits, CORS and client time-outs', () => {
  it('when nothing is set, then 100 per minute, login 10 (and 100 per address) per 15 minutes, no CORS, local Redis', () => {
    const config = loadGatewayConfig({});

    expect(config).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'orderly:gateway:',
      REDIS_COMMAND_TIMEOUT_MS: 100,
      RATE_LIMIT_MAX: 100,
      rateLimitWindowSeconds: 60,
      LOGIN_RATE_LIMIT_MAX: 10,
      LOGIN_IP_RATE_LIMIT_MAX: 100,
      loginRateLimitWindowSeconds: 900,
      corsOrigins: [],
      CLIENT_HEADERS_TIMEOUT_MS: 10_000,
      CLIENT_REQUEST_TIMEOUT_MS: 30_000,
    });
  });

  it.each([
    ['45', 45],
    ['2s', 2],
    ['1m', 60],
    [' 1 h ', 3600],
  ])('when RATE_LIMIT_WINDOW is %j, then the window is %i s', (value, seconds) => {
    expect(loadGatewayConfig({ RATE_LIMIT_WINDOW: value }).rateLimitWindowSeconds).toBe(seconds);
  });

  it('when CORS_ORIGINS lists origins, then they are kept in order', () => {
    expect(loadGatewayConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
  });

  it('when rate-limit, CORS or time-out values are wrong, then one error names each of them', () => {
    let error: unknown;
    try {
      loadGatewayConfig({
        RATE_LIMIT_WINDOW: '1.5m',
        LOGIN_RATE_LIMIT_WINDOW: '0s',
        RATE_LIMIT_MAX: '0',
        CORS_ORIGINS: 'https://app.example.com/, ftp://files',
        CLIENT_HEADERS_TIMEOUT_MS: '5000',
        CLIENT_REQUEST_TIMEOUT_MS: '1000',
        REDIS_URL: 'http://redis',
      });
    } catch (caught) {
      error = caught;
    }

    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/RATE_LIMIT_WINDOW .*"1.5m"/);
    expect(problems).toMatch(/LOGIN_RATE_LIMIT_WINDOW .*"0s"/);
    expect(problems).toMatch(/RATE_LIMIT_MAX/);
    expect(problems).toMatch(/CORS_ORIGINS .*"https:\/\/app.example.com\/"/);
    expect(problems).toMatch(/CORS_ORIGINS .*"ftp:\/\/files"/);
    expect(problems).toMatch(/CLIENT_HEADERS_TIMEOUT_MS must not exceed CLIENT_REQUEST_TIMEOUT_MS/);
    expect(problems).toMatch(/REDIS_URL/);
  });
});

describe('breaker and ejection settings', () => {
  it('when nothing is set, then the breaker opens above 50 % of at least 10 requests in 10 s and rests 5 s; ejections last 10 s', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      BREAKER_ERROR_THRESHOLD_PERCENTAGE: 50,
      BREAKER_VOLUME_THRESHOLD: 10,
      BREAKER_ROLLING_WINDOW_MS: 10_000,
      BREAKER_RESET_TIMEOUT_MS: 5_000,
      EJECTION_COOLDOWN_MS: 10_000,
      EJECTION_CONSECUTIVE_ERRORS: 3,
    });
  });

  it('when values are out of range, then each is named', () => {
    const env = { BREAKER_ERROR_THRESHOLD_PERCENTAGE: '101', BREAKER_VOLUME_THRESHOLD: '0', BREAKER_ROLLING_WINDOW_MS: '50', EJECTION_CONSECUTIVE_ERRORS: 'x' };

    let error: unknown;
    try {
      loadGatewayConfig(env);
    } catch (thrown) {
      error = thrown;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of Object.keys(env)) expect(problems).toContain(name);
  });
});
