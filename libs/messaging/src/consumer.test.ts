import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { Registry } from 'prom-client';
import { EventTypes, type CloudEvent } from '@orderly/contracts';
import type { PoolClient } from '@orderly/postgres';
import { createTcpProxy, type TcpProxy } from '@orderly/testing';
import {
  assertConsumerTopology,
  consumerTopology,
  listDeadLetters,
  startConsumer,
  type Consumer,
  type ConsumerOptions,
  type ConsumerTopology,
} from './index.ts';
import { delay, effectCount, rawPublisher, setupMessagingTest, waitFor, type MessagingTestEnv, type RawPublisher } from '../test/harness.ts';
import { orderStatusChanged, userRegistered } from '../test/events.ts';

let env: MessagingTestEnv;
let publisher: RawPublisher;
const consumers: Consumer[] = [];
const proxies: TcpProxy[] = [];
let queueNumber = 0;

beforeAll(async () => {
  env = await setupMessagingTest();
  publisher = await rawPublisher(env);
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await publisher.close();
  await env.cleanup();
});

const calls: { eventId: string; subject: string; at: number }[] = [];
const callsOf = (eventId: string) => calls.filter((c) => c.eventId === eventId);

/** The effect every test handler applies: one row in `effects`, in the consumer's transaction. */
async function applyEffect(event: CloudEvent, tx: PoolClient): Promise<void> {
  calls.push({ eventId: event.id, subject: event.subject, at: Date.now() });
  await tx.query('INSERT INTO effects (event_id, subject) VALUES ($1, $2)', [event.id, event.subject]);
}

function trackTopology(topology: ConsumerTopology): void {
  env.trackQueues(topology.queue, ...topology.retryQueues, topology.deadLetterQueue);
}

async function consumer(overrides: Partial<ConsumerOptions> = {}): Promise<Consumer> {
  const started = startConsumer({
    pool: env.pool,
    amqpUrl: env.amqpUrl,
    logger: env.logger,
    exchange: env.exchange,
    queue: `${env.prefix}.consumer${++queueNumber}`,
    handlers: { [EventTypes.orderStatusChanged]: applyEffect, [EventTypes.userRegistered]: applyEffect },
    retryDelaysMs: [100, 300],
    reconnect: { initialMs: 50, maxMs: 300 },
    ...overrides,
  });
  consumers.push(started);
  trackTopology(started.topology);
  await started.waitUntilConnected(5_000);
  return started;
}

