/**
 * The start-up sequence of `npm start`: check the servers, find the apps, check ports, prepare the
 * database and migrations, start every instance under the supervisor and wait until all are ready.
 */
import { APPS, SERVICES } from './apps.ts';
import { discoverApps, prepareServices } from './bootstrap.ts';
import type { LauncherConfig } from './config.ts';
import { checkInfrastructure, formatInfraFailures } from './infra-check.ts';
import { LaunchError, type Output } from './output.ts';
import { findFreePort, isPortFree } from './ports.ts';
import { appPlacement, buildUpstreams, instanceSpec, planInstances, type Instance } from './processes.ts';
import { waitUntilReady } from './readiness.ts';
import type { Supervisor } from './supervisor.ts';

export interface LaunchOptions {
  nodePath: string;
  /** Aborted when the launcher is asked to stop during start-up. */
  signal: AbortSignal;
}

const PORT_VARIABLE: Readonly<Record<string, string>> = {
  gateway: 'GATEWAY_PORT',
  auth: 'AUTH_PORT',
  orders: 'ORDERS_PORT',
  notifications: 'NOTIFICATIONS_PORT',
  reporting: 'REPORTING_PORT',
};

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new LaunchError('Stopped during start-up');
}

/** Runs the start-up sequence; resolves with the instances once all are ready. */
export async function launch(config: LauncherConfig, supervisor: Supervisor, output: Output, options: LaunchOptions): Promise<Instance[]> {
  const { signal } = options;
  output.info('Checking Postgres, RabbitMQ and Redis');
  const failures = await checkInfrastructure({ postgres: config.DATABASE_ADMIN_URL, rabbitmq: config.AMQP_URL, redis: config.REDIS_URL });
  if (failures.length > 0) throw new LaunchError(formatInfraFailures(failures));
  throwIfAborted(signal);

  const { present, missing } = await discoverApps(config.repoRoot, APPS);
  for (const app of missing) output.warn(`${app.name}: ${app.dir}/src/main.ts does not exist yet; not starting it`);
  if (present.length === 0) throw new LaunchError(`No service or gateway found under ${config.repoRoot}`);

  const busy: string[] = [];
  for (const app of present) {
    const { port } = appPlacement(config, app.name);
    if (!(await isPortFree(port))) busy.push(`port ${port} (${PORT_VARIABLE[app.name]}) for ${app.name}`);
  }
  if (busy.length > 0) {
    throw new LaunchError(
      `Already in use on 127.0.0.1: ${busy.join(', ')}.\n` +
        'Stop what listens there (another `npm start`?) or choose other ports with those variables.',
    );
  }

  const instances = await planInstances(config, present, findFreePort);
  for (const extra of instances.filter((i) => i.index > 1)) output.info(`${extra.label} will listen on ${extra.url}`);

  const services = present.filter((app) => app.schema);
  const prepared = await prepareServices(config, services, output, options);
  throwIfAborted(signal);

  const shared = { ...prepared, upstreams: buildUpstreams(config, SERVICES, instances) };
  supervisor.start(instances.map((instance) => instanceSpec(config, instance, shared, options.nodePath)));
  output.info(`Started ${instances.map((i) => i.label).join(', ')}; waiting for /health/ready`);

  let pending = await waitUntilReady(instances, { timeoutMs: config.READY_TIMEOUT_MS, signal });
  if (pending.length > 0 && !signal.aborted) {
    output.warn(
      `Not ready after ${config.READY_TIMEOUT_MS / 1000}s: ${pending.map((p) => `${p.label} (${p.url})`).join(', ')}.\n` +
        'Their output is above; the launcher keeps them running (restarting them if they die) and keeps waiting.',
    );
    while (pending.length > 0 && !signal.aborted) {
      pending = await waitUntilReady(pending, { timeoutMs: config.READY_TIMEOUT_MS, signal });
    }
  }
  throwIfAborted(signal);
  return instances;
}
