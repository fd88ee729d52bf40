import type { Queryable } from '@orderly/postgres';

export type Role = 'customer' | 'admin';

export interface User {
  id: string;
  email: string;
  name: string | null;
  roles: Role[];
  createdAt: string;
}

export interface UserWithPassword extends User {
  passwordHash: string;
}

const COLUMNS = 'id, email, name, roles, created_at AS "createdAt"';

export async function insertUser(
  db: Queryable,
  user: { id: string; email: string; name: string | null; passwordHash: string; roles: Role[] },
): Promise<User | null> {
  const { rows } = await db.query<User>(
    `INSERT INTO users (id, email, name, password_hash, roles) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT ((lower(email))) DO NOTHING
     RETURNING ${COLUMNS}`,
    [user.id, user.email, user.name, user.passwordHash, user.roles],
  );
  return rows[0] ?? null;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserWithPassword | null> {
  const { rows } = await db.query<UserWithPassword>(
    `SELECT ${COLUMNS}, password_hash AS "passwordHash" FROM users WHERE lower(email) = lower($1)`,
    [email],
  );
  return rows[0] ?? null;
}

export async function findUserById(db: Queryable, id: string): Promise<User | null> {
  const { rows } = await db.query<User>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function updateUserRoles(db: Queryable, id: string, roles: Role[]): Promise<User | null> {
  const { rows } = await db.query<User>(
    `UPDATE users SET roles = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, roles],
  );
  return rows[0] ?? null;
}
