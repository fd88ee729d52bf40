/** The consumer's `inbox` table (unqualified: the role's search_path selects the schema). */
import type { CloudEvent } from '@orderly/contracts';
import type { Queryable } from '@orderly/postgres';

/** Records that `consumer` processed `event`; false when it already had (a duplicate). */
export async function recordInboxEvent(tx: Queryable, consumer: string, event: CloudEvent): Promise<boolean> {
  const { rowCount } = await tx.query(
    'INSERT INTO inbox (consumer, event_id, type, subject) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [consumer, event.id, event.type, event.subject],
  );
  return rowCount === 1;
}

/**
 * Deletes ids recorded more than `olderThanMs` ago (up to `limit`); returns how many. Keep them
 * far longer than a message can be redelivered or replayed, or a late duplicate would apply again.
 */
export async function purgeInbox(db: Queryable, olderThanMs: number, limit = 10_000): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM inbox WHERE (consumer, event_id) IN (
       SELECT consumer, event_id FROM inbox WHERE received_at < now() - make_interval(secs => $1) LIMIT $2
     )`,
    [olderThanMs / 1000, limit],
  );
  return rowCount ?? 0;
}
