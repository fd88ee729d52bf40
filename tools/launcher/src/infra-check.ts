/**
 * Checks that Postgres, RabbitMQ and Redis answer before anything else starts, and explains in one
 * message which did not, where the launcher looked and how to start it.
 */
import { connect as connectAmqp } from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';

export type InfraName = 'Postgres' | 'RabbitMQ' | 'Redis';

export interface InfraUrls {
  postgres: string;
  rabbitmq: string;
  redis: string;
}

export interface InfraFailure {
  name: InfraName;
  /** The URL that was tried, password masked. */
  where: string;
  reason: string;
}

/** How to start each server on a Debian machine, and everything at once with Docker. */
export const START_HINTS: Readonly<Record<InfraName, string>> = {
  Postgres: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  RabbitMQ: 'rabbitmq-server -detached',
  Redis: "redis-server --daemonize yes --port 6379 --save '' --appendonly no",
};
export const DOCKER_HINT = 'docker compose up -d postgres rabbitmq redis';

const DEFAULT_TIMEOUT_MS = 3_000;

/** The URL with its password (if any) replaced by `****`, safe to print. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return '<not a valid URL>';
  }
}

/** A short, human reason from an error, including Node's AggregateError of a dual-stack connect. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describeError))].join('; ');
  }
  if (error instanceof Error) return error.message || (error as { code?: string }).code || error.name;
  return String(error);
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connects and runs `SELECT 1`. */
export async function checkPostgres(url: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Opens (and closes) an AMQP connection. */
export async function checkRabbitMq(url: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  const connection = await withTimeout(connectAmqp(url, { timeout: timeoutMs }), timeoutMs + 500, 'RabbitMQ');
  connection.on('error', () => undefined);
  await connection.close().catch(() => undefined);
}

/** PING without retries or an offline queue, so a missing server fails at once. */
export async function checkRedis(url: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's error says why (ECONNREFUSED…); the rejected connect only says the connection closed.
  let socketError: Error | undefined;
  redis.on('error', (error: Error) => {
    socketError ??= error;
  });
  try {
    await redis.connect();
    const answer = await redis.ping();
    if (answer !== 'PONG') throw new Error(`unexpected answer to PING: ${answer}`);
  } catch (error) {
    throw socketError ?? error;
  } finally {
    // After a failed connect the client has already ended; disconnecting again would arm a timer.
    if (redis.status !== 'end') redis.disconnect();
  }
}

/** Checks the given servers in parallel and returns every failure (an empty list when all answer). */
export async function checkInfrastructure(
  urls: Partial<InfraUrls>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<InfraFailure[]> {
  const checks: Array<[InfraName, string | undefined, (url: string, ms: number) => Promise<void>]> = [
    ['Postgres', urls.postgres, checkPostgres],
    ['RabbitMQ', urls.rabbitmq, checkRabbitMq],
    ['Redis', urls.redis, checkRedis],
  ];
  const results = await Promise.all(
    checks.map(async ([name, url, check]): Promise<InfraFailure | undefined> => {
      if (url === undefined) return undefined;
      try {
        await check(url, timeoutMs);
        return undefined;
      } catch (error) {
        return { name, where: maskUrl(url), reason: describeError(error) };
      }
    }),
  );
  return results.filter((r): r is InfraFailure => r !== undefined);
}

function startHint(failure: InfraFailure): string {
  const port = URL.canParse(failure.where) ? new URL(failure.where).port : '';
  // A Redis on another port is started on that port.
  if (failure.name === 'Redis' && port && port !== '6379') return START_HINTS.Redis.replace('--port 6379', `--port ${port}`);
  return START_HINTS[failure.name];
}

/** The message printed when servers do not answer: which, where, why, and how to start them. */
export function formatInfraFailures(failures: readonly InfraFailure[]): string {
  const names = failures.map((f) => f.name);
  const subject = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)} do not` : `${names[0]} does not`;
  const lines = [`${subject} answer; Orderly needs Postgres, RabbitMQ and Redis running.`, ''];
  for (const failure of failures) {
    lines.push(`  ✗ ${failure.name} at ${failure.where}: ${failure.reason}`);
    lines.push(`    start it: ${startHint(failure)}`);
  }
  lines.push(
    '',
    `Or start all three in containers: ${DOCKER_HINT}`,
    'If they run elsewhere, point DATABASE_ADMIN_URL, AMQP_URL and REDIS_URL at them.',
  );
  return lines.join('\n');
}
