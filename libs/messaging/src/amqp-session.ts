/**
 * One AMQP connection with one confirm channel: the unit the relay, the consumer and the DLQ
 * command work with. When either closes, the whole session is over (`closed` resolves) and the
 * owner opens a new one; nothing here reconnects by itself.
 */
import { connect, type ChannelModel, type ConfirmChannel, type Options } from 'amqplib';
import type { Logger } from 'pino';

export interface AmqpSession {
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
  /** Resolves once the connection or the channel is gone, with the reason if there was one. */
  readonly closed: Promise<Error | undefined>;
  isOpen(): boolean;
  /**
   * Publishes with `mandatory: true` and resolves once the broker confirmed. Rejects with
   * `UnroutableError` when no queue took the message, `PublishRejectedError` when the broker nacked
   * it, or an error when the channel closed or no confirm came within the session's time-out (the
   * session is then closed: its state is unknown).
   */
  publish(exchange: string, routingKey: string, content: Buffer, options: PublishOptions): Promise<void>;
  close(): Promise<void>;
}

/** Publish options; `messageId` is required, it pairs a basic.return with its publish. */
export type PublishOptions = Options.Publish & { messageId: string };

export interface SessionOptions {
  logger: Logger;
  /** Shown as the connection name in `rabbitmqctl list_connections`. */
  name: string;
  /** How long to wait for a publisher confirm (default 10 s). */
  confirmTimeoutMs?: number;
  /** Connection time-out in ms (default 10 s). */
  connectTimeoutMs?: number;
}

export class UnroutableError extends Error {
  readonly routingKey: string;
  constructor(exchange: string, routingKey: string) {
    super(`No queue is bound to ${routingKey} on exchange "${exchange}" (basic.return)`);
    this.name = 'UnroutableError';
    this.routingKey = routingKey;
  }
}

export class PublishRejectedError extends Error {
  constructor(routingKey: string) {
    super(`The broker refused (nacked) the message for ${routingKey}`);
    this.name = 'PublishRejectedError';
  }
}

const DEFAULT_HEARTBEAT_SECONDS = 15;

// amqplib reports a basic.nack as this error; a closed channel gives 'channel closed'.
const isNack = (error: unknown) => (error as { message?: unknown } | null)?.message === 'message nacked';

/** Adds a heartbeat when the URL sets none, so a silent network loss is noticed within seconds. */
function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(DEFAULT_HEARTBEAT_SECONDS));
  return parsed.toString();
}

export async function openSession(url: string, options: SessionOptions): Promise<AmqpSession> {
  const { logger } = options;
  const confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
  const connection = await connect(withHeartbeat(url), {
    timeout: options.connectTimeoutMs ?? 10_000,
    clientProperties: { connection_name: options.name },
  });
  let open = true;
  let resolveClosed!: (reason: Error | undefined) => void;
  const closed = new Promise<Error | undefined>((resolve) => (resolveClosed = resolve));
  let reason: Error | undefined;
  const onError = (error: Error) => {
    reason ??= error;
    logger.warn({ err: error }, 'AMQP connection or channel error');
  };
  connection.on('error', onError);
  connection.on('blocked', (why: string) => logger.warn({ reason: why }, 'AMQP connection blocked by the broker'));
  connection.on('close', () => {
    open = false;
    resolveClosed(reason);
  });

  let channel: ConfirmChannel;
  try {
    channel = await connection.createConfirmChannel();
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
  channel.on('error', onError);
  // A channel closed by the broker (e.g. a failed declaration) ends the session: the owner starts over.
  channel.on('close', () => {
    if (open) connection.close().catch(() => undefined);
    open = false;
  });

  const returned = new Set<string>();
  channel.on('return', (message) => {
    const id = message.properties.messageId as string | undefined;
    if (id) returned.add(id);
  });

  const close = async () => {
    if (!open) return;
    open = false;
    await channel.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
  };

  const publish = (exchange: string, routingKey: string, content: Buffer, publishOptions: PublishOptions) =>
    new Promise<void>((resolve, reject) => {
      if (!open) return reject(new Error('AMQP session is closed'));
      const timer = setTimeout(() => {
        reject(new Error(`No publisher confirm within ${confirmTimeoutMs} ms`));
        void close();
      }, confirmTimeoutMs);
      try {
        channel.publish(exchange, routingKey, content, { ...publishOptions, mandatory: true }, (error) => {
          clearTimeout(timer);
          // The broker sends basic.return before the confirm of the same message.
          const wasReturned = returned.delete(publishOptions.messageId);
          if (error) reject(isNack(error) ? new PublishRejectedError(routingKey) : error);
          else if (wasReturned) reject(new UnroutableError(exchange, routingKey));
          else resolve();
        });
      } catch (error) {
        clearTimeout(timer);
        reject(error);
      }
    });

  return { connection, channel, closed, isOpen: () => open, publish, close };
}
