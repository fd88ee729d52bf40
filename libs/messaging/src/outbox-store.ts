/** The relay's SQL on the `outbox` table (unqualified: the role's search_path selects the schema). */
import type { Queryable } from '@orderly/postgres';

export interface OutboxRow {
  position: string;
  id: string;
  type: string;
  subject: string;
  payload: Record<string, unknown>;
  correlationId: string | null;
  attempts: number;
}

/**
 * Locks up to `limit` unsent rows, oldest first, skipping rows other relays hold, and returns those
 * that may go out now: a row is kept only if no earlier row of its subject is still unsent outside
 * this claim (held by another relay, or waiting after a failure). That keeps per-subject order with
 * any number of relays. Must run inside a transaction; the locks last until it ends.
 */
export async function claimOutboxRows(tx: Queryable, limit: number): Promise<OutboxRow[]> {
  const { rows } = await tx.query<OutboxRow>(
    `WITH claimed AS MATERIALIZED (
       SELECT position, subject FROM outbox
       WHERE sent_at IS NULL AND available_at <= now()
       ORDER BY position
       LIMIT $1
       FOR UPDATE SKIP LOCKED
     )
     SELECT o.position::text AS position, o.id, o.type, o.subject, o.payload, o.correlation_id AS "correlationId",
            o.attempts
     FROM claimed c JOIN outbox o ON o.position = c.position
     WHERE NOT EXISTS (
       SELECT 1 FROM outbox earlier
       WHERE earlier.subject = c.subject AND earlier.sent_at IS NULL AND earlier.position < c.position
         AND earlier.position NOT IN (SELECT position FROM claimed)
     )
     ORDER BY o.position`,
    [limit],
  );
  return rows;
}

export async function markOutboxSent(tx: Queryable, positions: string[]): Promise<void> {
  if (positions.length === 0) return;
  await tx.query('UPDATE outbox SET sent_at = now(), last_error = NULL WHERE position = ANY($1::bigint[])', [positions]);
}

/** Records a failed attempt; the row (and so its subject) waits `retryInMs` before the next one. */
export async function markOutboxFailed(tx: Queryable, position: string, error: string, retryInMs: number): Promise<number> {
  const { rows } = await tx.query<{ attempts: number }>(
    `UPDATE outbox SET attempts = attempts + 1, last_error = $2, available_at = now() + make_interval(secs => $3)
     WHERE position = $1 RETURNING attempts`,
    [position, error.slice(0, 1000), retryInMs / 1000],
  );
  return rows[0]?.attempts ?? 0;
}

/** Deletes up to `limit` rows sent more than `retentionMs` ago; returns how many. */
export async function purgeSentOutboxRows(db: Queryable, retentionMs: number, limit = 1000): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM outbox WHERE position IN (
       SELECT position FROM outbox WHERE sent_at < now() - make_interval(secs => $1) LIMIT $2
     )`,
    [retentionMs / 1000, limit],
  );
  return rowCount ?? 0;
}

export interface OutboxStats {
  backlog: number;
  oldestAgeSeconds: number;
}

/** Unsent rows and the age of the oldest one (0 when none). */
export async function outboxStats(db: Queryable): Promise<OutboxStats> {
  const { rows } = await db.query<{ backlog: number; age: number | null }>(
    `SELECT count(*)::int AS backlog, extract(epoch FROM now() - min(created_at))::float8 AS age
     FROM outbox WHERE sent_at IS NULL`,
  );
  return { backlog: rows[0]?.backlog ?? 0, oldestAgeSeconds: Math.max(0, rows[0]?.age ?? 0) };
}

/** The NOTIFY channel of the outbox the role sees (`outbox.<schema>`), as the trigger names it. */
export async function outboxChannel(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = 'outbox'::regclass`,
  );
  return `outbox.${rows[0]!.schema}`;
}
