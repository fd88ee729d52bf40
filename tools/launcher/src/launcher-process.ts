/**
 * For end-to-end tests: runs `npm start`'s launcher as a child process, waits for its ready line
 * and stops it with a signal, as a developer's Ctrl-C would.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { READY_PATTERN } from './summary.ts';

export interface LauncherProcessOptions {
  /** The repository root (holding tools/launcher/src/main.ts). */
  repoRoot: string;
  /**
   * The launcher's whole environment: PATH and HOME plus the settings of this run (an isolated
   * ORDERLY_DATABASE, free ports, EVENTS_EXCHANGE, EVENTS_QUEUE_PREFIX, REDIS_KEY_PREFIX, DEV_DIR…).
   */
  env: Record<string, string | undefined>;
  /** A Node 24 binary; defaults to the one running the caller. */
  nodePath?: string;
  /** How long to wait for the ready line; default 120 s. */
  readyTimeoutMs?: number;
  /** Receives the launcher's output as it comes (e.g. to show it when a test fails). */
  onOutput?: (text: string) => void;
}

export interface LauncherProcess {
  pid: number;
  /** The gateway URL from the ready line (undefined when the launcher started no gateway). */
  gatewayUrl: string | undefined;
  /** Everything the launcher wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit once the launcher is gone. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the launcher; resolves once it printed its ready line, rejects if it exits or times out first. */
export function startLauncherProcess(options: LauncherProcessOptions): Promise<LauncherProcess> {
  const child = spawn(options.nodePath ?? process.execPath, ['--conditions=@orderly/source', path.join(options.repoRoot, 'tools/launcher/src/main.ts')], {
    cwd: options.repoRoot,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  const launcher: LauncherProcess = {
    pid: child.pid ?? -1,
    gatewayUrl: undefined,
    output: () => text,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };

  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`The launcher was not ready within ${options.readyTimeoutMs ?? 120_000} ms. Output:\n${text}`));
    }, options.readyTimeoutMs ?? 120_000);
    const onData = (chunk: Buffer) => {
      const piece = chunk.toString('utf8');
      text += piece;
      options.onOutput?.(piece);
      if (ready) return;
      const match = READY_PATTERN.exec(text);
      if (match || /Orderly is ready, without a gateway/.test(text)) {
        ready = true;
        clearTimeout(timer);
        launcher.gatewayUrl = match?.[1];
        resolve(launcher);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(({ code, signal }) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`The launcher exited (${signal ?? `code ${code}`}) before it was ready. Output:\n${text}`));
    });
  });
}
