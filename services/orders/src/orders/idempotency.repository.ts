import type { Queryable } from '@orderly/postgres';

export interface KeyClaim {
  userId: string;
  key: string;
  requestHash: string;
  ttlHours: number;
}

export interface StoredResponse {
  requestHash: string;
  statusCode: number | null;
  responseBody: unknown;
}

/**
 * Reserves the key for this transaction: true when it is ours (new, or the old one had expired).
 * A concurrent transaction holding the same key makes this wait until it ends; false then means the
 * key is taken and `findIdempotencyKey` sees the committed row.
 */
export async function reserveIdempotencyKey(db: Queryable, claim: KeyClaim): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO idempotency_keys (user_id, key, request_hash, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(hours => $4))
     ON CONFLICT (user_id, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, status_code = NULL, response_body = NULL,
           created_at = now(), expires_at = EXCLUDED.expires_at
       WHERE idempotency_keys.expires_at <= now()`,
    [claim.userId, claim.key, claim.requestHash, claim.ttlHours],
  );
  return rowCount === 1;
}

export async function findIdempotencyKey(db: Queryable, userId: string, key: string): Promise<StoredResponse | null> {
  const { rows } = await db.query<StoredResponse>(
    `SELECT request_hash AS "requestHash", status_code AS "statusCode", response_body AS "responseBody"
     FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
    [userId, key],
  );
  return rows[0] ?? null;
}

export async function saveIdempotentResponse(db: Queryable, userId: string, key: string, statusCode: number, body: unknown): Promise<void> {
  await db.query('UPDATE idempotency_keys SET status_code = $3, response_body = $4 WHERE user_id = $1 AND key = $2', [
    userId,
    key,
    statusCode,
    JSON.stringify(body),
  ]);
}

/** Deletes up to `batchSize` expired keys; returns how many went. */
export async function deleteExpiredIdempotencyKeys(db: Queryable, batchSize: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
       SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT $1 FOR UPDATE SKIP LOCKED))`,
    [batchSize],
  );
  return rowCount ?? 0;
}
