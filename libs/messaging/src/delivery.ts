/**
 * What the consumer does with one delivery:
 *   unparsable or invalid against the contract → DLQ at once (no retry can fix it), ack;
 *   valid → one transaction: insert the id into `inbox` (a duplicate stops here) and run the
 *   handler; ack after commit;
 *   handler failed → copy to the next retry queue (or, after the last one, to the DLQ) with a
 *   confirmed publish, then ack the original.
 * While the database is unreachable the message is held and tried again in place, so an outage
 * does not use up its attempts. A message is acked only on the channel that delivered it, while
 * that channel is open; otherwise the broker redelivers it and the inbox absorbs the repeat.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { CloudEvent, EventType } from '@orderly/contracts';
import type { Pool, PoolClient } from '@orderly/postgres';
import type { AmqpSession, PublishOptions } from './amqp-session.ts';
import { createBackoff } from './backoff.ts';
import { parseEventMessage } from './event-message.ts';
import { recordInboxEvent } from './inbox.ts';
import type { MessagingMetrics } from './metrics.ts';
import type { ConsumerTopology } from './topology.ts';
import { isDatabaseUnavailable, uuidv7, withTransaction } from '@orderly/postgres';

export type EventHandler<T extends EventType = EventType> = (event: CloudEvent<T>, tx: PoolClient) => Promise<void>;
/** One handler per subscribed event type; the keys are the queue's bindings. */
export type EventHandlers = { [T in EventType]?: EventHandler<T> };

export interface DeliveryContext {
  session: AmqpSession;
  topology: ConsumerTopology;
  retryDelaysMs: readonly number[];
  handlers: EventHandlers;
  pool: Pool;
  logger: Logger;
  metrics: MessagingMetrics;
  isStopping(): boolean;
  /** Aborted when the consumer stops: cuts short the wait for the database. */
  stopSignal: AbortSignal;
}

/** Headers this library sets on retried and dead-lettered copies. */
export const Headers = {
  attempt: 'x-orderly-attempt',
  reason: 'x-orderly-dead-letter-reason',
  error: 'x-orderly-error',
  deadLetteredAt: 'x-orderly-dead-lettered-at',
  queue: 'x-orderly-queue',
  replayedAt: 'x-orderly-replayed-at',
} as const;

/**
 * `unparsable` and `invalid` go to the DLQ at once; `failed` (the handler threw) and `unhandled`
 * (no handler here for the event's type, e.g. an older instance during a rolling deploy) go
 * through the retry queues first, so another instance may still handle them.
 */
export type DeadLetterReason = 'unparsable' | 'invalid' | 'failed' | 'unhandled';

export async function handleDelivery(message: ConsumeMessage, ctx: DeliveryContext): Promise<void> {
  const parsed = parseEventMessage(message.content);
  if (!parsed.ok && parsed.reason === 'unknown-type') {
    return forward(message, ctx, { reason: 'unhandled', error: `unknown event type ${parsed.type}`, type: parsed.type });
  }
  if (!parsed.ok) {
    ctx.logger.warn({ messageId: message.properties.messageId, errors: parsed.errors }, `${parsed.reason} message`);
    return forward(message, ctx, { reason: parsed.reason, error: parsed.errors.join('; ') });
  }
  const { event } = parsed;
  const log = ctx.logger.child({ eventId: event.id, type: event.type, subject: event.subject });
  const handler = ctx.handlers[event.type] as EventHandler | undefined;
  if (!handler) {
    return forward(message, ctx, { reason: 'unhandled', error: `no handler for ${event.type} in this instance`, type: event.type, log });
  }
  const stopTimer = ctx.metrics.handlerSeconds.startTimer({ queue: ctx.topology.queue, type: event.type });
  let applied: boolean;
  try {
    applied = await applyHoldingThroughOutages(event, handler, ctx, log);
  } catch (error) {
    if (isDatabaseUnavailable(error)) return; // stopping or channel gone: left unacked, the broker redelivers it
    return forward(message, ctx, { reason: 'failed', error: errorText(error), type: event.type, log });
  } finally {
    stopTimer();
  }
  ack(message, ctx);
  if (applied) {
    ctx.metrics.processed.inc({ queue: ctx.topology.queue, type: event.type });
    const ageSeconds = (Date.now() - Date.parse(event.time)) / 1000;
    if (ageSeconds >= 0) ctx.metrics.eventAgeSeconds.observe({ queue: ctx.topology.queue, type: event.type }, ageSeconds);
  } else {
    ctx.metrics.duplicates.inc({ queue: ctx.topology.queue });
  }
  log.debug(applied ? 'event applied' : 'duplicate event ignored');
}

