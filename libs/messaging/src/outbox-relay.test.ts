import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Registry } from 'prom-client';
import { withTransaction, type Pool } from '@orderly/postgres';
import { createTcpProxy, type TcpProxy } from '@orderly/testing';
import { EventTypes } from '@orderly/contracts';
import { buildEvent, enqueueEvent, InvalidEventError, startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './index.ts';
import { REPO_ROOT, setupMessagingTest, tapExchange, waitFor, delay, type MessagingTestEnv, type Tap } from '../test/harness.ts';
import { orderStatusChanged } from '../test/events.ts';

let env: MessagingTestEnv;
let tap: Tap;
const relays: OutboxRelay[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  env = await setupMessagingTest();
  tap = await tapExchange(env);
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await tap.close();
  await env.cleanup();
});

function relay(overrides: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  const started = startOutboxRelay({
    pool: env.pool,
    amqpUrl: env.amqpUrl,
    logger: env.logger,
    exchange: env.exchange,
    pollIntervalMs: 200,
    reconnect: { initialMs: 50, maxMs: 300 },
    ...overrides,
  });
  relays.push(started);
  return started;
}

async function enqueue(pool: Pool, count: number, subject?: string): Promise<string[]> {
  return withTransaction(pool, async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const event = orderStatusChanged(subject);
      await enqueueEvent(tx, event);
      ids.push(event.id);
    }
    return ids;
  });
}

const received = (ids: string[]) => () => ids.every((id) => tap.countsById().has(id));

async function unsentCount(ids: string[]): Promise<number> {
  const { rows } = await env.admin.query(`SELECT count(*)::int AS n FROM ${env.schema}.outbox WHERE id = ANY($1) AND sent_at IS NULL`, [ids]);
  return rows[0].n;
}

