/**
 * Runs one load round in its own process (load-worker.ts, autocannon inside), optionally pinned
 * to given CPUs, so the load generator never shares an event loop, and ideally not a core, with
 * what it measures. The parent only waits; CPU of the measured processes is read around the call.
 */
import { execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LatencySummary } from './stats.ts';

export interface LoadSpec {
  /** Origin of the target, e.g. http://127.0.0.1:8080. */
  origin: string;
  method: 'GET' | 'POST';
  /** Request paths, taken in turn by all connections; one path for a fixed request. */
  paths: readonly string[];
  headers?: Readonly<Record<string, string>>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /**
   * Requests per second over all connections, paced evenly (paced-load.ts, not autocannon's
   * bursty overallRate); unset = autocannon as fast as the target answers.
   */
  overallRate?: number;
}

export interface LoadResult {
  /** Responses received (any status). */
  responses: number;
  /** Of which not 2xx. */
  non2xx: number;
  /** Connection errors and time-outs. */
  errors: number;
  durationSeconds: number;
  requestsPerSecond: number;
  /** Latency of every response, from autocannon's per-response timer (float ms, not its 1 ms histogram). */
  latency: LatencySummary;
  statusCounts: Record<string, number>;
  /** CPU seconds the load generator itself used (user + system). */
  loadGeneratorCpuSeconds: number;
}

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

export interface RunLoadOptions {
  nodePath: string;
  /** CPU list for taskset (e.g. "0"); unset = no pinning. */
  cpus?: string | undefined;
}

/** Pins a running process and all its threads to the CPU list (taskset from util-linux). */
export function pinProcess(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** Runs one round of load and resolves with what the load generator saw. */
export function runLoad(spec: LoadSpec, options: RunLoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], {
      execPath: options.nodePath,
      execArgv: ['--conditions=@orderly/source'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const finish = (error: Error | undefined, result?: LoadResult) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(result!);
    };
    child.once('message', (message: { result?: LoadResult; error?: string }) => {
      if (message.error !== undefined) finish(new Error(`load generator: ${message.error}`));
      else finish(undefined, message.result);
    });
    child.once('error', (error) => finish(error));
    child.once('exit', (code, signal) => finish(new Error(`load generator exited (${signal ?? `code ${code}`}) without a result`)));
    child.once('spawn', () => {
      try {
        if (options.cpus !== undefined && child.pid !== undefined) pinProcess(child.pid, options.cpus);
        child.send({ spec });
      } catch (error) {
        child.kill('SIGKILL');
        finish(error as Error);
      }
    });
  });
}
