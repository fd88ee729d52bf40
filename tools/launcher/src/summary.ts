/** The "ready" banner: the gateway URL, the development admin login and every instance. */
import type { LauncherConfig } from './config.ts';
import type { Instance } from './processes.ts';

/** Begins the one line that says everything is up; tests wait for it (see READY_PATTERN). */
export const READY_TEXT = 'Orderly is ready: gateway';
/** Finds the ready line in the launcher's output; group 1 is the gateway URL. */
export const READY_PATTERN = /Orderly is ready: gateway (http:\/\/[\w.:[\]-]+)/;

/** The banner printed once every instance answers /health/ready (one string, several lines). */
export function formatReadySummary(config: Pick<LauncherConfig, 'AUTH_ADMIN_EMAIL' | 'AUTH_ADMIN_PASSWORD'>, instances: readonly Instance[]): string {
  const gateway = instances.find((i) => i.app.name === 'gateway');
  const width = Math.max(...instances.map((i) => i.label.length));
  return [
    '',
    gateway ? `${READY_TEXT} ${gateway.url}` : 'Orderly is ready, without a gateway (gateway/src/main.ts does not exist yet)',
    `  dev admin: ${config.AUTH_ADMIN_EMAIL} / ${config.AUTH_ADMIN_PASSWORD}`,
    '  instances',
    ...instances.map((i) => `    ${i.label.padEnd(width)}  ${i.url}`),
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}
