/** Starts the orders service: config → deps → HTTP + outbox relay + key cleanup → graceful close. */
import { startOutboxRelay } from '@orderly/messaging';
import { createLogger, packageVersion, runService } from '@orderly/service-kit';
import { buildApp } from './app.ts';
import { loadOrdersConfig } from './config.ts';
import { closeDeps, createDeps } from './deps.ts';
import { startIdempotencyKeyCleanup } from './orders/idempotency-cleanup.ts';

const version = packageVersion(new URL('../package.json', import.meta.url));
const config = loadOrdersConfig();
const logger = createLogger({ service: 'orders', version, level: config.LOG_LEVEL });
const deps = createDeps(config, logger);
const service = await buildApp(deps, { logLevel: config.LOG_LEVEL, version });
const relay = startOutboxRelay({
  pool: deps.pool,
  amqpUrl: config.AMQP_URL,
  exchange: config.EVENTS_EXCHANGE,
  logger: logger.child({ component: 'outbox-relay' }),
  registry: service.registry,
});
const keyCleanup = startIdempotencyKeyCleanup({
  pool: deps.pool,
  intervalMs: config.IDEMPOTENCY_CLEANUP_INTERVAL_SECONDS * 1000,
  logger: logger.child({ component: 'idempotency-cleanup' }),
});

service.informational.rabbitmq = () => relay.isConnected();

await runService(service, config, [() => relay.stop(), () => keyCleanup.stop(), () => closeDeps(deps)]);
