/**
 * The broker topology, declared by code on every (re)connection; declarations are idempotent.
 *
 *   exchange `orderly.events` (topic, durable)
 *     └─ binding per event type ─▶ `<queue>`          quorum, x-delivery-limit, dead-letters to `<queue>.dlq`
 *   `<queue>.retry.<n>` (classic, durable): a failed message waits there for its per-message TTL,
 *     then dead-letters back to `<queue>` through the default exchange
 *   `<queue>.dlq` (classic, durable): messages that failed every attempt, were invalid, or hit the
 *     delivery limit; listed and replayed by the DLQ command
 *
 * Retry delays are per-message TTLs (`expiration`), not queue arguments, so changing the delays is
 * a configuration change, not a queue migration. Changing the arguments of an existing queue
 * (queue type, delivery limit) makes RabbitMQ refuse the declaration (PRECONDITION_FAILED): that
 * needs a new queue name or an operator deleting the old queue.
 */
import type { Channel } from 'amqplib';

export const DEFAULT_EXCHANGE = 'orderly.events';
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 30_000];
export const DEFAULT_DELIVERY_LIMIT = 10;

export interface ConsumerTopology {
  exchange: string;
  /** The work queue, e.g. `notifications` or `test_ab12cd34.notifications`. */
  queue: string;
  /** Retry queue names, one per delay, in order. */
  retryQueues: string[];
  deadLetterQueue: string;
  /** Routing keys bound to the work queue (event types). */
  bindings: string[];
  /** Routing keys unbound on every declaration: subscriptions a newer version dropped. */
  retiredBindings: string[];
  /** Deliveries (including redeliveries after a crash) before the broker dead-letters a message. */
  deliveryLimit: number;
}

export interface ConsumerTopologyOptions {
  queue: string;
  exchange?: string;
  bindings: string[];
  /** Event types to unbind (bindings are never removed otherwise: declarations only add). */
  retiredBindings?: string[];
  /** How many retry queues (one per retry delay). */
  retries: number;
  deliveryLimit?: number;
}

const QUEUE_NAME = /^[A-Za-z0-9_.:-]{1,200}$/;

export const retryQueueName = (queue: string, attempt: number) => `${queue}.retry.${attempt}`;
export const deadLetterQueueName = (queue: string) => `${queue}.dlq`;

export function consumerTopology(options: ConsumerTopologyOptions): ConsumerTopology {
  if (!QUEUE_NAME.test(options.queue)) throw new Error(`Invalid queue name ${JSON.stringify(options.queue)}`);
  if (options.bindings.length === 0) throw new Error(`Queue ${options.queue} has no event types to bind`);
  const deliveryLimit = options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT;
  if (!Number.isInteger(deliveryLimit) || deliveryLimit < 1) throw new Error('deliveryLimit must be a positive integer');
  return {
    exchange: options.exchange ?? DEFAULT_EXCHANGE,
    queue: options.queue,
    retryQueues: Array.from({ length: options.retries }, (_, i) => retryQueueName(options.queue, i + 1)),
    deadLetterQueue: deadLetterQueueName(options.queue),
    bindings: [...new Set(options.bindings)],
    retiredBindings: [...new Set(options.retiredBindings ?? [])].filter((key) => !options.bindings.includes(key)),
    deliveryLimit,
  };
}

/** The events exchange: a durable topic exchange, routing key = event type. */
export async function assertEventsExchange(channel: Channel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

export async function assertConsumerTopology(channel: Channel, topology: ConsumerTopology): Promise<void> {
  await assertEventsExchange(channel, topology.exchange);
  await channel.assertQueue(topology.deadLetterQueue, { durable: true });
  await channel.assertQueue(topology.queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': topology.deliveryLimit,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': topology.deadLetterQueue,
      // The broker keeps a message until the DLQ has confirmed it (needs x-overflow reject-publish).
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    },
  });
  for (const retryQueue of topology.retryQueues) {
    await channel.assertQueue(retryQueue, {
      durable: true,
      arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': topology.queue },
    });
  }
  for (const key of topology.bindings) await channel.bindQueue(topology.queue, topology.exchange, key);
  for (const key of topology.retiredBindings) await channel.unbindQueue(topology.queue, topology.exchange, key);
}

/** Removes the queues of a topology (tests and decommissioning); the exchange is left alone. */
export async function deleteConsumerTopology(channel: Channel, topology: ConsumerTopology): Promise<void> {
  for (const name of [topology.queue, ...topology.retryQueues, topology.deadLetterQueue]) await channel.deleteQueue(name);
}