describe('enqueueEvent', () => {
  it('when the transaction rolls back, then nothing is published', async () => {
    const event = orderStatusChanged();
    await expect(
      withTransaction(env.pool, async (tx) => {
        await enqueueEvent(tx, event);
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const { rows } = await env.admin.query(`SELECT count(*)::int AS n FROM ${env.schema}.outbox WHERE id = $1`, [event.id]);
    expect(rows[0].n).toBe(0);
  });

  it('when the event breaks its contract, then it is refused and nothing is written', async () => {
    const event = buildEvent({
      type: EventTypes.orderStatusChanged,
      source: '/orders',
      subject: randomUUID(),
      data: { orderId: 'not-a-uuid' } as never,
    });
    await expect(enqueueEvent(env.pool, event)).rejects.toBeInstanceOf(InvalidEventError);
  });
});

describe('outbox relay', () => {
  it('when events are committed, then they are published as persistent CloudEvents keyed by type, and marked sent', async () => {
    relay({ pollIntervalMs: 60_000 }); // only NOTIFY can wake it in time
    await delay(300);
    const correlationId = 'req-abc';
    const event = orderStatusChanged(randomUUID(), correlationId);
    await withTransaction(env.pool, (tx) => enqueueEvent(tx, event));

    await waitFor(received([event.id]), 5_000, 'the event');
    const message = tap.messages.find((m) => m.id === event.id)!;
    expect(message.routingKey).toBe(EventTypes.orderStatusChanged);
    expect(message.body).toEqual(event);
    expect(message.properties).toMatchObject({
      contentType: 'application/cloudevents+json',
      messageId: event.id,
      deliveryMode: 2,
      correlationId,
      headers: expect.objectContaining({ correlationid: correlationId }),
    });
    await waitFor(async () => (await unsentCount([event.id])) === 0, 5_000, 'sent_at');
  });

  it('when the broker is stopped while events are enqueued, then all are published after it returns, none twice', async () => {
    const proxy = await createTcpProxy(env.amqpUrl);
    proxies.push(proxy);
    const r = relay({ amqpUrl: proxy.wrap(env.amqpUrl) });
    const before = await enqueue(env.pool, 5);
    await waitFor(received(before), 5_000, 'events before the outage');

    await proxy.stop();
    const during: string[] = [];
    for (let i = 0; i < 4; i++) {
      during.push(...(await enqueue(env.pool, 5)));
      await delay(100);
    }
    await waitFor(() => !r.isHealthy(), 5_000, 'the relay to notice');
    expect(await unsentCount(during)).toBe(during.length);

    await proxy.start();
    await waitFor(received(during), 15_000, 'events enqueued during the outage');
    await waitFor(() => r.isHealthy(), 5_000, 'the relay to be healthy');
    await delay(500);
    const counts = tap.countsById();
    expect([...before, ...during].map((id) => counts.get(id))).toEqual([...before, ...during].map(() => 1));
    expect(await unsentCount(during)).toBe(0);
  });

  it('when two relays run on one outbox, then every event is published once and each subject keeps its order', async () => {
    const subjects = Array.from({ length: 6 }, () => randomUUID());
    const enqueueRounds = async (rounds: number) => {
      // Interleaved, small transactions: one subject's events are spread over many batches.
      for (let round = 0; round < rounds; round++) {
        for (const subject of subjects) ids.push(...(await enqueue(env.pool, 1 + (round % 2), subject)));
      }
    };
    const ids: string[] = [];
    await enqueueRounds(10); // a backlog both relays compete for
    const registries = [new Registry(), new Registry()];
    relay({ batchSize: 7, registry: registries[0] });
    relay({ batchSize: 5, registry: registries[1] });
    await enqueueRounds(10); // and events arriving while they run
    await waitFor(received(ids), 20_000, 'every event');
    await delay(300);

    for (const registry of registries) {
      expect(await registry.getSingleMetricAsString('orderly_outbox_published_total')).toMatch(/_total [1-9]/);
    }

    const counts = tap.countsById();
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
    const { rows } = await env.admin.query<{ id: string; subject: string }>(
      `SELECT id, subject FROM ${env.schema}.outbox WHERE id = ANY($1) ORDER BY position`,
      [ids],
    );
    for (const subject of subjects) {
      const enqueued = rows.filter((r) => r.subject === subject).map((r) => r.id);
      const published = tap.messages.filter((m) => m.subject === subject).map((m) => m.id);
      expect(published).toEqual(enqueued);
    }
  });

  it('when the producer is SIGKILLed between commit and publish, then a fresh relay publishes each event exactly once', async () => {
    const deadBroker = await createTcpProxy(env.amqpUrl);
    proxies.push(deadBroker);
    await deadBroker.stop();
    const child = spawn(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'node'),
      ['--conditions=@orderly/source', path.join(__dirname, '..', 'test', 'commit-then-wait.ts')],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: env.roleUrl, AMQP_URL: deadBroker.wrap(env.amqpUrl), EXCHANGE: env.exchange, COUNT: '8' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await waitFor(() => stdout.includes('\n') || child.exitCode !== null, 20_000, `the child to commit (stderr: ${stderr})`);
    const { committed } = JSON.parse(stdout.split('\n')[0]!) as { committed: string[] };
    await delay(300); // its relay is now retrying against the stopped broker
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(committed).toHaveLength(8);
    expect(await unsentCount(committed)).toBe(8);

    relay();
    await waitFor(received(committed), 10_000, 'the committed events');
    await delay(500);
    const counts = tap.countsById();
    expect(committed.map((id) => counts.get(id))).toEqual(committed.map(() => 1));
  });

  it('when Postgres is unreachable for a while, then the relay reports it, keeps running, and publishes once it is back', async () => {
    const pgProxy = await createTcpProxy(env.postgresAdminUrl);
    proxies.push(pgProxy);
    const pool = env.newPool(pgProxy.wrap(env.roleUrl));
    const r = relay({ pool });
    await waitFor(() => r.isHealthy(), 5_000, 'a healthy relay');

    await pgProxy.stop();
    const ids = await enqueue(env.pool, 3); // written through a direct connection
    await waitFor(() => !r.isHealthy(), 5_000, 'the relay to notice');
    await delay(500);
    expect(await unsentCount(ids)).toBe(3);

    await pgProxy.start();
    await waitFor(received(ids), 10_000, 'the events after Postgres returned');
    await waitFor(() => r.isHealthy(), 5_000, 'the relay to be healthy again');
    await waitFor(async () => (await unsentCount(ids)) === 0, 5_000, 'the events marked sent');
  });

  it('when no queue is bound to an event type, then the event is kept unsent and retried, and its subject waits behind it', async () => {
    const registry = new Registry();
    relay({ exchange: `${env.prefix}.unbound`, registry, failedRowRetry: { initialMs: 200, maxMs: 400 } });
    const subject = randomUUID();
    const ids = await enqueue(env.pool, 2, subject);

    await waitFor(async () => {
      const { rows } = await env.admin.query(`SELECT attempts FROM ${env.schema}.outbox WHERE id = $1`, [ids[0]]);
      return rows[0].attempts >= 2;
    }, 5_000, 'two failed attempts');
    const { rows } = await env.admin.query(
      `SELECT id, sent_at, attempts, last_error FROM ${env.schema}.outbox WHERE id = ANY($1) ORDER BY position`,
      [ids],
    );
    expect(rows[0]).toMatchObject({ sent_at: null, last_error: expect.stringContaining('No queue is bound') });
    expect(rows[1]).toMatchObject({ sent_at: null, attempts: 0 });
    expect(await registry.getSingleMetricAsString('orderly_outbox_publish_failures_total')).toMatch(/reason="unroutable"} [1-9]/);

    await Promise.all(relays.splice(0).map((x) => x.stop()));
    await env.admin.query(`UPDATE ${env.schema}.outbox SET sent_at = now() WHERE id = ANY($1)`, [ids]); // do not disturb later tests
    const { connect } = await import('amqplib');
    const connection = await connect(env.amqpUrl);
    const channel = await connection.createChannel();
    await channel.deleteExchange(`${env.prefix}.unbound`);
    await connection.close();
  });

  it('when scraped, then backlog and the age of the oldest unsent event are reported', async () => {
    const registry = new Registry();
    const r = relay({ registry, amqpUrl: 'amqp://guest:guest@127.0.0.1:1' }); // never connects: rows stay unsent
    const ids = await enqueue(env.pool, 3);
    await delay(1_100);
    const text = await registry.metrics();
    const backlog = Number(/^orderly_outbox_backlog (\d+)/m.exec(text)?.[1]);
    const age = Number(/^orderly_outbox_oldest_unsent_age_seconds ([\d.]+)/m.exec(text)?.[1]);
    expect(backlog).toBeGreaterThanOrEqual(3);
    expect(age).toBeGreaterThanOrEqual(1);
    expect(r.isHealthy()).toBe(false);
    await r.stop();
    relays.splice(0);
    relay();
    await waitFor(received(ids), 5_000, 'the events');
  });

  it('when stopped during a batch, then that batch is finished and marked before stop resolves', async () => {
    const r = relay({ batchSize: 500 });
    await delay(200);
    const ids = await enqueue(env.pool, 300);
    r.wake();
    await delay(30);
    await r.stop();
    relays.splice(0);
    const { rows } = await env.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${env.schema}.outbox WHERE id = ANY($1) AND sent_at IS NOT NULL`,
      [ids],
    );
    const sent = rows[0]!.n;
    await delay(300);
    const published = ids.filter((id) => tap.countsById().has(id)).length;
    expect(sent).toBeGreaterThan(0);
    expect(published).toBe(sent); // everything marked was published, everything published was marked
    relay();
    await waitFor(received(ids), 10_000, 'the rest');
  });
});
