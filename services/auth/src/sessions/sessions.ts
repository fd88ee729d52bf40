/**
 * Sessions: login issues an access token and a refresh token that starts a new family; refresh
 * uses a token up and issues the next one of its family; a token presented twice revokes the
 * family (reuse detection, SPEC §3); logout revokes the family.
 */
import { uuidv7, withTransaction, type Queryable } from '@orderly/postgres';
import { AppError } from '@orderly/service-kit';
import type { AuthDeps } from '../deps.ts';
import { findUserByEmail, findUserById, type User } from '../users/users.repository.ts';
import { signAccessToken } from './access-token.ts';
import { hashRefreshToken, newRefreshToken } from './refresh-token.ts';
import {
  insertRefreshToken,
  lockRefreshToken,
  markRefreshTokenUsed,
  revokeFamily,
  revokeFamilyByTokenHash,
} from './refresh-tokens.repository.ts';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

const invalidCredentials = () => new AppError(401, 'invalid-credentials', 'The e-mail or password is wrong.');
const invalidRefreshToken = () => new AppError(401, 'invalid-refresh-token', 'The refresh token is unknown, expired or revoked.');

async function issueTokens(db: Queryable, user: Pick<User, 'id' | 'roles'>, familyId: string, deps: AuthDeps): Promise<TokenPair> {
  const refresh = newRefreshToken();
  await insertRefreshToken(db, { id: uuidv7(), familyId, userId: user.id, hash: refresh.hash, ttlSeconds: deps.refreshTtlSeconds });
  return {
    accessToken: await signAccessToken(user, deps.accessTokens),
    refreshToken: refresh.token,
    tokenType: 'Bearer',
    expiresIn: deps.accessTokens.ttlSeconds,
  };
}

export async function login(email: string, password: string, deps: AuthDeps): Promise<TokenPair> {
  const user = await findUserByEmail(deps.pool, email);
  const valid = user ? await deps.passwords.verify(user.passwordHash, password) : await deps.passwords.verifyDummy(password);
  if (!user || !valid) throw invalidCredentials();
  return issueTokens(deps.pool, user, uuidv7(), deps);
}

export async function refreshSession(refreshToken: string, deps: AuthDeps): Promise<TokenPair> {
  const outcome = await withTransaction(deps.pool, async (tx) => {
    const row = await lockRefreshToken(tx, hashRefreshToken(refreshToken));
    if (!row || row.revokedAt || row.expired) return null;
    if (row.usedAt) {
      await revokeFamily(tx, row.familyId); // committed: reuse means the family is compromised
      return null;
    }
    const user = await findUserById(tx, row.userId);
    if (!user) return null;
    await markRefreshTokenUsed(tx, row.id);
    return issueTokens(tx, user, row.familyId, deps);
  });
  if (!outcome) throw invalidRefreshToken();
  return outcome;
}

export async function logout(refreshToken: string, deps: AuthDeps): Promise<void> {
  await revokeFamilyByTokenHash(deps.pool, hashRefreshToken(refreshToken));
}
