/**
 * Listing and replaying dead-lettered messages (the logic of `dlq.cli.ts`). Both read the DLQ with
 * basic.get and manual acks: a listed message is never removed (it returns to the queue when the
 * channel closes), and a replayed one is removed only after its copy to the work queue is confirmed.
 */
import pino, { type Logger } from 'pino';
import type { GetMessage } from 'amqplib';
import { openSession, type AmqpSession } from './amqp-session.ts';
import { copiedHeaders, Headers, republishOptions } from './delivery.ts';
import { deadLetterQueueName } from './topology.ts';

export interface DeadLetterOptions {
  amqpUrl: string;
  /** The consumer's work queue (`notifications`) or its DLQ (`notifications.dlq`). */
  queue: string;
  /** At most this many messages are read (default 10 000). */
  limit?: number;
  logger?: Logger;
}

export interface DeadLetter {
  /** The event id (message id, or the body's `id`); null for a message without either. */
  eventId: string | null;
  type: string | null;
  subject: string | null;
  /** `failed`, `invalid`, `unparsable`, or the broker's reason (e.g. `delivery_limit`). */
  reason: string | null;
  error: string | null;
  /** Deliveries handled before it was dead-lettered, when known. */
  attempts: number | null;
  deadLetteredAt: string | null;
  /** The decoded body (the CloudEvent), or the raw text when it is not JSON. */
  body: unknown;
}

export interface ReplayOptions extends DeadLetterOptions {
  /** Event ids to replay. */
  ids?: string[];
  /** Replay every message in the DLQ. */
  all?: boolean;
}

export interface ReplayResult {
  replayed: string[];
  /** Requested ids not found in the DLQ. */
  notFound: string[];
}

const workQueueOf = (queue: string) => queue.replace(/\.dlq$/, '');

/** Every dead letter of `queue`, oldest first; the queue is left unchanged. */
export async function listDeadLetters(options: DeadLetterOptions): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  await scanDeadLetters(options, async (message) => {
    letters.push(describe(message));
  });
  return letters;
}

/**
 * Moves the chosen dead letters back to the work queue (attempt count reset), each acked in the
 * DLQ only after the broker confirmed its copy. Needs `ids` or `all`.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  const wanted = new Set(options.ids ?? []);
  if (!options.all && wanted.size === 0) throw new Error('Say which messages to replay: event ids, or all');
  const target = workQueueOf(options.queue);
  const replayed: string[] = [];
  await scanDeadLetters(options, async (message, session) => {
    const letter = describe(message);
    if (!options.all && !(letter.eventId && wanted.has(letter.eventId))) return;
    const { [Headers.attempt]: _a, [Headers.reason]: _r, [Headers.error]: _e, [Headers.deadLetteredAt]: _d, [Headers.queue]: _q, ...headers } =
      copiedHeaders(message);
    headers[Headers.replayedAt] = new Date().toISOString();
    await session.publish('', target, message.content, republishOptions(message, headers));
    session.channel.ack(message);
    replayed.push(letter.eventId ?? '(no id)');
  });
  return { replayed, notFound: [...wanted].filter((id) => !replayed.includes(id)) };
}

async function scanDeadLetters(
  options: DeadLetterOptions,
  visit: (message: GetMessage, session: AmqpSession) => Promise<void>,
): Promise<void> {
  const dlq = deadLetterQueueName(workQueueOf(options.queue));
  const session = await openSession(options.amqpUrl, { logger: options.logger ?? pino({ level: 'silent' }), name: 'dlq-command' });
  try {
    await session.channel.checkQueue(dlq);
    for (let read = 0; read < (options.limit ?? 10_000); read++) {
      const message = await session.channel.get(dlq, { noAck: false });
      if (!message) break;
      await visit(message, session);
    }
  } finally {
    await session.close();
  }
}

function describe(message: GetMessage): DeadLetter {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const text = message.content.toString('utf8');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Kept as text: an unparsable message is exactly what an operator needs to see.
  }
  const field = (name: string) => {
    const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
    return typeof value === 'string' ? value : null;
  };
  const death = Array.isArray(headers['x-death']) ? (headers['x-death'][0] as Record<string, unknown> | undefined) : undefined;
  const deathTime = death?.time as { value?: number } | number | undefined;
  const deathSeconds = typeof deathTime === 'number' ? deathTime : deathTime?.value;
  const attempt = Number(headers[Headers.attempt] ?? 0);
  return {
    eventId: (message.properties.messageId as string | undefined) ?? field('id'),
    type: (message.properties.type as string | undefined) ?? field('type'),
    subject: field('subject'),
    reason: asString(headers[Headers.reason]) ?? asString(death?.reason),
    error: asString(headers[Headers.error]),
    attempts: headers[Headers.reason] ? attempt + 1 : asNumber(death?.count),
    deadLetteredAt: asString(headers[Headers.deadLetteredAt]) ?? (deathSeconds ? new Date(deathSeconds * 1000).toISOString() : null),
    body,
  };
}

const asString = (value: unknown) => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString() : null);
const asNumber = (value: unknown) => (typeof value === 'number' ? value : null);
