/**
 * Deletes expired Idempotency-Keys on a timer, in small batches so that no statement holds many
 * locks. Every instance may run it: batches skip rows another instance is deleting.
 */
import type { Pool } from '@orderly/postgres';
import type { Logger } from '@orderly/service-kit';
import { deleteExpiredIdempotencyKeys } from './idempotency.repository.ts';

const DEFAULT_BATCH_SIZE = 1_000;

export interface IdempotencyCleanupOptions {
  pool: Pool;
  intervalMs: number;
  logger: Logger;
  batchSize?: number;
}

export interface IdempotencyCleanup {
  /** Runs a pass now; resolves with the number of keys deleted. */
  runOnce(): Promise<number>;
  /** Stops the timer and waits for a pass in flight. */
  stop(): Promise<void>;
}

export function startIdempotencyKeyCleanup(options: IdempotencyCleanupOptions): IdempotencyCleanup {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let running: Promise<number> | undefined;

  async function pass(): Promise<number> {
    let total = 0;
    let deleted: number;
    do {
      deleted = await deleteExpiredIdempotencyKeys(options.pool, batchSize);
      total += deleted;
    } while (deleted === batchSize);
    if (total > 0) options.logger.info({ deleted: total }, 'deleted expired idempotency keys');
    return total;
  }

  const runOnce = () => {
    running ??= pass().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => {
    runOnce().catch((error: unknown) => options.logger.warn({ err: error }, 'idempotency key cleanup failed; retrying later'));
  }, options.intervalMs);
  timer.unref();

  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
