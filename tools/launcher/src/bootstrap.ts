/**
 * Everything before the services start, shared by `npm start` and `npm run migrate`: find the
 * apps present on disk, create the database, schemas and roles, the development signing key, and
 * run each service's migrations with its own role.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { APPS, entryPoints, type AppDefinition } from './apps.ts';
import type { LauncherConfig } from './config.ts';
import { adminUrlFor, prepareDatabase } from './database.ts';
import { ensureSigningKey } from './dev-keys.ts';
import { maskUrl } from './infra-check.ts';
import { LaunchError, type Output } from './output.ts';
import { childEnv, nodeCommand, type ChildSpec, type SharedValues } from './processes.ts';
import { runToCompletion } from './supervisor.ts';

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Apps whose `src/main.ts` exists, and those not written yet. */
export async function discoverApps(
  repoRoot: string,
  apps: readonly AppDefinition[] = APPS,
): Promise<{ present: AppDefinition[]; missing: AppDefinition[] }> {
  const found = await Promise.all(apps.map((app) => exists(path.join(repoRoot, entryPoints(app).main))));
  return { present: apps.filter((_, i) => found[i]), missing: apps.filter((_, i) => !found[i]) };
}

export interface PrepareOptions {
  /** The Node binary that runs the migrations. */
  nodePath: string;
  /** Aborts running migrations (the launcher is shutting down). */
  signal?: AbortSignal;
}

/** What the services need from the preparation: their database URLs and the signing key file. */
export type Prepared = Omit<SharedValues, 'upstreams'>;

/** Database, roles, key and migrations for `services`; throws a LaunchError when a step fails. */
export async function prepareServices(
  config: LauncherConfig,
  services: readonly AppDefinition[],
  output: Output,
  options: PrepareOptions,
): Promise<Prepared> {
  const schemas = services.flatMap((s) => (s.schema ? [s.schema] : []));
  const where = maskUrl(adminUrlFor(config.DATABASE_ADMIN_URL, config.ORDERLY_DATABASE));
  output.info(`Database ${where}: schemas and roles for ${schemas.join(', ') || 'no service'}`);
  let databaseUrls: Record<string, string>;
  try {
    databaseUrls = await prepareDatabase(config.DATABASE_ADMIN_URL, config.ORDERLY_DATABASE, schemas);
  } catch (error) {
    throw new LaunchError(
      `Could not prepare the database ${where}: ${(error as Error).message}\n` +
        'DATABASE_ADMIN_URL must be a role that may create databases and roles (e.g. postgres).',
    );
  }

  const key = await ensureSigningKey(config.devDir);
  output.info(`${key.created ? 'Created' : 'Using'} the development signing key ${key.file}`);
  const prepared: Prepared = { databaseUrls, signingKeyFile: key.file };

  const migrations: ChildSpec[] = [];
  for (const service of services) {
    const file = entryPoints(service).migrate;
    if (!(await exists(path.join(config.repoRoot, file)))) {
      output.warn(`${service.name}: ${file} does not exist; no migrations run for it`);
      continue;
    }
    migrations.push({
      label: service.name,
      app: service.name,
      ...nodeCommand(config, file, options.nodePath),
      env: childEnv(config, { app: service, port: 0 }, { ...prepared, upstreams: {} }),
    });
  }
  output.info(`Migrating ${migrations.map((m) => m.label).join(', ') || 'nothing'}`);
  const results = await Promise.all(migrations.map((spec) => runToCompletion(spec, output.childLine, options.signal)));
  if (options.signal?.aborted) throw new LaunchError('Stopped while migrating');
  const failed = migrations.filter((_, i) => results[i]!.code !== 0);
  if (failed.length > 0) {
    throw new LaunchError(
      `Migrations failed for ${failed.map((f) => f.label).join(', ')} (see the lines above); ` +
        'fix them and start again. Nothing was started.',
    );
  }
  return prepared;
}