/** Records the id and applies the effect in one transaction; false when the id was already there. */
async function applyOnce(event: CloudEvent, handler: EventHandler, ctx: DeliveryContext): Promise<boolean> {
  return withTransaction(ctx.pool, async (tx) => {
    if (!(await recordInboxEvent(tx, ctx.topology.queue, event))) return false;
    await handler(event, tx);
    return true;
  });
}

async function applyHoldingThroughOutages(event: CloudEvent, handler: EventHandler, ctx: DeliveryContext, log: Logger): Promise<boolean> {
  const backoff = createBackoff({ initialMs: 500, maxMs: 10_000 });
  for (;;) {
    try {
      return await applyOnce(event, handler, ctx);
    } catch (error) {
      if (!isDatabaseUnavailable(error) || ctx.isStopping() || !ctx.session.isOpen()) throw error;
      const delay = backoff.next();
      log.warn({ err: error, retryInMs: delay }, 'database unavailable; holding the message');
      await sleep(delay, undefined, { signal: ctx.stopSignal }).catch(() => undefined);
    }
  }
}

interface Failure {
  reason: DeadLetterReason;
  error: string;
  type?: string;
  log?: Logger;
}

/** Sends a copy to the next retry queue or to the DLQ, then acks the original. */
async function forward(message: ConsumeMessage, ctx: DeliveryContext, failure: Failure): Promise<void> {
  const { topology, metrics } = ctx;
  const attempt = attemptOf(message);
  const retriable = failure.reason === 'failed' || failure.reason === 'unhandled';
  const retry = retriable && attempt < ctx.retryDelaysMs.length;
  const target = retry ? topology.retryQueues[attempt]! : topology.deadLetterQueue;
  const headers: Record<string, unknown> = { ...copiedHeaders(message), [Headers.error]: failure.error.slice(0, 1000) };
  if (retry) headers[Headers.attempt] = attempt + 1;
  else Object.assign(headers, { [Headers.reason]: failure.reason, [Headers.deadLetteredAt]: new Date().toISOString(), [Headers.queue]: topology.queue });
  const options = republishOptions(message, headers, retry ? { expiration: String(ctx.retryDelaysMs[attempt]) } : {});
  const log = failure.log ?? ctx.logger;
  try {
    await ctx.session.publish('', target, message.content, options);
  } catch (error) {
    log.error({ err: error, target }, 'could not move the failed message; it is requeued');
    if (ctx.session.isOpen()) safely(() => ctx.session.channel.nack(message, false, true));
    return;
  }
  ack(message, ctx);
  if (retry) {
    metrics.retries.inc({ queue: topology.queue, type: failure.type ?? 'unknown' });
    log.warn({ error: failure.error, reason: failure.reason, attempt: attempt + 1, retryInMs: ctx.retryDelaysMs[attempt] }, 'not processed; retrying later');
  } else {
    metrics.deadLettered.inc({ queue: topology.queue, reason: failure.reason });
    log.error({ error: failure.error, attempts: attempt + 1, reason: failure.reason }, 'message dead-lettered');
  }
}

function attemptOf(message: ConsumeMessage): number {
  const value = Number(message.properties.headers?.[Headers.attempt] ?? 0);
  return Number.isInteger(value) && value >= 0 ? value : 0;
}

/** The message's own headers, without the ones the broker adds on delivery and dead-lettering. */
export function copiedHeaders(message: Pick<ConsumeMessage, 'properties'>): Record<string, unknown> {
  const { 'x-death': _death, 'x-delivery-count': _count, 'x-first-death-exchange': _e, 'x-first-death-queue': _q, 'x-first-death-reason': _r, ...rest } =
    (message.properties.headers ?? {}) as Record<string, unknown>;
  return rest;
}

export function republishOptions(message: Pick<ConsumeMessage, 'properties'>, headers: Record<string, unknown>, extra: Partial<PublishOptions> = {}): PublishOptions {
  const p = message.properties;
  return {
    persistent: true,
    messageId: typeof p.messageId === 'string' ? p.messageId : uuidv7(),
    ...(p.contentType ? { contentType: p.contentType as string } : {}),
    ...(p.type ? { type: p.type as string } : {}),
    ...(p.appId ? { appId: p.appId as string } : {}),
    ...(p.correlationId ? { correlationId: p.correlationId as string } : {}),
    ...(typeof p.timestamp === 'number' ? { timestamp: p.timestamp } : {}),
    headers,
    ...extra,
  };
}

function ack(message: ConsumeMessage, ctx: DeliveryContext): void {
  if (ctx.session.isOpen()) safely(() => ctx.session.channel.ack(message));
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // The channel closed in between: the broker redelivers the message.
  }
}

function errorText(error: unknown): string {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return typeof message === 'string' ? `${typeof name === 'string' ? name : 'Error'}: ${message}` : String(error);
}
