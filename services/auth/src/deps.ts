/** The composition root's wiring for the auth service: everything a use case needs, explicitly. */
import { createTokenVerifier, type TokenVerifier } from '@orderly/auth-verify';
import { createPool, type Pool } from '@orderly/postgres';
import type { Logger } from '@orderly/service-kit';
import type { AuthConfig } from './config.ts';
import { readSigningKeys, type SigningKeys } from './keys/signing-keys.ts';
import { createPasswordHasher, type PasswordHasher } from './passwords/password-hasher.ts';
import type { AccessTokenSettings } from './sessions/access-token.ts';

export interface AuthDeps {
  pool: Pool;
  passwords: PasswordHasher;
  keys: SigningKeys;
  accessTokens: AccessTokenSettings;
  refreshTtlSeconds: number;
  /** Verifies access tokens with this service's own key set, without HTTP. */
  verifier: TokenVerifier;
}

export async function createDeps(config: AuthConfig, logger: Logger): Promise<AuthDeps> {
  const keys = await readSigningKeys(config);
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'orderly-auth',
    onError: (err) => logger.warn({ err }, 'idle database connection failed'),
  });
  return {
    pool,
    keys,
    passwords: createPasswordHasher({ concurrency: config.PASSWORD_HASH_CONCURRENCY, queueLimit: config.PASSWORD_HASH_QUEUE }),
    accessTokens: { keys, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS },
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    verifier: createTokenVerifier({ jwks: keys.jwks, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
  };
}
