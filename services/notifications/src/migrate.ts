/** `npm run migrate -w @orderly/notifications`: applies this service's migrations (a Job or init step runs it). */
import { runMigrationsCommand } from '@orderly/postgres';
import { loadNotificationsConfig } from './config.ts';

await runMigrationsCommand({
  schema: 'notifications',
  dir: new URL('../migrations', import.meta.url),
  databaseUrl: loadNotificationsConfig().DATABASE_URL,
});
