import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that can run a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export interface PoolOptions {
  connectionString: string;
  max?: number;
  applicationName: string;
  statementTimeoutMs?: number;
  /** Called for errors of idle clients (e.g. the server restarted); the pool replaces them. */
  onError?: (error: Error) => void;
}

// Timestamps come back as ISO strings in UTC and bigint sums as strings are handled by callers.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value) => new Date(value).toISOString());

/**
 * A pool whose idle-client errors are logged instead of crashing the process:
 * a database restart must never take a service down.
 */
export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    keepAlive: true,
  });
  pool.on('error', (error) => options.onError?.(error));
  return pool;
}

/**
 * Runs `fn` in one transaction on one client; commits on success, rolls back on any error.
 * A checked-out pg client has no 'error' listener of the pool's, so a connection lost while it is
 * held (Postgres restarting mid-transaction) would crash the process: here it always has one, and
 * a broken client is destroyed on release instead of going back to the pool.
 */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (!broken) await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006',
]);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|Client was closed/i;

/** True when `error` says the database cannot be reached (as opposed to a query failing). */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Duck-typed: errors from Node's own sockets may come from another realm (e.g. under Jest).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message));
}

/** True when Postgres answers a trivial query within the pool's connection time-out. */
export async function isPostgresReady(pool: Pool): Promise<boolean> {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
