import pg from 'pg';
import { bootstrapServiceSchema, createPool, migrate, quoteIdent, serviceUrl, type Pool } from '@orderly/postgres';
import { testInfra } from './infra.ts';
import { assertTestName, uniqueTestName } from './names.ts';

export interface TestDatabase {
  name: string;
  /** Administrator URL pointing at the test database. */
  adminUrl: string;
  /** Creates `schema` with its own login role (as in production) and returns that role's URL. */
  createServiceRole(schema: string): Promise<{ url: string; role: string }>;
  /** A pool with administrator rights on the test database (for assertions and setup). */
  adminPool(): Pool;
  drop(): Promise<void>;
}

/** A fresh database for one test file, dropped with its roles by `drop()`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { postgresAdminUrl } = await testInfra();
  const name = uniqueTestName('orderly_test');
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  await admin.end();

  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  const adminUrl = url.toString();
  const roles: string[] = [];
  const pools: Pool[] = [];

  return {
    name,
    adminUrl,
    async createServiceRole(schema) {
      const role = `${name}_${schema}`.slice(0, 63);
      assertTestName(role);
      roles.push(role);
      await bootstrapServiceSchema(adminUrl, { schema, role, password: role });
      return { url: serviceUrl(adminUrl, { role, password: role }), role };
    },
    adminPool() {
      const pool = createPool({ connectionString: adminUrl, applicationName: 'test-admin', max: 4 });
      pools.push(pool);
      return pool;
    },
    async drop() {
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        for (const role of roles) await client.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A test database holding one service's schema, created with the service's own role and migrated
 * with its real migrations — the same path as production. Returns the role's connection URL.
 */
export async function createServiceTestDatabase(schema: string, migrationsDir: string): Promise<{ db: TestDatabase; url: string }> {
  const db = await createTestDatabase();
  const { url } = await db.createServiceRole(schema);
  const pool = createPool({ connectionString: url, applicationName: `${schema}-test-migrate`, max: 1 });
  try {
    await migrate(pool, { schema, dir: migrationsDir });
  } finally {
    await pool.end();
  }
  return { db, url };
}
