import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { EventTypes } from '@orderly/contracts';
import { listDeadLetters, replayDeadLetters, startConsumer, type Consumer } from './index.ts';
import { effectCount, rawPublisher, REPO_ROOT, setupMessagingTest, waitFor, type MessagingTestEnv, type RawPublisher } from '../test/harness.ts';
import { orderStatusChanged } from '../test/events.ts';

let env: MessagingTestEnv;
let publisher: RawPublisher;
let consumer: Consumer;
let queue: string;
const broken = new Set<string>();
let handled = 0;

beforeAll(async () => {
  env = await setupMessagingTest();
  publisher = await rawPublisher(env);
  queue = `${env.prefix}.dlqtest`;
  consumer = startConsumer({
    pool: env.pool,
    amqpUrl: env.amqpUrl,
    logger: env.logger,
    exchange: env.exchange,
    queue,
    retryDelaysMs: [50],
    handlers: {
      [EventTypes.orderStatusChanged]: async (event, tx) => {
        handled++;
        if (broken.has(event.subject)) throw new Error(`subject ${event.subject} is broken`);
        await tx.query('INSERT INTO effects (event_id, subject) VALUES ($1, $2)', [event.id, event.subject]);
      },
    },
  });
  env.trackQueues(queue, `${queue}.retry.1`, `${queue}.dlq`);
  await consumer.waitUntilConnected(5_000);
});

afterAll(async () => {
  await consumer.stop();
  await publisher.close();
  await env.cleanup();
});

const list = () => listDeadLetters({ amqpUrl: env.amqpUrl, queue });

async function deadLetter(count: number): Promise<string[]> {
  const subject = randomUUID();
  broken.add(subject);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = orderStatusChanged(subject);
    await publisher.publish(event.type, event);
    ids.push(event.id);
  }
  await waitFor(async () => {
    const listed = new Set((await list()).map((l) => l.eventId));
    return ids.every((id) => listed.has(id));
  }, 5_000, 'the dead letters');
  return ids;
}

async function dlqDepth(): Promise<number> {
  const connection = await connect(env.amqpUrl);
  const channel = await connection.createChannel();
  const { messageCount } = await channel.checkQueue(`${queue}.dlq`);
  await connection.close();
  return messageCount;
}

describe('dead letters', () => {
  it('when listed, then each shows its event, reason and error, and stays in the DLQ', async () => {
    const [id] = await deadLetter(1);
    const before = await dlqDepth();

    const letters = await list();
    const letter = letters.find((l) => l.eventId === id);
    expect(letter).toMatchObject({
      type: EventTypes.orderStatusChanged,
      reason: 'failed',
      attempts: 2,
      error: expect.stringContaining('is broken'),
      deadLetteredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      body: expect.objectContaining({ id }),
    });
    expect(await list()).toHaveLength(letters.length);
    expect(await dlqDepth()).toBe(before);
  });

  it('when the handler is fixed and one message is replayed, then it is processed once and only it leaves the DLQ', async () => {
    const [first, second] = await deadLetter(2);
    const subject = (await list()).find((l) => l.eventId === first)!.subject!;
    broken.delete(subject);
    const depth = await dlqDepth();

    const result = await replayDeadLetters({ amqpUrl: env.amqpUrl, queue, ids: [first!, 'not-there'] });

    expect(result).toEqual({ replayed: [first], notFound: ['not-there'] });
    await waitFor(async () => (await effectCount(env, first!)) === 1, 5_000, 'the replayed event');
    expect(await effectCount(env, second!)).toBe(0);
    expect(await dlqDepth()).toBe(depth - 1);
    expect((await list()).map((l) => l.eventId)).toContain(second);
  });

  it('when a replayed message still fails, then it goes through its retries again and back to the DLQ', async () => {
    const [id] = await deadLetter(1);
    const handledBefore = handled;
    await replayDeadLetters({ amqpUrl: env.amqpUrl, queue: `${queue}.dlq`, ids: [id!] });
    await waitFor(() => handled === handledBefore + 2, 5_000, 'two more attempts');
    await waitFor(async () => (await list()).some((l) => l.eventId === id), 5_000, 'the message back in the DLQ');
  });

  it('when asked to replay without ids or --all, then it refuses', async () => {
    await expect(replayDeadLetters({ amqpUrl: env.amqpUrl, queue })).rejects.toThrow(/which messages/);
  });

  it('when run from the command line, then list prints the dead letters and replay --all empties the DLQ', async () => {
    const ids = await deadLetter(2);
    for (const letter of await list()) broken.delete(letter.subject!);
    const run = (...args: string[]) =>
      promisify(execFile)(
        path.join(REPO_ROOT, 'node_modules', '.bin', 'node'),
        ['--conditions=@orderly/source', 'libs/messaging/src/dlq.cli.ts', ...args],
        { cwd: REPO_ROOT, env: { ...process.env, AMQP_URL: env.amqpUrl } },
      );

    const listed = await run('list', '--queue', queue);
    const lines = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { eventId: string; body?: unknown });
    expect(lines.map((l) => l.eventId)).toEqual(expect.arrayContaining(ids));
    expect(lines[0]).not.toHaveProperty('body'); // payloads only with --full

    const replayed = await run('replay', '--queue', queue, '--all');
    expect(JSON.parse(replayed.stdout).replayed).toEqual(expect.arrayContaining(ids));
    await waitFor(async () => (await Promise.all(ids.map((id) => effectCount(env, id)))).every((n) => n === 1), 5_000, 'the replayed events');
    expect(await dlqDepth()).toBe(0);
  });
});
