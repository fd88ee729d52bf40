/**
 * loadConfig (libs/config, through env-schema) also merges the process environment into the values
 * it is given; tests load the launcher configuration with an empty process environment, so what
 * the runner sets (FORCE_COLOR, REDIS_URL…) cannot leak in.
 */
import { loadLauncherConfig, type LauncherConfig } from '../src/config.ts';

export function loadTestConfig(env: Record<string, string | undefined>, isTTY = false): Readonly<LauncherConfig> {
  const runnerEnv = process.env;
  process.env = {};
  try {
    return loadLauncherConfig({ defaultRepoRoot: '/repo', isTTY, env });
  } finally {
    process.env = runnerEnv;
  }
}
