/** `npm run migrate -w @orderly/orders`: applies this service's migrations (a Job or init step runs it). */
import { runMigrationsCommand } from '@orderly/postgres';
import { loadOrdersConfig } from './config.ts';

await runMigrationsCommand({
  schema: 'orders',
  dir: new URL('../migrations', import.meta.url),
  databaseUrl: loadOrdersConfig().DATABASE_URL,
});
