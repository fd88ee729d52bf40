/** Starts the notifications service: config → deps → HTTP → graceful close. Its consumers arrive with their issue. */
import { createLogger, packageVersion, runService } from '@orderly/service-kit';
import { buildApp } from './app.ts';
import { loadNotificationsConfig } from './config.ts';
import { closeDeps, createDeps } from './deps.ts';

const version = packageVersion(new URL('../package.json', import.meta.url));
const config = loadNotificationsConfig();
const logger = createLogger({ service: 'notifications', version, level: config.LOG_LEVEL });
const deps = createDeps(config, logger);
const service = await buildApp(deps, { logLevel: config.LOG_LEVEL, version });

await runService(service, config, [() => closeDeps(deps)]);
