/** Starts the notifications service: config → deps → HTTP → graceful close. Its consumers arrive with their issue. */
import { readFileSync } from 'node:fs';
import { createLogger, runService } from '@orderly/service-kit';
import { buildApp } from './app.ts';
import { loadNotificationsConfig } from './config.ts';
import { closeDeps, createDeps } from './deps.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const config = loadNotificationsConfig();
const logger = createLogger({ service: 'notifications', version, level: config.LOG_LEVEL });
const deps = createDeps(config, logger);
const service = await buildApp(deps, { logLevel: config.LOG_LEVEL, version });

await runService({
  app: service.app,
  lifecycle: service.lifecycle,
  host: config.HOST,
  port: config.PORT,
  graceMs: config.SHUTDOWN_GRACE_MS,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  stop: [() => closeDeps(deps)],
});
