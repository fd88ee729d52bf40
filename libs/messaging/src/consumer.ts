/**
 * A consumer of one durable queue: declares its topology, consumes with manual acks and a bounded
 * prefetch, and hands each delivery to `handleDelivery` (inbox + handler in one transaction, retry
 * queues, DLQ). After a broker restart or a lost connection it reconnects with backoff, declares
 * the topology again and resumes. `stop()` drains: no new deliveries, in-flight ones finish and are
 * acked, then the channel closes.
 */
import { Registry } from 'prom-client';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { Pool } from '@orderly/postgres';
import { openSession, type AmqpSession } from './amqp-session.ts';
import { createBackoff, createSleeper, withTimeout, type BackoffOptions } from './backoff.ts';
import { handleDelivery, type DeliveryContext, type EventHandlers } from './delivery.ts';
import { collectGauge, messagingMetrics } from './metrics.ts';
import { assertConsumerTopology, consumerTopology, DEFAULT_RETRY_DELAYS_MS, type ConsumerTopology } from './topology.ts';

export interface ConsumerOptions {
  /** A pool of the consuming service's role (its search_path selects the schema holding `inbox`). */
  pool: Pool;
  amqpUrl: string;
  logger: Logger;
  /** Where the metrics go; a private registry when omitted. */
  registry?: Registry;
  /** The work queue name, e.g. `notifications`; retry queues and the DLQ derive from it. */
  queue: string;
  /** Default `orderly.events`. */
  exchange?: string;
  /** One handler per event type; the queue is bound to exactly these types. */
  handlers: EventHandlers;
  /** Unacked deliveries at once (default 10). */
  prefetch?: number;
  /** Delay before each retry; its length is the number of retries before the DLQ (default 1 s, 5 s, 30 s). */
  retryDelaysMs?: readonly number[];
  /** Deliveries of one message (crash loops included) before the broker dead-letters it (default 10). */
  deliveryLimit?: number;
  /** Backoff between reconnection attempts (default 200 ms doubling to 10 s). */
  reconnect?: BackoffOptions;
  /** Default 10 000 ms. */
  confirmTimeoutMs?: number;
}

export interface Consumer {
  readonly topology: ConsumerTopology;
  /** Connected and consuming. */
  isConnected(): boolean;
  /** Resolves once consuming; rejects after `timeoutMs` (default 30 s). */
  waitUntilConnected(timeoutMs?: number): Promise<void>;
  /** Stops taking deliveries, waits for in-flight ones to finish and be acked, then closes. */
  stop(): Promise<void>;
}

export function startConsumer(options: ConsumerOptions): Consumer {
  const { logger, pool } = options;
  const prefetch = options.prefetch ?? 10;
  const retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  if (!Number.isInteger(prefetch) || prefetch < 1) throw new Error('prefetch must be a positive integer');
  if (retryDelaysMs.some((d) => !Number.isInteger(d) || d < 0)) throw new Error('retryDelaysMs must be non-negative integers');
  const topology = consumerTopology({
    queue: options.queue,
    bindings: Object.keys(options.handlers),
    retries: retryDelaysMs.length,
    ...(options.exchange === undefined ? {} : { exchange: options.exchange }),
    ...(options.deliveryLimit === undefined ? {} : { deliveryLimit: options.deliveryLimit }),
  });
  const registry = options.registry ?? new Registry();
  const metrics = messagingMetrics(registry);
  const log = logger.child({ queue: topology.queue });
  const sleeper = createSleeper();
  const backoff = createBackoff(options.reconnect);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let session: AmqpSession | undefined;
  let consumerTag: string | undefined;
  let markConnected!: () => void;
  const connectedOnce = new Promise<void>((resolve) => (markConnected = resolve));

  const unregisterGauge = collectGauge(
    registry,
    { name: 'orderly_dlq_messages', help: 'Messages waiting in a dead-letter queue', labelNames: ['queue'] },
    async (gauge) => {
      if (!session?.isOpen()) return;
      const channel = await session.connection.createChannel();
      channel.on('error', () => undefined);
      try {
        const { messageCount } = await withTimeout(channel.checkQueue(topology.deadLetterQueue), 2_000, 'checkQueue timed out');
        gauge.set({ queue: topology.queue }, messageCount);
      } finally {
        await channel.close().catch(() => undefined);
      }
    },
  );

  function onMessage(current: AmqpSession, message: ConsumeMessage | null): void {
    if (message === null) {
      log.warn('the broker cancelled the consumer (queue deleted?); reconnecting');
      void current.close();
      return;
    }
    const ctx: DeliveryContext = { session: current, topology, retryDelaysMs, handlers: options.handlers, pool, logger: log, metrics, isStopping: () => stopping };
    const task: Promise<void> = handleDelivery(message, ctx)
      .catch((error: unknown) => log.error({ err: error }, 'unexpected error while handling a delivery'))
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  }

  async function consumeOnce(): Promise<void> {
    const current = await openSession(options.amqpUrl, {
      logger: log,
      name: `consumer ${topology.queue}`,
      ...(options.confirmTimeoutMs === undefined ? {} : { confirmTimeoutMs: options.confirmTimeoutMs }),
    });
    session = current;
    try {
      await assertConsumerTopology(current.channel, topology);
      await current.channel.prefetch(prefetch);
      if (stopping) {
        await current.close();
        return;
      }
      ({ consumerTag } = await current.channel.consume(topology.queue, (m) => onMessage(current, m), { noAck: false }));
    } catch (error) {
      await current.close();
      throw error;
    }
    backoff.reset();
    markConnected();
    log.info({ prefetch, bindings: topology.bindings }, 'consuming');
    const reason = await current.closed;
    consumerTag = undefined;
    if (!stopping) log.warn({ err: reason }, 'consumer lost the broker connection; reconnecting');
  }

  const loop = (async () => {
    while (!stopping) {
      await consumeOnce().catch((error: unknown) => log.warn({ err: error }, 'consumer could not connect'));
      if (!stopping) await sleeper.sleep(backoff.next());
    }
  })();

  return {
    topology,
    isConnected: () => session?.isOpen() === true && consumerTag !== undefined,
    waitUntilConnected: (timeoutMs = 30_000) => withTimeout(connectedOnce, timeoutMs, `consumer ${topology.queue} not connected after ${timeoutMs} ms`),
    async stop() {
      stopping = true;
      sleeper.wake();
      const current = session;
      if (current?.isOpen() && consumerTag) await current.channel.cancel(consumerTag).catch(() => undefined);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await current?.close();
      await loop;
      await session?.close(); // one opened while stopping
      unregisterGauge();
      log.info('consumer stopped');
    },
  };
}
