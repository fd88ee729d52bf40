import { loadConfig, serviceEnv } from '@orderly/config';
import { Type, type Static } from '@sinclair/typebox';

export const AuthEnv = Type.Object({
  ...serviceEnv({ port: 3001, schema: 'auth' }),
  JWKS_URL: Type.Optional(Type.String()),
  /** PKCS#8 PEM of the current Ed25519 (or P-256) signing key, inline or in a file. */
  AUTH_SIGNING_KEY: Type.Optional(Type.String({ minLength: 1 })),
  AUTH_SIGNING_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** PEM file of previous public keys, still listed in the JWKS while their tokens live. */
  AUTH_PREVIOUS_PUBLIC_KEYS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 900, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 3600, maximum: 90 * 86400, default: 30 * 86400 }),
  /** Concurrent password hashes; more wait in a bounded queue, beyond it the service answers 503. */
  PASSWORD_HASH_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 4 }),
  PASSWORD_HASH_QUEUE: Type.Integer({ minimum: 0, maximum: 10_000, default: 200 }),
  AUTH_ADMIN_EMAIL: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', maxLength: 254 })),
  AUTH_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10, maxLength: 128 })),
});

export type AuthConfig = Static<typeof AuthEnv>;

export function loadAuthConfig(env?: Record<string, string | undefined>): AuthConfig {
  const config = loadConfig(AuthEnv, env);
  if (!config.AUTH_SIGNING_KEY && !config.AUTH_SIGNING_KEY_FILE) {
    throw new Error('Invalid configuration:\n  - AUTH_SIGNING_KEY or AUTH_SIGNING_KEY_FILE is required (a PKCS#8 PEM private key)');
  }
  if (Boolean(config.AUTH_ADMIN_EMAIL) !== Boolean(config.AUTH_ADMIN_PASSWORD)) {
    throw new Error('Invalid configuration:\n  - AUTH_ADMIN_EMAIL and AUTH_ADMIN_PASSWORD must be set together');
  }
  return config;
}
