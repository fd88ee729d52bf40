/**
 * One readable stream out of many processes: every line gets a fixed-width, coloured prefix such
 * as `orders#2      │ `, and pino JSON lines are rendered by pino-pretty (or kept raw on request).
 */
import pinoPretty from 'pino-pretty';

const RESET = '\u001b[0m';
const ANSI: Readonly<Record<string, string>> = {
  auth: '\u001b[36m', // cyan
  orders: '\u001b[32m', // green
  notifications: '\u001b[33m', // yellow
  reporting: '\u001b[35m', // magenta
  gateway: '\u001b[34m', // blue
  launcher: '\u001b[1m', // bold
};
const LEVEL_ANSI = { info: '', warn: '\u001b[33m', error: '\u001b[31m' } as const;

export type LauncherLevel = keyof typeof LEVEL_ANSI;

export interface LogFormatOptions {
  /** Render pino JSON lines with pino-pretty; false keeps them as they are. */
  pretty: boolean;
  colors: boolean;
  /** Width of the label column: the longest label that will be shown. */
  width: number;
}

export interface LogFormatter {
  /** The prefix of a label (`orders#2`), coloured after its app (`orders`). */
  prefix(label: string, app: string): string;
  /** One output line of a child, ready to write (ends with a newline; may span several lines). */
  formatLine(prefix: string, line: string): string;
  /** A message of the launcher itself. */
  formatMessage(prefix: string, message: string, level?: LauncherLevel): string;
}

/** The width that fits every label. */
export function labelWidth(labels: Iterable<string>): number {
  let width = 0;
  for (const label of labels) width = Math.max(width, label.length);
  return width;
}

function parseLogRecord(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (value && typeof value === 'object' && !Array.isArray(value) && 'level' in value) return value as Record<string, unknown>;
  } catch {
    // not JSON after all: shown as it is
  }
  return undefined;
}

function prefixLines(prefix: string, text: string): string {
  const lines = text.replace(/\n+$/, '').split('\n');
  return lines.map((l) => `${prefix}${l}\n`).join('');
}

/** A formatter for the given options; pino-pretty is set up once and reused for every line. */
export function createLogFormatter(options: LogFormatOptions): LogFormatter {
  const pretty = options.pretty
    ? pinoPretty.prettyFactory({
        colorize: options.colors,
        translateTime: 'SYS:HH:MM:ss.l',
        // The prefix already says which process wrote the line.
        ignore: 'pid,hostname,service,version',
        singleLine: true,
      })
    : undefined;

  return {
    prefix(label, app) {
      const text = `${label.padEnd(options.width)} │ `;
      return options.colors ? `${ANSI[app] ?? ''}${text}${RESET}` : text;
    },
    formatLine(prefix, line) {
      const record = pretty ? parseLogRecord(line) : undefined;
      if (pretty && record) return prefixLines(prefix, pretty(record));
      return prefixLines(prefix, line);
    },
    formatMessage(prefix, message, level = 'info') {
      const colour = options.colors ? LEVEL_ANSI[level] : '';
      if (!colour) return prefixLines(prefix, message);
      return message
        .split('\n')
        .map((l) => `${prefix}${colour}${l}${RESET}\n`)
        .join('');
    },
  };
}
