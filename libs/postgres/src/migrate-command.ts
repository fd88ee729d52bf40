import { fileURLToPath } from 'node:url';
import { migrate } from './migrate.ts';
import { createPool } from './pool.ts';

/** The body of each service's `migrate` command: apply, report, exit non-zero on failure. */
export async function runMigrationsCommand(options: { schema: string; dir: URL; databaseUrl: string }): Promise<void> {
  const pool = createPool({ connectionString: options.databaseUrl, applicationName: `orderly-${options.schema}-migrate`, max: 1 });
  try {
    const applied = await migrate(pool, { schema: options.schema, dir: fileURLToPath(options.dir) });
    process.stdout.write(`${options.schema}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}\n`);
  } catch (error) {
    process.stderr.write(`${options.schema}: migration failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}
