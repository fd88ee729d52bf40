/**
 * Removes what an orders bench run created besides its processes: its database, its queues and
 * exchange (names start with the run's prefix), its Redis keys and its development directory.
 */
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { connect as connectAmqp } from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { BenchConfig } from './config.ts';

/** Drops the database, deletes the queues and exchange of `prefix` and its Redis keys, removes the directory. */
export async function cleanUp(config: BenchConfig, database: string, prefix: string, devDir: string): Promise<void> {
  const admin = new pg.Client({ connectionString: config.DATABASE_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).finally(() => admin.end());
  await rm(devDir, { recursive: true, force: true });

  const connection = await connectAmqp(config.AMQP_URL);
  try {
    let queues: string[] = [];
    try {
      queues = execFileSync('rabbitmqctl', ['list_queues', '-q', '--no-table-headers', 'name'], { encoding: 'utf8', timeout: 30_000 })
        .split('\n')
        .map((q) => q.trim())
        .filter((q) => q.startsWith(`${prefix}.`));
    } catch {
      // Without rabbitmqctl the queues of this run stay (their names start with the run's prefix).
    }
    for (const queue of queues) {
      const channel = await connection.createChannel();
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
    const channel = await connection.createChannel();
    await channel.deleteExchange(`${prefix}.events`).catch(() => undefined);
    await channel.close().catch(() => undefined);
  } finally {
    await connection.close().catch(() => undefined);
  }

  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
