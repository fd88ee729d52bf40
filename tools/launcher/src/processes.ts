/**
 * What to run: one entry per instance of every app present on disk, with its port, URL, command
 * line and environment. Everything here is plain data built from the validated configuration.
 */
import type { AppDefinition, AppName } from './apps.ts';
import { entryPoints } from './apps.ts';
import type { LauncherConfig } from './config.ts';

/** A child process the supervisor can start (and start again). */
export interface ChildSpec {
  /** Shown in the log prefix and in messages, e.g. `orders#2`. */
  label: string;
  /** The app it belongs to (decides the prefix colour). */
  app: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface Instance {
  app: AppDefinition;
  /** 1-based index among the instances of its app. */
  index: number;
  label: string;
  port: number;
  url: string;
}

export const LOCAL_HOST = '127.0.0.1';

export function instanceUrl(port: number): string {
  return `http://${LOCAL_HOST}:${port}`;
}

/** The configured first port and instance count of an app. */
export function appPlacement(config: LauncherConfig, app: AppName): { port: number; instances: number } {
  switch (app) {
    case 'auth':
      return { port: config.AUTH_PORT, instances: config.AUTH_INSTANCES };
    case 'orders':
      return { port: config.ORDERS_PORT, instances: config.ORDERS_INSTANCES };
    case 'notifications':
      return { port: config.NOTIFICATIONS_PORT, instances: config.NOTIFICATIONS_INSTANCES };
    case 'reporting':
      return { port: config.REPORTING_PORT, instances: config.REPORTING_INSTANCES };
    case 'gateway':
      return { port: config.GATEWAY_PORT, instances: 1 };
  }
}

/** `orders#2` when an app runs several times, else just `orders`. */
export function instanceLabel(app: string, index: number, count: number): string {
  return count > 1 ? `${app}#${index}` : app;
}

/** Every label the launcher may show for these apps (to size the prefix column). */
export function allLabels(config: LauncherConfig, apps: readonly AppDefinition[]): string[] {
  return apps.flatMap((app) => {
    const { instances } = appPlacement(config, app.name);
    return Array.from({ length: instances }, (_, i) => instanceLabel(app.name, i + 1, instances));
  });
}

/**
 * One instance per configured replica of each app: the first on its configured port, the others
 * on ports from `nextFreePort`. Labels carry `#n` only when an app runs more than once.
 */
export async function planInstances(
  config: LauncherConfig,
  apps: readonly AppDefinition[],
  nextFreePort: () => Promise<number>,
): Promise<Instance[]> {
  const taken = new Set(apps.map((app) => appPlacement(config, app.name).port));
  const instances: Instance[] = [];
  for (const app of apps) {
    const { port: firstPort, instances: count } = appPlacement(config, app.name);
    for (let index = 1; index <= count; index += 1) {
      let port = firstPort;
      if (index > 1) {
        do port = await nextFreePort();
        while (taken.has(port));
        taken.add(port);
      }
      const label = instanceLabel(app.name, index, count);
      instances.push({ app, index, label, port, url: instanceUrl(port) });
    }
  }
  return instances;
}

/**
 * The gateway's upstream variables: each a comma-separated list of every instance of that
 * service. A service that is not running keeps its configured address (the gateway answers 503).
 */
export function buildUpstreams(
  config: LauncherConfig,
  services: readonly AppDefinition[],
  instances: readonly Instance[],
): Record<string, string> {
  const upstreams: Record<string, string> = {};
  for (const service of services) {
    if (!service.upstreamVariable) continue;
    const urls = instances.filter((i) => i.app.name === service.name).map((i) => i.url);
    upstreams[service.upstreamVariable] = urls.length > 0 ? urls.join(',') : instanceUrl(appPlacement(config, service.name).port);
  }
  return upstreams;
}

export interface SharedValues {
  /** DATABASE_URL of each service, by schema. */
  databaseUrls: Readonly<Record<string, string>>;
  signingKeyFile: string;
  /** AUTH_URL, ORDERS_URL… for the gateway. */
  upstreams: Readonly<Record<string, string>>;
}

/** The environment of one instance: passthrough variables plus exactly what the app reads. */
export function childEnv(config: LauncherConfig, instance: Pick<Instance, 'app' | 'port'>, shared: SharedValues): Record<string, string> {
  const env: Record<string, string> = {
    ...config.passthroughEnv,
    HOST: LOCAL_HOST,
    PORT: String(instance.port),
    LOG_LEVEL: config.LOG_LEVEL,
    AMQP_URL: config.AMQP_URL,
    EVENTS_EXCHANGE: config.EVENTS_EXCHANGE,
    EVENTS_QUEUE_PREFIX: config.EVENTS_QUEUE_PREFIX,
    REDIS_URL: config.REDIS_URL,
    REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX,
    JWKS_URL: `${instanceUrl(config.AUTH_PORT)}/v1/auth/.well-known/jwks.json`,
  };
  const { app } = instance;
  if (app.schema) {
    const url = shared.databaseUrls[app.schema];
    if (!url) throw new Error(`No database URL was prepared for ${app.name}`);
    env.DATABASE_URL = url;
  }
  if (app.name === 'auth') {
    env.AUTH_SIGNING_KEY_FILE = shared.signingKeyFile;
    env.AUTH_ADMIN_EMAIL = config.AUTH_ADMIN_EMAIL;
    env.AUTH_ADMIN_PASSWORD = config.AUTH_ADMIN_PASSWORD;
  }
  if (app.name === 'gateway') Object.assign(env, shared.upstreams);
  return env;
}

/** `<node> --conditions=@orderly/source <file>`, run from the repository root. */
export function nodeCommand(config: LauncherConfig, file: string, nodePath: string): Pick<ChildSpec, 'command' | 'args' | 'cwd'> {
  return { command: nodePath, args: ['--conditions=@orderly/source', file], cwd: config.repoRoot };
}

/** The child spec that runs an instance. */
export function instanceSpec(config: LauncherConfig, instance: Instance, shared: SharedValues, nodePath: string): ChildSpec {
  return {
    label: instance.label,
    app: instance.app.name,
    ...nodeCommand(config, entryPoints(instance.app).main, nodePath),
    env: childEnv(config, instance, shared),
  };
}
