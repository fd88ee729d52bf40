import { ConfigError } from '@orderly/config';
import { loadTestConfig } from '../test/launcher-config.ts';

const load = loadTestConfig;

describe('loadLauncherConfig', () => {
  it('when nothing is set, then the defaults describe a developer machine', () => {
    const config = load({});
    expect(config).toMatchObject({
      DATABASE_ADMIN_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      ORDERLY_DATABASE: 'orderly',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      REDIS_URL: 'redis://127.0.0.1:6379',
      EVENTS_EXCHANGE: 'orderly.events',
      EVENTS_QUEUE_PREFIX: 'orderly',
      REDIS_KEY_PREFIX: 'orderly:',
      GATEWAY_PORT: 8080,
      AUTH_PORT: 3001,
      ORDERS_PORT: 3002,
      NOTIFICATIONS_PORT: 3003,
      REPORTING_PORT: 3004,
      AUTH_INSTANCES: 1,
      ORDERS_INSTANCES: 1,
      AUTH_ADMIN_EMAIL: 'admin@orderly.local',
      AUTH_ADMIN_PASSWORD: 'orderly-admin-password',
      LOG_LEVEL: 'info',
      PRETTY_LOGS: true,
      repoRoot: '/repo',
      devDir: '/repo/.dev',
      colors: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when values are given as strings, then they are coerced', () => {
    const config = load({ ORDERS_INSTANCES: '3', PRETTY_LOGS: 'false', GATEWAY_PORT: '18080', DEV_DIR: '/tmp/dev' });
    expect(config.ORDERS_INSTANCES).toBe(3);
    expect(config.PRETTY_LOGS).toBe(false);
    expect(config.GATEWAY_PORT).toBe(18080);
    expect(config.devDir).toBe('/tmp/dev');
  });

  it('when values are bad, then every one of them is named', () => {
    expect(() => load({ ORDERS_INSTANCES: '0', ORDERLY_DATABASE: 'Bad-Name', AMQP_URL: 'http://x' })).toThrow(ConfigError);
    try {
      load({ ORDERS_INSTANCES: '0', ORDERLY_DATABASE: 'Bad-Name', AMQP_URL: 'http://x' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('ORDERS_INSTANCES');
      expect(message).toContain('ORDERLY_DATABASE');
      expect(message).toContain('AMQP_URL');
    }
  });

  it('when two apps are given the same port, then it refuses to start', () => {
    expect(() => load({ ORDERS_PORT: '3001' })).toThrow(/AUTH_PORT, ORDERS_PORT share port 3001; each needs its own port/);
  });

  it('when building the child passthrough, then only the listed variables are kept', () => {
    const config = load({ PATH: '/bin', HOME: '/home/me', SECRET_TOKEN: 'x', SMTP_URL: 'smtp://mail', EXTRA: '1', PASSTHROUGH_ENV: 'EXTRA, MISSING' });
    expect(config.passthroughEnv).toEqual({ PATH: '/bin', HOME: '/home/me', SMTP_URL: 'smtp://mail', EXTRA: '1' });
  });

  it('when NO_COLOR or FORCE_COLOR is set, then it wins over the terminal check', () => {
    expect(load({}, true).colors).toBe(true);
    expect(load({ NO_COLOR: '1' }, true).colors).toBe(false);
    expect(load({ FORCE_COLOR: '1' }, false).colors).toBe(true);
    expect(load({ FORCE_COLOR: '0' }, true).colors).toBe(false);
  });

  it('when ORDERLY_ROOT is set, then apps and DEV_DIR are taken from there', () => {
    const config = load({ ORDERLY_ROOT: '/elsewhere' });
    expect(config.repoRoot).toBe('/elsewhere');
    expect(config.devDir).toBe('/elsewhere/.dev');
  });
});
