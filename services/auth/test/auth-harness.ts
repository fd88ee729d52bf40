/**
 * Builds the auth service for HTTP tests with its real dependencies: an isolated database with the
 * service's own role and migrations, a fresh Ed25519 signing key, and the app from `buildApp`.
 */
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import type { Pool } from '@orderly/postgres';
import { createServiceTestDatabase, type TestDatabase } from '@orderly/testing';
import type { ServiceApp } from '@orderly/service-kit';
import pino from 'pino';
import { buildApp } from '../src/app.ts';
import { loadAuthConfig } from '../src/config.ts';
import { createDeps, type AuthDeps } from '../src/deps.ts';

export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

export interface AuthTestContext {
  db: TestDatabase;
  deps: AuthDeps;
  service: ServiceApp;
  admin: Pool;
  privateKeyPem: string;
  close(): Promise<void>;
}

export function newSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export async function startAuthForTest(env: Record<string, string> = {}): Promise<AuthTestContext> {
  const { db, url } = await createServiceTestDatabase('auth', MIGRATIONS_DIR);

  const privateKeyPem = env.AUTH_SIGNING_KEY ?? newSigningKeyPem();
  const config = loadAuthConfig({ DATABASE_URL: url, AUTH_SIGNING_KEY: privateKeyPem, LOG_LEVEL: 'silent', ...env });
  const deps = await createDeps(config, pino({ level: 'silent' }));
  const service = await buildApp(deps, { logLevel: 'silent', version: 'test' });
  await service.app.ready();
  service.lifecycle.started = true;
  const admin = db.adminPool();
  return {
    db,
    deps,
    service,
    admin,
    privateKeyPem,
    async close() {
      await service.app.close();
      await deps.pool.end();
      await db.drop();
    },
  };
}
