/**
 * Start and graceful stop for a service process. On SIGTERM/SIGINT: readiness turns 503, the
 * process waits `drainDelayMs` for load balancers to notice, HTTP drains (in-flight requests
 * finish, new connections are refused), then each `stop` step runs in order (consumers after
 * their in-flight messages, the relay, pools), all within `graceMs`.
 */
import { readFileSync } from 'node:fs';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { Lifecycle } from './health.ts';

/** The settings every service's config has (see `serviceEnv` in @orderly/config). */
export interface RunConfig {
  HOST: string;
  PORT: number;
  SHUTDOWN_GRACE_MS: number;
  SHUTDOWN_DRAIN_DELAY_MS: number;
}

/** Listens, then on SIGTERM/SIGINT drains and runs `stop` steps (after HTTP has drained) in order. */
export async function runService(
  service: { app: FastifyInstance; lifecycle: Lifecycle },
  config: RunConfig,
  stop: Array<() => Promise<unknown>> = [],
): Promise<void> {
  const { app, lifecycle } = service;
  const options = { graceMs: config.SHUTDOWN_GRACE_MS, drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS, stop };
  closeWithGrace({ delay: options.graceMs, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'stopping after an unexpected error');
    app.log.info({ signal }, 'shutting down: readiness is now 503');
    lifecycle.draining = true;
    if (options.drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
    await app.close();
    for (const step of options.stop) {
      await step().catch((error: unknown) => app.log.error({ err: error }, 'shutdown step failed'));
    }
    app.log.info('stopped');
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  lifecycle.started = true;
}

/** The `version` of the package.json at `url` (e.g. `new URL('../package.json', import.meta.url)`). */
export function packageVersion(url: URL): string {
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
