/** `npm run migrate -w @orderly/reporting`: applies this service's migrations (a Job or init step runs it). */
import { runMigrationsCommand } from '@orderly/postgres';
import { loadReportingConfig } from './config.ts';

await runMigrationsCommand({
  schema: 'reporting',
  dir: new URL('../migrations', import.meta.url),
  databaseUrl: loadReportingConfig().DATABASE_URL,
});
