/**
 * `npm start`: runs the whole platform on this machine (see SPEC §8). Start-up is in launch.ts;
 * this file wires configuration, output, the supervisor and the signals that stop everything.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@orderly/config';
import { APPS } from './apps.ts';
import { loadLauncherConfig, type LauncherConfig } from './config.ts';
import { launch } from './launch.ts';
import { LaunchError, createOutput } from './output.ts';
import { allLabels } from './processes.ts';
import { formatReadySummary } from './summary.ts';
import { createSupervisor } from './supervisor.ts';

let config: LauncherConfig;
try {
  config = loadLauncherConfig({ defaultRepoRoot: fileURLToPath(new URL('../../..', import.meta.url)), isTTY: process.stdout.isTTY === true });
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}

const output = createOutput({ pretty: config.PRETTY_LOGS, colors: config.colors, width: Math.max(...allLabels(config, APPS).map((l) => l.length)) });
const supervisor = createSupervisor({ onLine: output.childLine, onEvent: output.childEvent });
const shutdown = new AbortController();
// Whatever happens to the launcher, its children do not outlive it.
process.on('exit', () => supervisor.killAll());

const startup = launch(config, supervisor, output, { nodePath: process.execPath, signal: shutdown.signal });

function onSignal(signal: NodeJS.Signals): void {
  if (shutdown.signal.aborted) {
    output.warn(`${signal} again: killing everything now`);
    process.exit(1);
  }
  shutdown.abort();
  output.info(`${signal}: stopping every process (grace ${config.STOP_GRACE_MS / 1000}s)`);
  void startup
    .catch(() => undefined)
    .then(() => supervisor.stop(config.STOP_GRACE_MS))
    .then(() => {
      output.info('Everything stopped.');
      process.exit(0);
    });
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

try {
  const instances = await startup;
  output.info(formatReadySummary(config, instances));
} catch (error) {
  if (!shutdown.signal.aborted) {
    output.error(error instanceof LaunchError ? error.message : `Start-up failed: ${(error as Error).stack ?? String(error)}`);
    await supervisor.stop(config.STOP_GRACE_MS);
    process.exit(1);
  }
}
