// Child process for the "SIGKILL between commit and publish" test: commits COUNT events, prints
// their ids, and keeps its relay retrying against a stopped broker until it is killed.
import pino from 'pino';
import { createPool, withTransaction } from '@orderly/postgres';
import { enqueueEvent, startOutboxRelay } from '../src/index.ts';
import { orderStatusChanged } from './events.ts';

const pool = createPool({ connectionString: process.env.DATABASE_URL!, applicationName: 'commit-then-wait', max: 2 });
startOutboxRelay({
  pool,
  amqpUrl: process.env.AMQP_URL!,
  exchange: process.env.EXCHANGE!,
  logger: pino({ level: 'silent' }),
  reconnect: { initialMs: 50, maxMs: 100 },
});
const ids = await withTransaction(pool, async (tx) => {
  const committed: string[] = [];
  for (let i = 0; i < Number(process.env.COUNT); i++) {
    const event = orderStatusChanged();
    await enqueueEvent(tx, event);
    committed.push(event.id);
  }
  return committed;
});
process.stdout.write(`${JSON.stringify({ committed: ids })}\n`);
setInterval(() => undefined, 1_000);
