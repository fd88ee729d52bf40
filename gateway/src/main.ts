/** Starts the gateway: config → app → listen, with graceful shutdown on SIGTERM/SIGINT. */
import { packageVersion, runService } from '@orderly/service-kit';
import { buildGateway } from './app.ts';
import { loadGatewayConfig } from './config.ts';

const version = packageVersion(new URL('../package.json', import.meta.url));
const config = loadGatewayConfig();
const gateway = await buildGateway(config, { version });

await runService(gateway, config);
