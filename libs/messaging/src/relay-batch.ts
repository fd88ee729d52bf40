/**
 * One relay round, inside one transaction: claim rows, publish each subject's rows in order (one
 * confirmed publish after another; subjects in parallel), mark the confirmed ones sent, and make a
 * row the broker refused wait before its next attempt. A subject stops at its first failure so its
 * later events never overtake it.
 */
import type { Logger } from 'pino';
import type { Queryable } from '@orderly/postgres';
import { PublishRejectedError, UnroutableError, type AmqpSession } from './amqp-session.ts';
import { eventMessage } from './event-message.ts';
import type { MessagingMetrics } from './metrics.ts';
import { claimOutboxRows, markOutboxFailed, markOutboxSent, type OutboxRow } from './outbox-store.ts';

export interface RelayBatchOptions {
  exchange: string;
  batchSize: number;
  logger: Logger;
  metrics: MessagingMetrics;
  /** Delay before a refused row is tried again, from the attempts it already had. */
  failedRowDelayMs(attempts: number): number;
}

export interface RelayBatchResult {
  claimed: number;
  sent: number;
  /** Set when the broker connection failed mid-batch; the rows not confirmed stay unsent. */
  brokerError?: Error;
}

type RowFailure = { row: OutboxRow; error: UnroutableError | PublishRejectedError };

export async function relayBatch(tx: Queryable, session: AmqpSession, options: RelayBatchOptions): Promise<RelayBatchResult> {
  const { logger, metrics } = options;
  const rows = await claimOutboxRows(tx, options.batchSize);
  if (rows.length === 0) return { claimed: 0, sent: 0 };

  const sent: string[] = [];
  const refused: RowFailure[] = [];
  let brokerError: Error | undefined;
  const publishChain = async (chain: OutboxRow[]) => {
    for (const row of chain) {
      const { content, options: properties } = eventMessage({ ...row.payload, id: row.id, type: row.type });
      try {
        await session.publish(options.exchange, row.type, content, properties);
        sent.push(row.position);
      } catch (error) {
        if (error instanceof UnroutableError || error instanceof PublishRejectedError) {
          refused.push({ row, error });
          metrics.publishFailures.inc({ reason: error instanceof UnroutableError ? 'unroutable' : 'nacked' });
        } else {
          brokerError ??= error as Error;
          metrics.publishFailures.inc({ reason: 'connection' });
        }
        return;
      }
    }
  };
  await Promise.all([...groupBySubject(rows).values()].map(publishChain));

  await markOutboxSent(tx, sent);
  metrics.published.inc(sent.length);
  for (const { row, error } of refused) {
    const delayMs = options.failedRowDelayMs(row.attempts);
    await markOutboxFailed(tx, row.position, error.message, delayMs);
    logger.warn(
      { eventId: row.id, type: row.type, subject: row.subject, attempts: row.attempts + 1, retryInMs: delayMs, err: error },
      'outbox event not published; kept unsent and retried later',
    );
  }
  return { claimed: rows.length, sent: sent.length, ...(brokerError ? { brokerError } : {}) };
}

function groupBySubject(rows: OutboxRow[]): Map<string, OutboxRow[]> {
  const chains = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const chain = chains.get(row.subject);
    if (chain) chain.push(row);
    else chains.set(row.subject, [row]);
  }
  return chains;
}
