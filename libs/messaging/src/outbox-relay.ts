/**
 * The outbox relay: publishes the rows producers committed to `outbox`, with publisher confirms,
 * and marks them sent only after the broker confirmed. Wakes on LISTEN/NOTIFY, polls as a
 * fallback, backs off while the broker or the database is down, and never throws out of its loop.
 * Any number of relays may run on one outbox: rows are claimed with FOR UPDATE SKIP LOCKED and each
 * subject's events go out in order (see claimOutboxRows). Delivery is at-least-once: a crash after
 * the broker confirmed but before the commit publishes those rows again; consumers deduplicate.
 */
import { Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { Pool } from '@orderly/postgres';
import { openSession, type AmqpSession } from './amqp-session.ts';
import { createBackoff, createSleeper, withTimeout, type BackoffOptions } from './backoff.ts';
import { collectGauge, messagingMetrics } from './metrics.ts';
import { listenForOutbox } from './outbox-listener.ts';
import { outboxStats, purgeSentOutboxRows } from './outbox-store.ts';
import { relayBatch } from './relay-batch.ts';
import { assertEventsExchange, DEFAULT_EXCHANGE } from './topology.ts';
import { withTransaction } from '@orderly/postgres';

export interface OutboxRelayOptions {
  /** A pool of the producing service's role (its search_path selects the schema holding `outbox`). */
  pool: Pool;
  amqpUrl: string;
  logger: Logger;
  /** Where the metrics go; a private registry when omitted. */
  registry?: Registry;
  /** Default `orderly.events`. */
  exchange?: string;
  /** Connection name shown by the broker (default `outbox-relay`). */
  name?: string;
  /** Rows claimed per round (default 100). */
  batchSize?: number;
  /** Polling fallback when no notification arrives (default 1 000 ms). */
  pollIntervalMs?: number;
  /** Default 10 000 ms. */
  confirmTimeoutMs?: number;
  /** Backoff while the broker or the database is down (default 200 ms doubling to 10 s). */
  reconnect?: BackoffOptions;
  /** Backoff of a row the broker refused, e.g. unroutable (default 1 s doubling to 5 min). */
  failedRowRetry?: BackoffOptions;
  /** How long sent rows are kept before being deleted (default 24 h). */
  sentRetentionMs?: number;
  /** Wake on LISTEN/NOTIFY (default true); polling alone otherwise. */
  listen?: boolean;
}

export interface OutboxRelay {
  /** Connected to the broker and the last database round succeeded. */
  isHealthy(): boolean;
  isConnected(): boolean;
  /** Runs a round now instead of at the next notification or poll. */
  wake(): void;
  /** Finishes the round in flight, then closes the broker connection and the LISTEN connection. */
  stop(): Promise<void>;
}

const PURGE_INTERVAL_MS = 60_000;

export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { pool, logger } = options;
  const exchange = options.exchange ?? DEFAULT_EXCHANGE;
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const retentionMs = options.sentRetentionMs ?? 24 * 60 * 60 * 1000;
  const registry = options.registry ?? new Registry();
  const metrics = messagingMetrics(registry);
  const rowRetry = { initialMs: options.failedRowRetry?.initialMs ?? 1_000, maxMs: options.failedRowRetry?.maxMs ?? 300_000 };
  const failedRowDelayMs = (attempts: number) => Math.min(rowRetry.maxMs, rowRetry.initialMs * 2 ** Math.min(attempts, 20));

  const sleeper = createSleeper();
  const backoff = createBackoff(options.reconnect);
  let stopping = false;
  let session: AmqpSession | undefined;
  let databaseOk = false;
  let lastPurge = 0;

  const unregisterGauges = [
    collectGauge(registry, { name: 'orderly_outbox_backlog', help: 'Outbox events not yet published', labelNames: [] }, async (g) => {
      g.set((await withTimeout(outboxStats(pool), 2_000, 'outbox stats timed out')).backlog);
    }),
    collectGauge(
      registry,
      { name: 'orderly_outbox_oldest_unsent_age_seconds', help: 'Age of the oldest unpublished outbox event', labelNames: [] },
      async (g) => g.set((await withTimeout(outboxStats(pool), 2_000, 'outbox stats timed out')).oldestAgeSeconds),
    ),
  ];
  const listener = options.listen === false ? undefined : listenForOutbox(pool, logger, () => sleeper.wake());

  async function connectedSession(): Promise<AmqpSession> {
    if (session?.isOpen()) return session;
    const fresh = await openSession(options.amqpUrl, { logger, name: options.name ?? 'outbox-relay', ...confirmTimeout() });
    try {
      await assertEventsExchange(fresh.channel, exchange);
    } catch (error) {
      await fresh.close();
      throw error;
    }
    void fresh.closed.then((reason) => {
      if (!stopping) logger.warn({ err: reason }, 'outbox relay lost the broker connection; reconnecting');
    });
    logger.info({ exchange }, 'outbox relay connected to the broker');
    session = fresh;
    return fresh;
  }

  function confirmTimeout() {
    return options.confirmTimeoutMs === undefined ? {} : { confirmTimeoutMs: options.confirmTimeoutMs };
  }

  async function round(): Promise<number> {
    const current = await connectedSession();
    const result = await withTransaction(pool, (tx) =>
      relayBatch(tx, current, { exchange, batchSize, logger, metrics, failedRowDelayMs }),
    ).catch((error: unknown) => {
      databaseOk = false;
      throw error;
    });
    databaseOk = true;
    if (result.brokerError) throw result.brokerError;
    if (Date.now() - lastPurge > PURGE_INTERVAL_MS) {
      lastPurge = Date.now();
      const purged = await purgeSentOutboxRows(pool, retentionMs);
      if (purged > 0) logger.debug({ purged }, 'purged sent outbox rows');
    }
    return result.claimed;
  }

  const loop = (async () => {
    while (!stopping) {
      try {
        const claimed = await round();
        backoff.reset();
        if (claimed < batchSize) await sleeper.sleep(pollIntervalMs);
      } catch (error) {
        const delay = backoff.next();
        logger.warn({ err: error, retryInMs: delay }, 'outbox relay round failed');
        await sleeper.sleep(delay);
      }
    }
  })();

  return {
    isHealthy: () => databaseOk && session?.isOpen() === true,
    isConnected: () => session?.isOpen() === true,
    wake: () => sleeper.wake(),
    async stop() {
      stopping = true;
      sleeper.wake();
      await loop;
      await Promise.all([listener?.stop(), session?.close()]);
      for (const unregister of unregisterGauges) unregister();
      logger.info('outbox relay stopped');
    },
  };
}
