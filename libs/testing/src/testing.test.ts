import { Redis } from 'ioredis';
import pg from 'pg';
import { assertTestName, createTcpProxy, createTestDatabase, testInfra, uniqueTestName } from './index.ts';

describe('test resource names', () => {
  it('when a name lacks "test", then the guard refuses it', () => {
    expect(() => assertTestName('orderly')).toThrow(/Refusing to run tests against "orderly"/);
    expect(() => assertTestName('orderly_test_1')).not.toThrow();
  });

  it('when unique names are made, then they carry "test" and differ', () => {
    const a = uniqueTestName();
    expect(a).toMatch(/^test_[0-9a-f]{8}$/);
    expect(uniqueTestName()).not.toBe(a);
  });
});

describe('createTestDatabase', () => {
  it('when created, then it is a fresh database with "test" in its name, and drop removes it', async () => {
    const db = await createTestDatabase();
    expect(db.name).toMatch(/^orderly_test_/);
    const { url } = await db.createServiceRole('things');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE items (id int)');
    expect((await client.query('SELECT current_schema() AS s')).rows[0].s).toBe('things');
    await client.end();
    await db.drop();
    const admin = new pg.Client({ connectionString: (await testInfra()).postgresAdminUrl });
    await admin.connect();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
    await admin.end();
    expect(rowCount).toBe(0);
  });
});

describe('createTcpProxy', () => {
  it('when stopped, then clients lose the server; when started again, they reach it', async () => {
    const proxy = await createTcpProxy((await testInfra()).redisUrl);
    const redis = new Redis(proxy.wrap((await testInfra()).redisUrl), {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 50,
    });
    redis.on('error', () => undefined);
    try {
      await new Promise((resolve) => redis.once('ready', resolve));
      expect(await redis.ping()).toBe('PONG');
      await proxy.stop();
      await expect(redis.ping()).rejects.toThrow();
      await proxy.start();
      await new Promise((resolve) => redis.once('ready', resolve));
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
      await proxy.close();
    }
  });
});
