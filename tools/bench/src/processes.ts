/**
 * The processes a bench starts (origin, proxies, gateway): spawned (pinned with taskset when
 * asked), ready once an HTTP URL answers, stopped by pid; every one still running is killed if the
 * bench itself stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface StartOptions {
  name: string;
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd?: string;
  /** CPU list for taskset; the process (and what it forks) runs only there. */
  cpus?: string | undefined;
  /** Ready once a GET of this URL gets any HTTP answer below 500… */
  readyUrl?: string;
  /** …or once this resolves true (one of the two must be given). */
  ready?: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

export interface StartedProcess {
  name: string;
  pid: number;
  /** Its last output (stdout and stderr), to explain a failure. */
  output(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status < 500;
  } catch {
    return false;
  }
}

export async function startProcess(options: StartOptions): Promise<StartedProcess> {
  installExitHook();
  const [command, args] =
    options.cpus === undefined ? [options.command, options.args] : ['taskset', ['-c', options.cpus, options.command, ...options.args]];
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });
  let gone = false;
  void exited.then(() => (gone = true));

  const started: StartedProcess = {
    name: options.name,
    pid: child.pid ?? -1,
    output: () => text,
    async stop(graceMs = 10_000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  const { readyUrl } = options;
  const ready = options.ready ?? (() => (readyUrl === undefined ? Promise.resolve(true) : answers(readyUrl)));
  const what = readyUrl ?? 'its readiness check';
  while (!(await ready())) {
    if (gone) throw new Error(`${options.name} exited before it was ready. Output:\n${text}`);
    if (Date.now() > deadline) {
      await started.stop();
      throw new Error(`${options.name} did not answer ${what} in time. Output:\n${text}`);
    }
    await delay(100);
  }
  return started;
}
