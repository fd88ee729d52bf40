/**
 * LISTEN for outbox inserts on a dedicated connection (not one of the pool's), so the relay wakes
 * as soon as a producer commits. It reconnects with backoff when Postgres goes away; the relay's
 * polling covers the gap, and a (re)connection wakes the relay once to catch up.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { Pool } from '@orderly/postgres';
import { createBackoff, createSleeper } from './backoff.ts';
import { outboxChannel } from './outbox-store.ts';

export interface OutboxListener {
  stop(): Promise<void>;
}

export function listenForOutbox(pool: Pool, logger: Logger, onNotify: () => void): OutboxListener {
  let stopped = false;
  let current: pg.Client | undefined;
  const sleeper = createSleeper();
  const backoff = createBackoff({ initialMs: 500, maxMs: 15_000 });

  async function listenOnce(): Promise<void> {
    const client = new pg.Client({ ...pool.options, application_name: `${pool.options.application_name ?? 'orderly'}-listen` });
    current = client;
    const lost = new Promise<void>((resolve) => {
      client.on('error', (error) => {
        logger.debug({ err: error }, 'outbox LISTEN connection lost');
        resolve();
      });
      client.on('end', () => resolve());
    });
    try {
      await client.connect();
      const channel = await outboxChannel(client);
      client.on('notification', () => onNotify());
      await client.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
      backoff.reset();
      onNotify();
      await lost;
    } finally {
      current = undefined;
      await client.end().catch(() => undefined);
    }
  }

  const loop = (async () => {
    while (!stopped) {
      await listenOnce().catch((error: unknown) => logger.debug({ err: error }, 'outbox LISTEN failed; polling meanwhile'));
      if (!stopped) await sleeper.sleep(backoff.next());
    }
  })();

  return {
    async stop() {
      stopped = true;
      sleeper.wake();
      await current?.end().catch(() => undefined);
      await loop;
    },
  };
}
