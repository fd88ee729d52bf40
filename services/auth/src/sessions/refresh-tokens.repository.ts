import type { Queryable } from '@orderly/postgres';

export interface RefreshTokenRow {
  id: string;
  familyId: string;
  userId: string;
  expired: boolean;
  usedAt: string | null;
  revokedAt: string | null;
}

export async function insertRefreshToken(
  db: Queryable,
  token: { id: string; familyId: string; userId: string; hash: Buffer; ttlSeconds: number },
): Promise<void> {
  await db.query(
    `INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
    [token.id, token.familyId, token.userId, token.hash, token.ttlSeconds],
  );
}

/** Finds a token by hash and locks it, so two refreshes with one token are serialised. */
export async function lockRefreshToken(db: Queryable, hash: Buffer): Promise<RefreshTokenRow | null> {
  const { rows } = await db.query<RefreshTokenRow>(
    `SELECT id, family_id AS "familyId", user_id AS "userId", expires_at <= now() AS expired,
            used_at AS "usedAt", revoked_at AS "revokedAt"
       FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
    [hash],
  );
  return rows[0] ?? null;
}

export async function markRefreshTokenUsed(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE refresh_tokens SET used_at = now() WHERE id = $1', [id]);
}

export async function revokeFamily(db: Queryable, familyId: string): Promise<void> {
  await db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
}

export async function revokeFamilyByTokenHash(db: Queryable, hash: Buffer): Promise<void> {
  await db.query(
    `UPDATE refresh_tokens SET revoked_at = now()
      WHERE revoked_at IS NULL AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
    [hash],
  );
}

/** Deletes tokens expired for more than a day (kept briefly so reuse is still recognised). */
export async function deleteExpiredRefreshTokens(db: Queryable): Promise<number> {
  const { rowCount } = await db.query("DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day'");
  return rowCount ?? 0;
}
