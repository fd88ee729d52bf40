/**
 * Lists and replays dead-lettered messages.
 *   node --conditions=@orderly/source libs/messaging/src/dlq.cli.ts list   --queue <name> [--limit N] [--full]
 *   node --conditions=@orderly/source libs/messaging/src/dlq.cli.ts replay --queue <name> (--id <eventId>... | --all)
 * `<name>` is the consumer's queue (`notifications`) or its DLQ. AMQP_URL selects the broker.
 * `list` prints one JSON line per message (the event body only with --full: it may hold personal data).
 */
import { parseArgs } from 'node:util';
import { loadDlqCommandConfig } from './config.ts';
import { listDeadLetters, replayDeadLetters } from './dlq.ts';

const USAGE = 'usage: dlq.cli.ts list|replay --queue <name> [--id <eventId>]... [--all] [--limit N] [--full]';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      queue: { type: 'string' },
      id: { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      limit: { type: 'string' },
      full: { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  if (!values.queue || (command !== 'list' && command !== 'replay')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    process.stderr.write('--limit must be a positive integer\n');
    return 2;
  }
  const { amqpUrl } = loadDlqCommandConfig();
  const base = { amqpUrl, queue: values.queue, ...(limit ? { limit } : {}) };
  if (command === 'list') {
    const letters = await listDeadLetters(base);
    for (const { body, ...letter } of letters) process.stdout.write(`${JSON.stringify(values.full ? { ...letter, body } : letter)}\n`);
    process.stderr.write(`${letters.length} dead-lettered message(s) in ${values.queue}\n`);
    return 0;
  }
  const result = await replayDeadLetters({ ...base, all: values.all, ids: values.id ?? [] });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stderr.write(`replayed ${result.replayed.length}; not found ${result.notFound.length}\n`);
  return result.notFound.length > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`dlq: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
