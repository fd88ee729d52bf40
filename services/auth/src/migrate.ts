/** `npm run migrate -w @orderly/auth`: applies this service's migrations (a Job or init step runs it). */
import { runMigrationsCommand } from '@orderly/postgres';
import { loadAuthConfig } from './config.ts';

await runMigrationsCommand({
  schema: 'auth',
  dir: new URL('../migrations', import.meta.url),
  databaseUrl: loadAuthConfig().DATABASE_URL,
});
