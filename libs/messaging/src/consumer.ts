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
  /**
   * Event types this queue no longer subscribes to: unbound on connect. Removing a handler alone
   * leaves the binding, and those events would end in the DLQ as `unhandled`.
   */
  retiredEventTypes?: string[];
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
    retiredBindings: options.retiredEventTypes ?? [],
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
  const stopController = new AbortController();
  let session: AmqpSession | undefined;
  let consumerTag: string | undefined;
  let markConnected!: () => void;
  const connectedOnce = new Promise<void>((resolve) => (markConnected = resolve));

  /** Messages ready in `queue`, read on a short-lived channel so a failed check cannot close the consuming one. */
  async function queueDepth(queue: string): Promise<number | undefined> {
    if (!session?.isOpen()) return undefined;
    const channel = await session.connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await withTimeout(channel.checkQueue(queue), 2_000, 'checkQueue timed out')).messageCount;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
  const depthGauge = (name: string, help: string, queue: string) =>
    collectGauge(registry, { name, help, labelNames: ['queue'] }, async (gauge) => {
      const depth = await withTimeout(queueDepth(queue), 3_000, 'queue depth timed out');
      if (depth !== undefined) gauge.set({ queue: topology.queue }, depth);
    });
  const unregisterGauges = [
    depthGauge('orderly_dlq_messages', 'Messages waiting in a dead-letter queue', topology.deadLetterQueue),
    depthGauge('orderly_consumer_queue_messages', 'Messages ready in a work queue, not yet delivered (consumer lag)', topology.queue),
  ];

  function onMessage(current: AmqpSession, message: ConsumeMessage | null): void {
    if (message === null) {
      log.warn('the broker cancelled the consumer (queue deleted?); reconnecting');
      void current.close();
      return;
    }
    const ctx: DeliveryContext = {
      session: current,
      topology,
      retryDelaysMs,
      handlers: options.handlers,
      pool,
      logger: log,
      metrics,
      isStopping: () => stopping,
      stopSignal: stopController.signal,
    };
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
      await consumeOnce().catch((error: unknown) => {
        // A declaration the broker refuses (PRECONDITION_FAILED: the queue exists with other arguments) needs an operator.
        const refused = /PRECONDITION_FAILED/.test(String((error as { message?: unknown } | null)?.message));
        log[refused ? 'error' : 'warn']({ err: error }, refused ? 'the broker refused the topology' : 'consumer could not connect');
      });
      if (!stopping) await sleeper.sleep(backoff.next());
    }
  })();

  return {
    topology,
    isConnected: () => session?.isOpen() === true && consumerTag !== undefined,
    waitUntilConnected: (timeoutMs = 30_000) => withTimeout(connectedOnce, timeoutMs, `consumer ${topology.queue} not connected after ${timeoutMs} ms`),
    async stop() {
      stopping = true;
      stopController.abort();
      sleeper.wake();
      const current = session;
      if (current?.isOpen() && consumerTag) await current.channel.cancel(consumerTag).catch(() => undefined);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await current?.close();
      await loop;
      await session?.close(); // one opened while stopping
      for (const unregister of unregisterGauges) unregister();
      log.info('consumer stopped');
    },
  };
}
