/** Starts the gateway: config → app → listen, with graceful shutdown on SIGTERM/SIGINT. */
import { readFileSync } from 'node:fs';
import { runService } from '@orderly/service-kit';
import { buildGateway } from './app.ts';
import { loadGatewayConfig } from './config.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const config = loadGatewayConfig();
const gateway = await buildGateway(config, { version });

await runService({
  app: gateway.app,
  lifecycle: gateway.lifecycle,
  host: config.HOST,
  port: config.PORT,
  graceMs: config.SHUTDOWN_GRACE_MS,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  stop: [],
});
