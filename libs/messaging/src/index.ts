export { buildEvent, type BuildEventInput } from './build-event.ts';
export { enqueueEvent, InvalidEventError } from './outbox.ts';
export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay.ts';
export { outboxStats, purgeSentOutboxRows, type OutboxStats } from './outbox-store.ts';
export { startConsumer, type Consumer, type ConsumerOptions } from './consumer.ts';
export { Headers as MessagingHeaders, type DeadLetterReason, type EventHandler, type EventHandlers } from './delivery.ts';
export { purgeInbox, recordInboxEvent } from './inbox.ts';
export { listDeadLetters, replayDeadLetters, type DeadLetter, type DeadLetterOptions, type ReplayOptions, type ReplayResult } from './dlq.ts';
export {
  assertConsumerTopology,
  assertEventsExchange,
  consumerTopology,
  deadLetterQueueName,
  deleteConsumerTopology,
  retryQueueName,
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_EXCHANGE,
  DEFAULT_RETRY_DELAYS_MS,
  type ConsumerTopology,
  type ConsumerTopologyOptions,
} from './topology.ts';
export { CLOUDEVENTS_CONTENT_TYPE, eventMessage, parseEventMessage, type ParsedEvent } from './event-message.ts';
export { openSession, PublishRejectedError, UnroutableError, type AmqpSession, type PublishOptions, type SessionOptions } from './amqp-session.ts';
export { messagingMetrics, type MessagingMetrics } from './metrics.ts';
export { createBackoff, type Backoff, type BackoffOptions } from './backoff.ts';
