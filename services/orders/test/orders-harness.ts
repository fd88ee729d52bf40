/**
 * Builds the orders service for HTTP tests with its real dependencies: an isolated database with
 * the service's own role and migrations, Redis under a key prefix of its own, and a token verifier
 * holding a fresh Ed25519 key, so tests sign their own access tokens the way auth does.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { createTokenVerifier } from '@orderly/auth-verify';
import type { Pool } from '@orderly/postgres';
import type { ServiceApp } from '@orderly/service-kit';
import { createServiceTestDatabase, testInfra, type TestDatabase } from '@orderly/testing';
import { Redis } from 'ioredis';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import pino from 'pino';
import { buildApp } from '../src/app.ts';
import { loadOrdersConfig } from '../src/config.ts';
import { closeDeps, createDeps, type OrdersDeps } from '../src/deps.ts';
import { httpClient, type HttpClient } from './http.ts';

export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');
const ISSUER = 'orderly-auth';
const AUDIENCE = 'orderly';

export interface TestUser {
  id: string;
  token: string;
}

export interface OrdersTestContext {
  db: TestDatabase;
  deps: OrdersDeps;
  service: ServiceApp;
  /** Administrator pool on the test database, for assertions (tables are `orders.*`). */
  admin: Pool;
  redisPrefix: string;
  /** `app.inject` with an optional bearer token and JSON body. */
  http: HttpClient;
  /** A new user id with a signed access token; `admin` adds the admin role. */
  newUser(options?: { admin?: boolean }): Promise<TestUser>;
  signToken(claims: { sub: string; roles: string[] }): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where the service's Redis is (e.g. through a TCP proxy); the shared test Redis otherwise. */
  redisUrl?: string;
  env?: Record<string, string>;
}

export async function startOrdersForTest(options: StartOptions = {}): Promise<OrdersTestContext> {
  const infra = await testInfra();
  const { db, url } = await createServiceTestDatabase('orders', MIGRATIONS_DIR);
  const redisPrefix = `${db.name}:`;
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const kid = randomUUID();
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }] };

  const config = loadOrdersConfig({
    DATABASE_URL: url,
    REDIS_URL: options.redisUrl ?? infra.redisUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const verifier = createTokenVerifier({ jwks, issuer: ISSUER, audience: AUDIENCE });
  const deps = createDeps(config, pino({ level: 'silent' }), { verifier });
  if (deps.redis.status !== 'ready') await once(deps.redis, 'ready');
  const service = await buildApp(deps, { logLevel: 'silent', version: 'test' });
  await service.app.ready();
  service.lifecycle.started = true;
  const signToken = (claims: { sub: string; roles: string[] }) => sign(privateKey, kid, claims);

  return {
    db,
    deps,
    service,
    admin: db.adminPool(),
    redisPrefix,
    http: httpClient(service),
    signToken,
    async newUser({ admin = false } = {}) {
      const id = randomUUID();
      return { id, token: await signToken({ sub: id, roles: admin ? ['customer', 'admin'] : ['customer'] }) };
    },
    async close() {
      await service.app.close();
      await closeDeps(deps);
      await deleteKeys(infra.redisUrl, redisPrefix);
      await db.drop();
    },
  };
}

function sign(privateKey: CryptoKey, kid: string, claims: { sub: string; roles: string[] }): Promise<string> {
  return new SignJWT({ roles: claims.roles })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.sub)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(privateKey);
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

/** A valid order body; `overrides` replace top-level fields. */
export function orderBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 }, { sku: 'PEN-7', quantity: 1, unitPriceCents: 199 }], currency: 'EUR', ...overrides };
}
