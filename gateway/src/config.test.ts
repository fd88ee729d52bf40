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
