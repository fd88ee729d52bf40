import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { infraUrls } from '../test/infra-urls.ts';
import { adminUrlFor, prepareDatabase, serviceDatabase } from './database.ts';

const suffix = randomBytes(4).toString('hex');
const database = `orderly_test_launcher_${suffix}`;
const schemas = [`test_a_${suffix}`, `test_b_${suffix}`];

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: infraUrls.postgres });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    for (const schema of schemas) await client.query(`DROP ROLE IF EXISTS "${serviceDatabase(schema).role}"`);
  });
});

describe('serviceDatabase and adminUrlFor', () => {
  it('when naming a service role, then it is orderly_<schema> with the same development password', () => {
    expect(serviceDatabase('auth')).toEqual({ schema: 'auth', role: 'orderly_auth', password: 'orderly_auth' });
  });

  it('when pointing the admin URL at a database, then only the path changes', () => {
    expect(adminUrlFor('postgres://postgres:pw@db:5433/postgres?sslmode=disable', 'orderly')).toBe('postgres://postgres:pw@db:5433/orderly?sslmode=disable');
  });
});

describe('prepareDatabase against the real Postgres', () => {
  it('when run twice, then the database, schemas and roles exist and each URL logs in as its own role', async () => {
    await prepareDatabase(infraUrls.postgres, database, schemas);
    const urls = await prepareDatabase(infraUrls.postgres, database, schemas);

    for (const schema of schemas) {
      const client = new pg.Client({ connectionString: urls[schema] });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT current_user AS who, current_database() AS db, current_schema() AS schema');
        expect(rows[0]).toEqual({ who: serviceDatabase(schema).role, db: database, schema });
        await client.query('CREATE TABLE owned_here (id int)');
      } finally {
        await client.end();
      }
    }
  });
});
