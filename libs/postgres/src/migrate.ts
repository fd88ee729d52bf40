/**
 * Forward-only, versioned SQL migrations: `NNN_description.sql` files applied in order, each in its
 * own transaction, recorded in `<schema>.schema_migrations` with a checksum. A transaction-level
 * advisory lock makes concurrent runs (several replicas, a Job and a pod) wait for each other.
 * An applied file that was edited afterwards is an error, never silently skipped.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from './pool.ts';
import { withTransaction } from './pool.ts';
import { quoteIdent } from './identifiers.ts';

const FILE_PATTERN = /^(\d{3,})_[a-z0-9_-]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of files) {
    const match = FILE_PATTERN.exec(name);
    if (!match) throw new Error(`Migration file ${name} must be named NNN_description.sql`);
    const sql = await readFile(path.join(dir, name), 'utf8');
    migrations.push({ version: Number(match[1]), name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  const versions = new Set(migrations.map((m) => m.version));
  if (versions.size !== migrations.length) throw new Error(`Duplicate migration versions in ${dir}`);
  return migrations;
}

export interface MigrateOptions {
  /** The schema the migrations belong to; it must exist and the pool's role must own it. */
  schema: string;
  dir: string;
}

/** Applies pending migrations; returns the names of the files applied by this call. */
export async function migrate(pool: Pool, options: MigrateOptions): Promise<string[]> {
  const migrations = await readMigrations(options.dir);
  const schema = quoteIdent(options.schema);
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`orderly.migrate.${options.schema}`]);
    await client.query(`SET LOCAL search_path TO ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      `SELECT version, name, checksum FROM ${schema}.schema_migrations`,
    );
    const applied = new Map(rows.map((r) => [r.version, r]));
    const done: string[] = [];
    for (const migration of migrations) {
      const previous = applied.get(migration.version);
      if (previous) {
        if (previous.checksum !== migration.checksum) {
          throw new Error(`Migration ${migration.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await client.query('SAVEPOINT migration');
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`, [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      await client.query('RELEASE SAVEPOINT migration');
      done.push(migration.name);
    }
    return done;
  });
}
