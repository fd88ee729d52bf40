/** `npm run migrate -w @orderly/auth`: applies this service's migrations (a Job or init step runs it). */
import { runMigrationsCommand } from '@orderly/postgres';
import { loadConfig } from '@orderly/config';
import { Type } from '@sinclair/typebox';
import { AuthEnv } from './config.ts';

await runMigrationsCommand({
  schema: 'auth',
  dir: new URL('../migrations', import.meta.url),
  // Only the database is needed here; the signing key is not mounted where migrations run.
  databaseUrl: loadConfig(Type.Pick(AuthEnv, ['DATABASE_URL'])).DATABASE_URL,
});
