// Harness for this library's tests: a test database with a service role whose schema holds the
// outbox and inbox tables (applied from sql/*.sql, as a service migration would), a unique
// exchange/queue prefix, and a tap queue that records everything published on the test exchange.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import pino, { type Logger } from 'pino';
import { createPool, type Pool } from '@orderly/postgres';
import { createTestDatabase, testInfra, uniqueTestName, type TestDatabase } from '@orderly/testing';

export const SQL_DIR = path.join(__dirname, '..', 'sql');
export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

export interface MessagingTestEnv {
  db: TestDatabase;
  schema: string;
  roleUrl: string;
  postgresAdminUrl: string;
  amqpUrl: string;
  /** Pool of the service role (search_path = the test schema). */
  pool: Pool;
  /** Administrator pool on the test database. */
  admin: Pool;
  /** `test_xxxxxxxx`: prefix of every queue and exchange of this file. */
  prefix: string;
  exchange: string;
  logger: Logger;
  newPool(url?: string): Pool;
  /** Deletes the given queues (and the test exchange) at cleanup. */
  trackQueues(...names: string[]): void;
  cleanup(): Promise<void>;
}

export async function setupMessagingTest(): Promise<MessagingTestEnv> {
  const infra = await testInfra();
  const db = await createTestDatabase();
  const schema = 'svc';
  const { url: roleUrl } = await db.createServiceRole(schema);
  const pools: Pool[] = [];
  const newPool = (url = roleUrl) => {
    const pool = createPool({ connectionString: url, applicationName: 'messaging-test', max: 8, onError: () => undefined });
    pools.push(pool);
    return pool;
  };
  const pool = newPool();
  for (const file of ['outbox.sql', 'inbox.sql']) await pool.query(await readFile(path.join(SQL_DIR, file), 'utf8'));
  await pool.query(`CREATE TABLE effects (event_id uuid NOT NULL, subject text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);

  const prefix = uniqueTestName();
  const exchange = `${prefix}.events`;
  const queues = new Set<string>();
  return {
    db,
    schema,
    roleUrl,
    postgresAdminUrl: infra.postgresAdminUrl,
    amqpUrl: infra.amqpUrl,
    pool,
    admin: db.adminPool(),
    prefix,
    exchange,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    newPool,
    trackQueues: (...names) => names.forEach((n) => queues.add(n)),
    async cleanup() {
      const connection = await connect(infra.amqpUrl);
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      for (const name of queues) await channel.deleteQueue(name).catch(() => undefined);
      await channel.deleteExchange(exchange).catch(() => undefined);
      await connection.close().catch(() => undefined);
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
      await db.drop();
    },
  };
}

export interface TappedMessage {
  id: string;
  type: string;
  subject: string;
  routingKey: string;
  properties: ConsumeMessage['properties'];
  body: Record<string, unknown>;
}

export interface Tap {
  messages: TappedMessage[];
  /** How many times each event id arrived. */
  countsById(): Map<string, number>;
  close(): Promise<void>;
}

/** A queue bound to every routing key of `exchange`, recording what arrives. */
export async function tapExchange(env: MessagingTestEnv, name = 'tap'): Promise<Tap> {
  const connection: ChannelModel = await connect(env.amqpUrl);
  const channel = await connection.createChannel();
  const queue = `${env.prefix}.${name}`;
  env.trackQueues(queue);
  await channel.assertExchange(env.exchange, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: false });
  await channel.bindQueue(queue, env.exchange, '#');
  const messages: TappedMessage[] = [];
  await channel.consume(queue, (message) => {
    if (!message) return;
    const body = JSON.parse(message.content.toString()) as Record<string, unknown>;
    messages.push({
      id: String(body.id),
      type: String(body.type),
      subject: String(body.subject),
      routingKey: message.fields.routingKey,
      properties: message.properties,
      body,
    });
    channel.ack(message);
  });
  return {
    messages,
    countsById() {
      const counts = new Map<string, number>();
      for (const m of messages) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
      return counts;
    },
    close: () => connection.close().catch(() => undefined),
  };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(25);
  }
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RawPublisher {
  /** Publishes a CloudEvent (or any body) to the test exchange with a broker confirm. */
  publish(routingKey: string, body: unknown, messageId?: string): Promise<void>;
  close(): Promise<void>;
}

export async function rawPublisher(env: MessagingTestEnv): Promise<RawPublisher> {
  const connection = await connect(env.amqpUrl);
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(env.exchange, 'topic', { durable: true });
  return {
    async publish(routingKey, body, messageId) {
      const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const id = messageId ?? (body && typeof body === 'object' && 'id' in body ? String(body.id) : undefined);
      channel.publish(env.exchange, routingKey, content, {
        persistent: true,
        contentType: 'application/cloudevents+json',
        ...(id ? { messageId: id } : {}),
      });
      await channel.waitForConfirms();
    },
    close: () => connection.close().catch(() => undefined),
  };
}

/** Counts rows of the test effects table for an event id. */
export async function effectCount(env: MessagingTestEnv, eventId: string): Promise<number> {
  const { rows } = await env.admin.query(`SELECT count(*)::int AS n FROM ${env.schema}.effects WHERE event_id = $1`, [eventId]);
  return rows[0].n;
}