describe('consumer', () => {
  it('when an event arrives, then the handler applies it in one transaction with the inbox record', async () => {
    const c = await consumer();
    const event = orderStatusChanged();
    await publisher.publish(event.type, event);
    await waitFor(async () => (await effectCount(env, event.id)) === 1, 5_000, 'the effect');
    const { rows } = await env.admin.query(`SELECT consumer, type, subject FROM ${env.schema}.inbox WHERE event_id = $1`, [event.id]);
    expect(rows).toEqual([{ consumer: c.topology.queue, type: event.type, subject: event.subject }]);
  });

  it('when the same event is delivered again, even concurrently, then its effect is applied once', async () => {
    const registry = new Registry();
    const c = await consumer({ registry, prefetch: 10 });
    const event = orderStatusChanged();
    await Promise.all([1, 2, 3].map(() => publisher.publish(event.type, event)));
    await publisher.publish(event.type, event);

    await waitFor(async () => (await registry.getSingleMetricAsString('orderly_consumer_duplicates_total')).includes(`queue="${c.topology.queue}"} 3`), 5_000, 'three duplicates');
    expect(await effectCount(env, event.id)).toBe(1);
  });

  it('when the ack is lost after commit and the broker redelivers the event, then it changes nothing', async () => {
    const proxy = await createTcpProxy(env.amqpUrl);
    proxies.push(proxy);
    let entered = 0;
    const registry = new Registry();
    const c = await consumer({
      registry,
      amqpUrl: proxy.wrap(env.amqpUrl),
      handlers: {
        [EventTypes.orderStatusChanged]: async (event, tx) => {
          entered++;
          await delay(300); // the connection is cut meanwhile: the commit succeeds, the ack cannot be sent
          await applyEffect(event, tx);
        },
      },
    });
    const event = orderStatusChanged();
    await publisher.publish(event.type, event);
    await waitFor(() => entered === 1, 3_000, 'the handler');
    await proxy.stop();
    await waitFor(async () => (await effectCount(env, event.id)) === 1, 3_000, 'the commit');
    await proxy.start();

    await waitFor(async () => (await registry.getSingleMetricAsString('orderly_consumer_duplicates_total')).includes(`queue="${c.topology.queue}"} 1`), 5_000, 'the redelivery');
    expect(await effectCount(env, event.id)).toBe(1);
    expect(entered).toBe(1); // the inbox stopped it before the handler
  });

  it('when Postgres is unreachable, then the message is held (no retry spent) and applied once it is back', async () => {
    const pgProxy = await createTcpProxy(env.postgresAdminUrl);
    proxies.push(pgProxy);
    const registry = new Registry();
    const c = await consumer({ registry, pool: env.newPool(pgProxy.wrap(env.roleUrl)), retryDelaysMs: [50] });
    await pgProxy.stop();
    const event = orderStatusChanged();
    await publisher.publish(event.type, event);
    await delay(1_500);
    expect(await effectCount(env, event.id)).toBe(0);

    await pgProxy.start();
    await waitFor(async () => (await effectCount(env, event.id)) === 1, 15_000, 'the effect after Postgres returned');
    expect(await registry.getSingleMetricAsString('orderly_consumer_retries_total')).not.toMatch(/ [1-9]/);
    expect(await listDeadLetters({ amqpUrl: env.amqpUrl, queue: c.topology.queue })).toEqual([]);
  });

  it('when a handler keeps failing, then the message is retried with growing delays and dead-lettered, while others keep flowing', async () => {
    const poison = orderStatusChanged();
    const registry = new Registry();
    const c = await consumer({
      registry,
      retryDelaysMs: [200, 600],
      handlers: {
        [EventTypes.orderStatusChanged]: async (event, tx) => {
          await applyEffect(event, tx);
          if (event.id === poison.id) throw new Error('cannot apply this one');
        },
      },
    });
    await publisher.publish(poison.type, poison);
    const others = Array.from({ length: 5 }, () => orderStatusChanged());
    for (const event of others) await publisher.publish(event.type, event);

    // The others are applied while the poison message waits in a retry queue.
    await waitFor(async () => (await Promise.all(others.map((e) => effectCount(env, e.id)))).every((n) => n === 1), 3_000, 'the others');
    expect(callsOf(poison.id).length).toBeLessThan(3);

    await waitFor(() => callsOf(poison.id).length === 3, 5_000, 'three attempts');
    const [first, second, third] = callsOf(poison.id).map((call) => call.at);
    expect(second! - first!).toBeGreaterThanOrEqual(190);
    expect(third! - second!).toBeGreaterThanOrEqual(590);

    await waitFor(async () => (await listDeadLetters({ amqpUrl: env.amqpUrl, queue: c.topology.queue })).length === 1, 5_000, 'the DLQ');
    const [letter] = await listDeadLetters({ amqpUrl: env.amqpUrl, queue: c.topology.queue });
    expect(letter).toMatchObject({ eventId: poison.id, type: poison.type, reason: 'failed', attempts: 3, error: expect.stringContaining('cannot apply this one') });
    expect(await effectCount(env, poison.id)).toBe(0); // every attempt rolled back
    await delay(700);
    expect(callsOf(poison.id)).toHaveLength(3);

    const metrics = await registry.metrics();
    expect(metrics).toMatch(new RegExp(`orderly_consumer_retries_total\\{queue="${c.topology.queue.replaceAll('.', '\\.')}",type="${poison.type}"\\} 2`));
    expect(metrics).toMatch(/orderly_consumer_dead_lettered_total\{.*reason="failed"\} 1/);
    expect(metrics).toMatch(/orderly_dlq_messages\{queue=".*"\} 1/);
    expect(metrics).toMatch(/orderly_consumer_queue_messages\{queue=".*"\} 0/);
    expect(metrics).toMatch(/orderly_consumer_event_age_seconds_count\{.*\} 5/);
  });

  it('when a handler fails once, then the retry applies the event exactly once', async () => {
    const event = userRegistered();
    let failures = 0;
    await consumer({
      handlers: {
        [EventTypes.userRegistered]: async (e, tx) => {
          await applyEffect(e, tx);
          if (failures++ === 0) throw new Error('transient');
        },
      },
    });
    await publisher.publish(event.type, event);
    await waitFor(async () => (await effectCount(env, event.id)) === 1, 5_000, 'the effect');
    expect(callsOf(event.id)).toHaveLength(2);
  });

  it('when a message is invalid or not JSON, then it goes to the DLQ at once, without retries', async () => {
    const registry = new Registry();
    const c = await consumer({ registry, retryDelaysMs: [5_000] });
    const invalid = { ...orderStatusChanged(), data: { orderId: 'nope' } };
    await publisher.publish(EventTypes.orderStatusChanged, invalid);
    await publisher.publish(EventTypes.orderStatusChanged, 'this is {not json', randomUUID());
    const valid = orderStatusChanged();
    await publisher.publish(valid.type, valid);

    await waitFor(async () => (await listDeadLetters({ amqpUrl: env.amqpUrl, queue: c.topology.queue })).length === 2, 3_000, 'two dead letters');
    const letters = await listDeadLetters({ amqpUrl: env.amqpUrl, queue: c.topology.queue });
    expect(letters.map((l) => l.reason).sort()).toEqual(['invalid', 'unparsable']);
    expect(letters.find((l) => l.reason === 'invalid')).toMatchObject({ eventId: invalid.id, attempts: 1, error: expect.stringContaining('/data/orderId') });
    expect(callsOf(invalid.id)).toHaveLength(0);
    await waitFor(async () => (await effectCount(env, valid.id)) === 1, 3_000, 'the valid event');
    expect(await registry.getSingleMetricAsString('orderly_consumer_retries_total')).not.toMatch(/ [1-9]/);
  });

  it('when the connection is cut, then the consumer reconnects and keeps consuming', async () => {
    const proxy = await createTcpProxy(env.amqpUrl);
    proxies.push(proxy);
    const c = await consumer({ amqpUrl: proxy.wrap(env.amqpUrl) });
    const before = orderStatusChanged();
    await publisher.publish(before.type, before);
    await waitFor(async () => (await effectCount(env, before.id)) === 1, 3_000, 'the first event');

    await proxy.stop();
    await waitFor(() => !c.isConnected(), 3_000, 'the consumer to notice');
    const during = Array.from({ length: 3 }, () => orderStatusChanged());
    for (const event of during) await publisher.publish(event.type, event); // the queue keeps them
    await delay(300);
    await proxy.start();

    await waitFor(() => c.isConnected(), 5_000, 'the reconnection');
    await waitFor(async () => (await Promise.all(during.map((e) => effectCount(env, e.id)))).every((n) => n === 1), 5_000, 'the events sent meanwhile');
  });

  it('when an instance has no handler for a bound type (rolling deploy), then the event is retried, not dropped, and a newer instance applies it', async () => {
    const queue = `${env.prefix}.rolling`;
    const newer = await consumer({ queue }); // binds both types
    await newer.stop();
    consumers.splice(consumers.indexOf(newer), 1);
    const registry = new Registry();
    const older = await consumer({ queue, registry, retryDelaysMs: [300, 300], handlers: { [EventTypes.orderStatusChanged]: applyEffect } });
    const event = userRegistered();
    await publisher.publish(event.type, event);
    await waitFor(async () => (await registry.getSingleMetricAsString('orderly_consumer_retries_total')).includes(`type="${event.type}"} 1`), 3_000, 'a retry');
    await older.stop();
    consumers.splice(consumers.indexOf(older), 1);

    await consumer({ queue });
    await waitFor(async () => (await effectCount(env, event.id)) === 1, 5_000, 'the newer instance to apply it');
  });

  it('when an event type is retired, then the queue is unbound from it', async () => {
    const queue = `${env.prefix}.retired`;
    const first = await consumer({ queue });
    await first.stop();
    consumers.splice(consumers.indexOf(first), 1);
    const c = await consumer({ queue, handlers: { [EventTypes.orderStatusChanged]: applyEffect }, retiredEventTypes: [EventTypes.userRegistered] });
    expect(c.topology.retiredBindings).toEqual([EventTypes.userRegistered]);
    await c.stop();
    consumers.splice(consumers.indexOf(c), 1);

    const retired = userRegistered();
    await publisher.publish(retired.type, retired);
    const kept = orderStatusChanged();
    await publisher.publish(kept.type, kept);
    const connection = await connect(env.amqpUrl);
    const channel = await connection.createChannel();
    await waitFor(async () => (await channel.checkQueue(queue)).messageCount === 1, 3_000, 'only the kept type routed');
    await connection.close();
  });

  it('when stopped while a handler runs, then that message finishes and is acked, and nothing new is taken', async () => {
    let started = false;
    const c = await consumer({
      handlers: {
        [EventTypes.orderStatusChanged]: async (event, tx) => {
          started = true;
          await delay(500);
          await applyEffect(event, tx);
        },
      },
    });
    const slow = orderStatusChanged();
    await publisher.publish(slow.type, slow);
    await waitFor(() => started, 3_000, 'the handler to start');
    const stopping = c.stop();
    await delay(50);
    const later = orderStatusChanged();
    await publisher.publish(later.type, later);
    await stopping;

    expect(await effectCount(env, slow.id)).toBe(1);
    expect(await effectCount(env, later.id)).toBe(0);
    const connection = await connect(env.amqpUrl);
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(c.topology.queue);
    await connection.close();
    expect(messageCount).toBe(1); // only `later`: `slow` was acked, not requeued
  });
});

