/** Where the launcher writes: its own messages and every child's lines, prefixed, to stdout/stderr. */
import { createLogFormatter, type LauncherLevel } from './log-prefix.ts';
import type { ChildSpec } from './processes.ts';
import type { OutputStream } from './supervisor.ts';

/** A failure the user can fix from its message alone: printed without a stack trace, exit code 1. */
export class LaunchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchError';
  }
}

export interface Output {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  childLine(spec: ChildSpec, stream: OutputStream, line: string): void;
  childEvent(spec: ChildSpec, message: string, level: LauncherLevel): void;
}

export interface OutputOptions {
  pretty: boolean;
  colors: boolean;
  width: number;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export const LAUNCHER_LABEL = 'launcher';

export function createOutput(options: OutputOptions): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const formatter = createLogFormatter({ pretty: options.pretty, colors: options.colors, width: Math.max(options.width, LAUNCHER_LABEL.length) });
  const own = formatter.prefix(LAUNCHER_LABEL, LAUNCHER_LABEL);
  const prefixes = new Map<string, string>();
  const prefixOf = (spec: ChildSpec) => {
    let prefix = prefixes.get(spec.label);
    if (!prefix) prefixes.set(spec.label, (prefix = formatter.prefix(spec.label, spec.app)));
    return prefix;
  };
  const say = (message: string, level: LauncherLevel) =>
    (level === 'info' ? stdout : stderr).write(formatter.formatMessage(own, message, level));

  return {
    info: (message) => say(message, 'info'),
    warn: (message) => say(message, 'warn'),
    error: (message) => say(message, 'error'),
    childLine(spec, stream, line) {
      (stream === 'stdout' ? stdout : stderr).write(formatter.formatLine(prefixOf(spec), line));
    },
    childEvent(spec, message, level) {
      (level === 'info' ? stdout : stderr).write(formatter.formatMessage(own, message, level));
    },
  };
}
