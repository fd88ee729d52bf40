import { validateEvent, type CloudEvent } from '@orderly/contracts';
import type { Queryable } from '@orderly/postgres';

/** Thrown by `enqueueEvent` for an event that does not match its contract; nothing is written. */
export class InvalidEventError extends Error {
  readonly errors: string[];
  constructor(errors: string[]) {
    super(`Event does not match its contract: ${errors.join('; ')}`);
    this.name = 'InvalidEventError';
    this.errors = errors;
  }
}

/**
 * Writes `event` to the `outbox` table through `tx`, which must be the transaction of the state
 * change the event describes: both commit or neither does. The relay publishes it after commit
 * (a trigger on the table wakes it). The event is checked against its contract first.
 * The table name is unqualified: the service role's search_path selects its schema.
 */
export async function enqueueEvent(tx: Queryable, event: CloudEvent): Promise<void> {
  const validation = validateEvent(event);
  if (!validation.ok) throw new InvalidEventError(validation.errors);
  await tx.query(
    'INSERT INTO outbox (id, type, subject, payload, correlation_id) VALUES ($1, $2, $3, $4, $5)',
    [event.id, event.type, event.subject, JSON.stringify(event), event.correlationid ?? null],
  );
}
