/**
 * Start and graceful stop for a service process. On SIGTERM/SIGINT: readiness turns 503, the
 * process waits `drainDelayMs` for load balancers to notice, HTTP drains (in-flight requests
 * finish, new connections are refused), then each `stop` step runs in order (consumers after
 * their in-flight messages, the relay, pools), all within `graceMs`.
 */
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { Lifecycle } from './health.ts';

export interface RunOptions {
  app: FastifyInstance;
  lifecycle: Lifecycle;
  host: string;
  port: number;
  graceMs: number;
  drainDelayMs: number;
  /** Shutdown steps after HTTP has drained, run in order. */
  stop: Array<() => Promise<unknown>>;
}

export async function runService(options: RunOptions): Promise<void> {
  const { app, lifecycle } = options;
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
  await app.listen({ host: options.host, port: options.port });
  lifecycle.started = true;
}