describe('topology', () => {
  it('when a message is redelivered more than the delivery limit, then the broker dead-letters it', async () => {
    const topology = consumerTopology({ queue: `${env.prefix}.limited`, exchange: env.exchange, bindings: ['#'], retries: 1, deliveryLimit: 2 });
    trackTopology(topology);
    const connection = await connect(env.amqpUrl);
    const channel = await connection.createChannel();
    await assertConsumerTopology(channel, topology);
    const event = orderStatusChanged();
    await publisher.publish(event.type, event);

    // A consumer that crashes on this message over and over: it is returned to the queue each time.
    await channel.prefetch(1);
    let deliveries = 0;
    await channel.consume(topology.queue, (message) => {
      if (!message) return;
      deliveries++;
      channel.nack(message, false, true);
    });
    await waitFor(async () => (await listDeadLetters({ amqpUrl: env.amqpUrl, queue: topology.queue })).length === 1, 5_000, 'the broker to dead-letter it');
    await connection.close();
    expect(deliveries).toBe(3); // the first delivery plus `deliveryLimit` redeliveries
    const [letter] = await listDeadLetters({ amqpUrl: env.amqpUrl, queue: topology.queue });
    expect(letter).toMatchObject({ eventId: event.id, reason: 'delivery_limit' });
  });

  it('when a queue name is not a plain name or no event type is bound, then it refuses to start', () => {
    expect(() => consumerTopology({ queue: 'bad name', bindings: ['x'], retries: 1 })).toThrow(/Invalid queue name/);
    expect(() => startConsumer({ pool: env.pool, amqpUrl: env.amqpUrl, logger: env.logger, queue: `${env.prefix}.none`, handlers: {} })).toThrow(/no event types/);
  });
});
