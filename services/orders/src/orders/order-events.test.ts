/**
 * The events of orders as consumers receive them: a test queue bound to a test exchange, fed by the
 * real outbox relay from this service's outbox.
 */
import { parseEventMessage, openSession, startOutboxRelay, type AmqpSession, type OutboxRelay } from '@orderly/messaging';
import { testInfra, uniqueTestName } from '@orderly/testing';
import pino from 'pino';
import { orderBody, startOrdersForTest, type OrdersTestContext, type TestUser } from '../../test/orders-harness.ts';

const logger = pino({ level: 'silent' });
const exchange = uniqueTestName('orderly_events_test');
const queue = `${exchange}.orders`;
const QUIET_MS = 400;

let ctx: OrdersTestContext;
let session: AmqpSession;
let relay: OutboxRelay;
let admin: TestUser;
let alice: TestUser;

interface Received {
  routingKey: string;
  messageId: string | undefined;
  contentType: string | undefined;
  event: { id: string; type: string; subject: string; correlationid?: string; data: Record<string, unknown> } & Record<string, unknown>;
}

beforeAll(async () => {
  const { amqpUrl } = await testInfra();
  ctx = await startOrdersForTest();
  [admin, alice] = [await ctx.newUser({ admin: true }), await ctx.newUser()];
  session = await openSession(amqpUrl, { logger, name: 'orders-events-test' });
  await session.channel.assertExchange(exchange, 'topic', { durable: true });
  await session.channel.assertQueue(queue, { durable: false, exclusive: true });
  await session.channel.bindQueue(queue, exchange, 'orderly.order.#');
  relay = startOutboxRelay({ pool: ctx.deps.pool, amqpUrl, exchange, logger, pollIntervalMs: 100 });
});

afterAll(async () => {
  await relay.stop();
  await session.channel.deleteQueue(queue);
  await session.channel.deleteExchange(exchange);
  await session.close();
  await ctx.close();
});

/** Waits for exactly `count` events, then makes sure no other arrives for a while. */
async function receive(count: number): Promise<Received[]> {
  const received: Received[] = [];
  const deadline = Date.now() + 10_000;
  let quietSince = Date.now();
  while (received.length < count ? Date.now() < deadline : Date.now() - quietSince < QUIET_MS) {
    const message = await session.channel.get(queue, { noAck: true });
    if (!message) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      continue;
    }
    const parsed = parseEventMessage(message.content);
    if (!parsed.ok) throw new Error(`invalid event: ${parsed.errors.join('; ')}`);
    received.push({
      routingKey: message.fields.routingKey,
      messageId: message.properties.messageId as string | undefined,
      contentType: message.properties.contentType as string | undefined,
      event: parsed.event as unknown as Received['event'],
    });
    quietSince = Date.now();
  }
  expect(received).toHaveLength(count);
  return received;
}

const place = (body: unknown = orderBody(), headers: Record<string, string> = {}) =>
  ctx.http('POST', '/v1/orders', { token: alice.token, body, headers });
const patch = (id: string, status: string) => ctx.http('PATCH', `/v1/orders/${id}/status`, { token: admin.token, body: { status } });

describe('order events', () => {
  it('when an order is created, then exactly one order.created carries the whole order and the request id', async () => {
    const res = await place(orderBody(), { 'x-request-id': 'req-create-1' });
    const order = res.json();
    const [message] = await receive(1);
    expect(message!.routingKey).toBe('orderly.order.created.v1');
    expect(message!.messageId).toBe(message!.event.id);
    expect(message!.contentType).toBe('application/cloudevents+json');
    expect(message!.event).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      source: '/orders',
      type: 'orderly.order.created.v1',
      time: expect.any(String),
      datacontenttype: 'application/json',
      subject: order.id,
      dataschema: expect.stringContaining('orderly.order.created.v1'),
      correlationid: 'req-create-1',
      data: { order },
    });
  });

  it('when an order moves through its lifecycle, then each move emits exactly one status_changed, in order', async () => {
    const order = (await place({ items: [{ sku: 'X', quantity: 3, unitPriceCents: 700 }], currency: 'SEK' })).json();
    for (const status of ['confirmed', 'shipped', 'delivered']) expect((await patch(order.id, status)).statusCode).toBe(200);
    const messages = await receive(4);
    expect(messages.map((m) => m.routingKey)).toEqual(['orderly.order.created.v1', ...Array(3).fill('orderly.order.status_changed.v1')]);
    expect(messages.slice(1).map((m) => m.event.data)).toEqual([
      { orderId: order.id, userId: alice.id, from: 'pending', to: 'confirmed', totalCents: 2100, currency: 'SEK' },
      { orderId: order.id, userId: alice.id, from: 'confirmed', to: 'shipped', totalCents: 2100, currency: 'SEK' },
      { orderId: order.id, userId: alice.id, from: 'shipped', to: 'delivered', totalCents: 2100, currency: 'SEK' },
    ]);
    expect(new Set(messages.map((m) => m.event.subject))).toEqual(new Set([order.id]));
  });

  it('when an order is cancelled, then one status_changed to cancelled is emitted with the request id', async () => {
    const order = (await place()).json();
    await receive(1);
    const res = await ctx.http('POST', `/v1/orders/${order.id}/cancel`, { token: alice.token, headers: { 'x-request-id': 'req-cancel-1' } });
    expect(res.statusCode).toBe(200);
    const [message] = await receive(1);
    expect(message!.event).toMatchObject({
      type: 'orderly.order.status_changed.v1',
      subject: order.id,
      correlationid: 'req-cancel-1',
      data: { orderId: order.id, userId: alice.id, from: 'pending', to: 'cancelled', totalCents: order.totalCents, currency: 'EUR' },
    });
  });

  it('when requests are refused or replayed, then nothing is emitted', async () => {
    const order = (await place(orderBody(), { 'idempotency-key': 'events-once' })).json();
    await receive(1);
    expect((await place(orderBody(), { 'idempotency-key': 'events-once' })).statusCode).toBe(201);
    expect((await place(orderBody({ currency: 'USD' }), { 'idempotency-key': 'events-once' })).statusCode).toBe(422);
    expect((await place({ items: [] })).statusCode).toBe(400);
    expect((await patch(order.id, 'shipped')).statusCode).toBe(409);
    expect((await ctx.http('POST', `/v1/orders/${order.id}/cancel`, { token: (await ctx.newUser()).token })).statusCode).toBe(404);
    await receive(0);
  });
});
