/**
 * What the bench needs besides npm packages, checked before anything starts, with the command
 * that installs or starts each missing piece.
 */
import { execFileSync } from 'node:child_process';
import { checkInfrastructure, START_HINTS, type InfraUrls } from '@orderly/launcher';
import type { Scenario } from './config.ts';

export interface Tool {
  command: string;
  args: readonly string[];
  /** Which scenarios need it. */
  neededBy: readonly Scenario[];
  install: string;
}

export const TOOLS: readonly Tool[] = [
  { command: 'nginx', args: ['-v'], neededBy: ['gateway'], install: 'apt-get install nginx (Debian/Ubuntu; the bench runs its own nginx, the system service may stay stopped)' },
  { command: 'pgbench', args: ['--version'], neededBy: ['orders'], install: 'apt-get install postgresql-client (pgbench comes with the PostgreSQL client tools)' },
  { command: 'redis-server', args: ['--version'], neededBy: ['gateway'], install: 'apt-get install redis-server (the gateway bench runs its own throw-away redis-server)' },
  { command: 'taskset', args: ['-V'], neededBy: ['gateway'], install: 'apt-get install util-linux (or set BENCH_PIN=false)' },
];

function installed(tool: Tool): boolean {
  try {
    execFileSync(tool.command, [...tool.args], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every problem, one line each: missing tools with their install command, servers that do not answer with their start command. */
export async function checkPrerequisites(scenarios: readonly Scenario[], urls: InfraUrls, pin: boolean): Promise<string[]> {
  const problems: string[] = [];
  for (const tool of TOOLS) {
    if (!tool.neededBy.some((s) => scenarios.includes(s))) continue;
    if (tool.command === 'taskset' && !pin) continue;
    if (!installed(tool)) problems.push(`${tool.command} is not installed: ${tool.install}`);
  }
  const failures = await checkInfrastructure(urls);
  for (const failure of failures) {
    problems.push(`${failure.name} does not answer at ${failure.where} (${failure.reason}): start it with ${START_HINTS[failure.name]}, or docker compose up -d postgres rabbitmq redis`);
  }
  return problems;
}
