/**
 * `npm run migrate`: the preparation part of `npm start` alone — database, schemas and roles, the
 * development signing key, every service's migrations — then exit. The compose `migrate` job runs it.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@orderly/config';
import { SERVICES } from './apps.ts';
import { discoverApps, prepareServices } from './bootstrap.ts';
import { loadLauncherConfig, type LauncherConfig } from './config.ts';
import { checkInfrastructure, formatInfraFailures } from './infra-check.ts';
import { LaunchError, createOutput } from './output.ts';

let config: LauncherConfig;
try {
  config = loadLauncherConfig({ defaultRepoRoot: fileURLToPath(new URL('../../..', import.meta.url)), isTTY: process.stdout.isTTY === true });
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}

const output = createOutput({ pretty: config.PRETTY_LOGS, colors: config.colors, width: Math.max(...SERVICES.map((s) => s.name.length)) });
const shutdown = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => shutdown.abort());

try {
  const failures = await checkInfrastructure({ postgres: config.DATABASE_ADMIN_URL });
  if (failures.length > 0) throw new LaunchError(formatInfraFailures(failures));
  const { present, missing } = await discoverApps(config.repoRoot, SERVICES);
  for (const service of missing) output.warn(`${service.name}: ${service.dir}/src/main.ts does not exist yet; skipped`);
  await prepareServices(config, present, output, { nodePath: process.execPath, signal: shutdown.signal });
  output.info('Database ready: every schema, role and migration is in place.');
} catch (error) {
  output.error(error instanceof LaunchError ? error.message : `Migration failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
}
