/**
 * Creates a service's schema and its own login role, with rights on that schema only.
 * Runs with an administrator connection: the development launcher and the tests do it on start,
 * production runs it once per environment (docs/operations.md). Idempotent.
 */
import pg from 'pg';
import { quoteIdent, quoteLiteral } from './identifiers.ts';

export interface ServiceDatabase {
  schema: string;
  role: string;
  password: string;
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const url = new URL(adminUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${quoteIdent(database)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created concurrently
      });
    }
  } finally {
    await client.end();
  }
}

export async function bootstrapServiceSchema(adminUrl: string, target: ServiceDatabase): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const role = quoteIdent(target.role);
  const schema = quoteIdent(target.schema);
  try {
    // Roles are cluster-wide: serialise their creation across concurrent bootstraps.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['orderly.bootstrap']);
    const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [target.role]);
    const password = quoteLiteral(target.password);
    await client.query(
      rowCount
        ? `ALTER ROLE ${role} WITH LOGIN PASSWORD ${password}`
        : `CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${password}`,
    );
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    const database = quoteIdent(rows[0]!.db);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`);
    await client.query(`ALTER SCHEMA ${schema} OWNER TO ${role}`);
    // Nobody but owners creates in public; the role connects to this database and sees its schema only.
    await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await client.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
    await client.query(`ALTER ROLE ${role} IN DATABASE ${database} SET search_path TO ${schema}`);
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['orderly.bootstrap']).catch(() => undefined);
    await client.end();
  }
}

/** The connection URL of a service role, derived from the admin URL (same host, port and database). */
export function serviceUrl(adminUrl: string, target: Pick<ServiceDatabase, 'role' | 'password'>): string {
  const url = new URL(adminUrl);
  url.username = target.role;
  url.password = target.password;
  return url.toString();
}
