import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { bootstrapServiceSchema, createPool, migrate, serviceUrl, withTransaction, type Pool } from './index.ts';
import { createScratchDatabase, type ScratchDatabase } from '../test/scratch-database.ts';

let db: ScratchDatabase;
const pools: Pool[] = [];
const pool = (url: string) => {
  const p = createPool({ connectionString: url, applicationName: 'postgres-test', max: 3 });
  pools.push(p);
  return p;
};

beforeAll(async () => {
  db = await createScratchDatabase();
  for (const schema of ['alpha', 'beta', 'gamma']) {
    await bootstrapServiceSchema(db.url, { schema, role: `${db.name}_${schema}`, password: 'pw' });
  }
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db.drop(['alpha', 'beta', 'gamma'].map((s) => `${db.name}_${s}`));
});

const roleUrl = (schema: string) => serviceUrl(db.url, { role: `${db.name}_${schema}`, password: 'pw' });

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'orderly-migrations-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(dir, name), sql);
  return dir;
}

describe('service roles', () => {
  it('when a role works in its own schema, then it can create, write and read there', async () => {
    const alpha = pool(roleUrl('alpha'));
    await alpha.query('CREATE TABLE IF NOT EXISTS things (id int primary key)');
    await alpha.query('INSERT INTO things VALUES (1) ON CONFLICT DO NOTHING');
    const { rows } = await alpha.query('SELECT id FROM alpha.things');
    expect(rows).toEqual([{ id: 1 }]);
  });

  it("when a role touches another service's schema, then Postgres refuses it", async () => {
    const beta = pool(roleUrl('beta'));
    await beta.query('CREATE TABLE IF NOT EXISTS secrets (v text)');
    const alpha = pool(roleUrl('alpha'));
    await expect(alpha.query('SELECT * FROM beta.secrets')).rejects.toMatchObject({ code: '42501' });
    await expect(alpha.query("INSERT INTO beta.secrets VALUES ('x')")).rejects.toMatchObject({ code: '42501' });
    await expect(alpha.query('CREATE TABLE beta.intruder (v text)')).rejects.toMatchObject({ code: '42501' });
  });

  it('when a role tries to create in public, then Postgres refuses it', async () => {
    const alpha = pool(roleUrl('alpha'));
    await expect(alpha.query('CREATE TABLE public.intruder (v text)')).rejects.toMatchObject({ code: '42501' });
  });
});

describe('migrate', () => {
  it('when run twice, even concurrently, then each file is applied exactly once', async () => {
    const dir = await migrationsDir({
      '001_create.sql': 'CREATE TABLE counters (id int primary key, n int not null);',
      '002_seed.sql': 'INSERT INTO counters VALUES (1, 0);',
    });
    const alpha = pool(roleUrl('alpha'));
    const runs = await Promise.all([1, 2, 3].map(() => migrate(alpha, { schema: 'alpha', dir })));
    expect(runs.flat().sort()).toEqual(['001_create.sql', '002_seed.sql']);
    expect(await migrate(alpha, { schema: 'alpha', dir })).toEqual([]);
    const { rows } = await alpha.query('SELECT count(*)::int AS n FROM alpha.counters');
    expect(rows[0].n).toBe(1);
  });

  it('when a migration fails, then nothing of that run is kept', async () => {
    const dir = await migrationsDir({
      '001_ok.sql': 'CREATE TABLE kept_or_not (id int);',
      '002_broken.sql': 'CREATE TABLE oops (id int; -- syntax error',
    });
    const beta = pool(roleUrl('beta'));
    await expect(migrate(beta, { schema: 'beta', dir })).rejects.toThrow();
    const { rows } = await beta.query("SELECT to_regclass('beta.kept_or_not') AS t");
    expect(rows[0].t).toBeNull();
  });

  it('when an applied file was edited, then it refuses to continue', async () => {
    const dir = await migrationsDir({ '001_a.sql': 'CREATE TABLE edited (id int);' });
    const gamma = pool(roleUrl('gamma'));
    await migrate(gamma, { schema: 'gamma', dir });
    const edited = await migrationsDir({ '001_a.sql': 'CREATE TABLE edited (id bigint);' });
    await expect(migrate(gamma, { schema: 'gamma', dir: edited })).rejects.toThrow(/changed after it was applied/);
  });
});

describe('withTransaction', () => {
  it('when the callback throws, then the writes are rolled back', async () => {
    const alpha = pool(roleUrl('alpha'));
    await alpha.query('CREATE TABLE IF NOT EXISTS tx_rows (v text)');
    await expect(
      withTransaction(alpha, async (tx) => {
        await tx.query("INSERT INTO tx_rows VALUES ('lost')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await alpha.query('SELECT count(*)::int AS n FROM tx_rows');
    expect(rows[0].n).toBe(0);
  });

  it('when the server drops an idle connection, then the pool reports it and keeps working', async () => {
    const errors: Error[] = [];
    const p = createPool({ connectionString: roleUrl('alpha'), applicationName: 'drop-me', onError: (e) => errors.push(e) });
    pools.push(p);
    await p.query('SELECT 1');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'drop-me'");
    await admin.end();
    await new Promise((r) => setTimeout(r, 200));
    expect(errors.length).toBeGreaterThan(0);
    const { rows } = await p.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });
});
