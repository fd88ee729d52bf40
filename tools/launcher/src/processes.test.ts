import { APPS, GATEWAY, SERVICES } from './apps.ts';
import { loadTestConfig } from '../test/launcher-config.ts';
import { allLabels, buildUpstreams, childEnv, instanceSpec, planInstances, type Instance } from './processes.ts';

const config = loadTestConfig({ PATH: '/usr/bin', HOME: '/home/dev', ORDERS_INSTANCES: '3', AUTH_INSTANCES: '2', UNRELATED: 'not passed' });

const ports = (...values: number[]) => {
  const queue = [...values];
  return async () => queue.shift()!;
};

const shared = {
  databaseUrls: {
    auth: 'postgres://orderly_auth:orderly_auth@127.0.0.1:5432/orderly',
    orders: 'postgres://orderly_orders:orderly_orders@127.0.0.1:5432/orderly',
    notifications: 'postgres://n',
    reporting: 'postgres://r',
  },
  signingKeyFile: '/repo/.dev/keys/auth-signing.pem',
  upstreams: { AUTH_URL: 'http://127.0.0.1:3001', ORDERS_URL: 'http://127.0.0.1:3002' },
};

describe('planInstances', () => {
  it('when a service runs several times, then the first keeps its port and the others get free ports', async () => {
    const instances = await planInstances(config, APPS, ports(40001, 40002, 40003));
    expect(instances.map((i) => [i.label, i.port])).toEqual([
      ['auth#1', 3001],
      ['auth#2', 40001],
      ['orders#1', 3002],
      ['orders#2', 40002],
      ['orders#3', 40003],
      ['notifications', 3003],
      ['reporting', 3004],
      ['gateway', 8080],
    ]);
    expect(instances[1]!.url).toBe('http://127.0.0.1:40001');
  });

  it('when the port finder hands out a configured port, then it is skipped', async () => {
    const single = loadTestConfig({ ORDERS_INSTANCES: '2' });
    const instances = await planInstances(single, APPS, ports(8080, 3003, 45000));
    expect(instances.find((i) => i.label === 'orders#2')!.port).toBe(45000);
  });

  it('when sizing the prefix column, then every possible label is listed', () => {
    expect(allLabels(config, APPS)).toContain('orders#3');
    expect(allLabels(config, APPS)).toContain('gateway');
  });
});

describe('buildUpstreams', () => {
  it('when services run several instances, then each variable lists all of them, comma-separated', async () => {
    const instances = await planInstances(config, APPS, ports(40001, 40002, 40003));
    expect(buildUpstreams(config, SERVICES, instances)).toEqual({
      AUTH_URL: 'http://127.0.0.1:3001,http://127.0.0.1:40001',
      ORDERS_URL: 'http://127.0.0.1:3002,http://127.0.0.1:40002,http://127.0.0.1:40003',
      NOTIFICATIONS_URL: 'http://127.0.0.1:3003',
      REPORTING_URL: 'http://127.0.0.1:3004',
    });
  });

  it('when a service is not running, then its variable keeps the configured address', async () => {
    const instances = await planInstances(config, [SERVICES[0]!, GATEWAY], ports(40001));
    expect(buildUpstreams(config, SERVICES, instances).REPORTING_URL).toBe('http://127.0.0.1:3004');
  });
});

describe('childEnv', () => {
  const instance = (name: string, port: number): Pick<Instance, 'app' | 'port'> => ({ app: APPS.find((a) => a.name === name)!, port });

  it('when building a service environment, then it has the shared settings, its own role and only passthrough extras', () => {
    const env = childEnv(config, instance('orders', 40002), shared);
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/dev',
      HOST: '127.0.0.1',
      PORT: '40002',
      LOG_LEVEL: 'info',
      DATABASE_URL: shared.databaseUrls.orders,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      EVENTS_EXCHANGE: 'orderly.events',
      EVENTS_QUEUE_PREFIX: 'orderly',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'orderly:',
      JWKS_URL: 'http://127.0.0.1:3001/v1/auth/.well-known/jwks.json',
    });
  });

  it('when building the auth environment, then it gets the signing key file and the dev admin', () => {
    const env = childEnv(config, instance('auth', 3001), shared);
    expect(env).toMatchObject({
      DATABASE_URL: shared.databaseUrls.auth,
      AUTH_SIGNING_KEY_FILE: '/repo/.dev/keys/auth-signing.pem',
      AUTH_ADMIN_EMAIL: 'admin@orderly.local',
      AUTH_ADMIN_PASSWORD: 'orderly-admin-password',
    });
  });

  it('when building the gateway environment, then it gets the upstream lists and no database', () => {
    const env = childEnv(config, instance('gateway', 8080), shared);
    expect(env).toMatchObject({ PORT: '8080', AUTH_URL: 'http://127.0.0.1:3001', ORDERS_URL: 'http://127.0.0.1:3002' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.AUTH_SIGNING_KEY_FILE).toBeUndefined();
  });

  it('when a service has no prepared database URL, then it refuses', () => {
    expect(() => childEnv(config, instance('orders', 1), { ...shared, databaseUrls: {} })).toThrow(/No database URL/);
  });
});

describe('instanceSpec', () => {
  it('when an instance is turned into a command, then it runs its main.ts with the source condition from the repo root', async () => {
    const [auth] = await planInstances(config, APPS, ports(40001, 40002, 40003));
    const spec = instanceSpec(config, auth!, shared, '/opt/node');
    expect(spec).toMatchObject({ label: 'auth#1', app: 'auth', command: '/opt/node', cwd: '/repo' });
    expect(spec.args).toEqual(['--conditions=@orderly/source', 'services/auth/src/main.ts']);
  });
});
