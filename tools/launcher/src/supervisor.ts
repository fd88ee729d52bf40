/**
 * Keeps child processes running like an orchestrator would: a child that dies is started again
 * after an exponential backoff (reset once it has stayed up long enough) while the others keep
 * running; `stop` sends SIGTERM to all, waits for them, and kills what is left after the grace.
 *
 * Each child runs in its own process group (`detached`), so a Ctrl-C in the terminal reaches the
 * launcher only and the shutdown order stays ours; signals go to the whole group, so nothing a
 * child started outlives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ChildSpec } from './processes.ts';

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A child that stayed up this long starts again from `initialMs` when it dies. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The delay before restart number `attempt` (0-based): initial, doubling, capped at max. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return Math.min(policy.initialMs * 2 ** Math.max(0, attempt), policy.maxMs);
}

export type OutputStream = 'stdout' | 'stderr';
/** Receives each line a child writes, without its newline. */
export type LineHandler = (spec: ChildSpec, stream: OutputStream, line: string) => void;

export interface SupervisorOptions {
  /** Every line a child writes. */
  onLine: LineHandler;
  /** Messages of the supervisor itself (exits, restarts, kills). */
  onEvent(spec: ChildSpec, message: string, level: 'info' | 'warn' | 'error'): void;
  backoff?: BackoffPolicy;
}

export interface ChildStatus {
  label: string;
  pid: number | undefined;
  running: boolean;
  restarts: number;
}

export interface Supervisor {
  /** Starts the children; each is restarted when it dies, until `stop`. */
  start(specs: readonly ChildSpec[]): void;
  /** SIGTERM to every child, SIGKILL to those still running after `graceMs`; resolves when all are gone. */
  stop(graceMs: number): Promise<void>;
  /** SIGKILL to every child at once (synchronous: usable in an `exit` handler). */
  killAll(): void;
  status(): ChildStatus[];
}

interface Slot {
  spec: ChildSpec;
  child: ChildProcess | undefined;
  exited: Promise<void> | undefined;
  startedAt: number;
  /** Consecutive quick failures: the backoff exponent. */
  failures: number;
  restarts: number;
  timer: NodeJS.Timeout | undefined;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Hands every line of the child's stdout and stderr to `onLine`; resolves when both are closed. */
function readLines(spec: ChildSpec, child: ChildProcess, onLine: LineHandler): Promise<void> {
  const streams = (['stdout', 'stderr'] as const).map(
    (stream) =>
      new Promise<void>((done) => {
        const input = child[stream];
        if (!input) return done();
        createInterface({ input, crlfDelay: Infinity })
          .on('line', (line) => onLine(spec, stream, line))
          .once('close', done);
      }),
  );
  return Promise.all(streams).then(() => undefined);
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const slots: Slot[] = [];
  let stopping = false;

  const launch = (slot: Slot): void => {
    slot.timer = undefined;
    if (stopping) return;
    const child = spawn(slot.spec.command, slot.spec.args, {
      cwd: slot.spec.cwd,
      env: slot.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    slot.child = child;
    slot.startedAt = Date.now();
    const drained = readLines(slot.spec, child, options.onLine);
    slot.exited = new Promise<void>((resolve) => {
      let settled = false;
      const settle = (describe: string) => {
        if (settled) return;
        settled = true;
        // Whatever the child left behind in its group goes with it.
        signalGroup(child, 'SIGKILL');
        slot.child = undefined;
        // Its last lines are written before anyone hears that it is gone.
        void drained.then(resolve);
        if (!stopping) scheduleRestart(slot, describe);
      };
      child.once('error', (error) => settle(`could not be started (${error.message})`));
      child.once('exit', (code, signal) => settle(describeExit(code, signal)));
    });
  };

  const scheduleRestart = (slot: Slot, describe: string): void => {
    const upMs = Date.now() - slot.startedAt;
    if (upMs >= policy.resetAfterMs) slot.failures = 0;
    const delay = backoffDelay(slot.failures, policy);
    slot.failures += 1;
    slot.restarts += 1;
    options.onEvent(
      slot.spec,
      `${slot.spec.label} ${describe} after ${(upMs / 1000).toFixed(1)}s; restarting in ${(delay / 1000).toFixed(1)}s (restart #${slot.restarts})`,
      'warn',
    );
    slot.timer = setTimeout(() => launch(slot), delay);
  };

  return {
    start(specs) {
      for (const spec of specs) {
        const slot: Slot = { spec, child: undefined, exited: undefined, startedAt: 0, failures: 0, restarts: 0, timer: undefined };
        slots.push(slot);
        launch(slot);
      }
    },

    async stop(graceMs) {
      stopping = true;
      for (const slot of slots) {
        clearTimeout(slot.timer);
        slot.timer = undefined;
      }
      const running = slots.filter((s) => s.child);
      for (const slot of running) signalGroup(slot.child!, 'SIGTERM');
      const allExited = Promise.all(running.map((s) => s.exited));
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace over'>((resolve) => {
        timer = setTimeout(() => resolve('grace over'), graceMs);
      });
      const outcome = await Promise.race([allExited, graceOver]);
      clearTimeout(timer);
      if (outcome === 'grace over') {
        for (const slot of slots.filter((s) => s.child)) {
          options.onEvent(slot.spec, `${slot.spec.label} did not stop within ${graceMs / 1000}s; killing it`, 'error');
          signalGroup(slot.child!, 'SIGKILL');
        }
        await allExited;
      }
    },

    killAll() {
      stopping = true;
      for (const slot of slots) {
        clearTimeout(slot.timer);
        if (slot.child) signalGroup(slot.child, 'SIGKILL');
      }
    },

    status() {
      return slots.map((s) => ({ label: s.spec.label, pid: s.child?.pid, running: Boolean(s.child), restarts: s.restarts }));
    },
  };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs a one-shot child (a migration) to completion, streaming its lines; `signal` aborts it
 * (SIGTERM to its process group).
 */
export function runToCompletion(
  spec: ChildSpec,
  onLine: LineHandler,
  signal?: AbortSignal,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const onAbort = () => signalGroup(child, 'SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    const drained = readLines(spec, child, onLine);
    child.once('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('exit', (code, exitSignal) => {
      signal?.removeEventListener('abort', onAbort);
      signalGroup(child, 'SIGKILL');
      // Report after the last lines were written, so messages appear in order.
      void drained.then(() => resolve({ code, signal: exitSignal }));
    });
  });
}
