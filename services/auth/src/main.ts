/** Starts the auth service: config → deps → admin seed → HTTP + outbox relay → graceful close. */
import { startOutboxRelay } from '@orderly/messaging';
import { createLogger, packageVersion, runService } from '@orderly/service-kit';
import { buildApp } from './app.ts';
import { loadAuthConfig } from './config.ts';
import { createDeps } from './deps.ts';
import { seedAdmin } from './users/seed-admin.ts';

const version = packageVersion(new URL('../package.json', import.meta.url));
const config = loadAuthConfig();
const logger = createLogger({ service: 'auth', version, level: config.LOG_LEVEL });
const deps = await createDeps(config, logger);

if (config.AUTH_ADMIN_EMAIL && config.AUTH_ADMIN_PASSWORD) {
  await seedAdmin(config.AUTH_ADMIN_EMAIL, config.AUTH_ADMIN_PASSWORD, deps);
}

const service = await buildApp(deps, { logLevel: config.LOG_LEVEL, version });
const relay = startOutboxRelay({
  pool: deps.pool,
  amqpUrl: config.AMQP_URL,
  exchange: config.EVENTS_EXCHANGE,
  logger: logger.child({ component: 'outbox-relay' }),
  registry: service.registry,
});

service.informational.rabbitmq = () => relay.isConnected();

await runService(service, config, [() => relay.stop(), () => deps.pool.end()]);
