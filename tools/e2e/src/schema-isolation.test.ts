/**
 * Each service's role, with the service's real migrations applied, can touch its own schema only:
 * not another service's tables, not `public` (SPEC §1).
 */
import path from 'node:path';
import { createPool, migrate, type Pool } from '@orderly/postgres';
import { createTestDatabase, type TestDatabase } from '@orderly/testing';

const SERVICES = ['auth', 'orders', 'notifications', 'reporting'] as const;
const repoRoot = path.join(__dirname, '..', '..', '..');

let db: TestDatabase;
const pools = new Map<string, Pool>();

beforeAll(async () => {
  db = await createTestDatabase();
  for (const service of SERVICES) {
    const { url } = await db.createServiceRole(service);
    const pool = createPool({ connectionString: url, applicationName: `isolation-${service}`, max: 2 });
    await migrate(pool, { schema: service, dir: path.join(repoRoot, 'services', service, 'migrations') });
    pools.set(service, pool);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([...pools.values()].map((p) => p.end()));
  await db.drop();
});

async function tablesOf(schema: string): Promise<string[]> {
  const { rows } = await db
    .adminPool()
    .query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'", [schema]);
  return rows.map((r) => r.table_name);
}

describe.each(SERVICES)('the %s role', (service) => {
  it('when it works in its own schema, then it reads its tables', async () => {
    const tables = await tablesOf(service);
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) {
      await expect(pools.get(service)!.query(`SELECT * FROM ${service}.${table} LIMIT 1`)).resolves.toBeDefined();
    }
  });

  it("when it touches another service's tables, then Postgres refuses", async () => {
    const pool = pools.get(service)!;
    for (const other of SERVICES.filter((s) => s !== service)) {
      for (const table of await tablesOf(other)) {
        await expect(pool.query(`SELECT * FROM ${other}.${table} LIMIT 1`)).rejects.toMatchObject({ code: '42501' });
        await expect(pool.query(`DELETE FROM ${other}.${table}`)).rejects.toMatchObject({ code: '42501' });
      }
      await expect(pool.query(`CREATE TABLE ${other}.intruder (id int)`)).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('when it tries to create in public, then Postgres refuses', async () => {
    await expect(pools.get(service)!.query('CREATE TABLE public.intruder (id int)')).rejects.toMatchObject({ code: '42501' });
  });
});
