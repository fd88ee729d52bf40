import pino from 'pino';
import { orderBody, startOrdersForTest, type OrdersTestContext, type TestUser } from '../../test/orders-harness.ts';
import { startIdempotencyKeyCleanup } from './idempotency-cleanup.ts';

let ctx: OrdersTestContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = await startOrdersForTest({ env: { DATABASE_POOL_MAX: '10' } });
  alice = await ctx.newUser();
});
afterAll(() => ctx.close());

const place = (body: unknown, key: string | undefined, user: TestUser = alice) =>
  ctx.http('POST', '/v1/orders', { token: user.token, body, headers: key === undefined ? {} : { 'idempotency-key': key } });

async function countFor(userId: string) {
  const { rows } = await ctx.admin.query(
    `SELECT (SELECT count(*) FROM orders.orders WHERE user_id = $1)::int AS orders,
            (SELECT count(*) FROM orders.outbox WHERE payload->'data'->'order'->>'userId' = $1::text)::int AS events`,
    [userId],
  );
  return rows[0] as { orders: number; events: number };
}

let n = 0;
const newKey = () => `key-${Date.now()}-${++n}`;

describe('POST /v1/orders with an Idempotency-Key', () => {
  it('when 20 identical requests race with one key, then one order and one event exist and all 20 get its 201 body', async () => {
    const user = await ctx.newUser();
    const key = newKey();
    const responses = await Promise.all(Array.from({ length: 20 }, () => place(orderBody(), key, user)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    const bodies = new Set(responses.map((r) => r.body));
    expect(bodies.size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(await countFor(user.id)).toEqual({ orders: 1, events: 1 });
  });

  it('when requests with one key but two bodies race, then one order exists and the other body gets 422', async () => {
    const user = await ctx.newUser();
    const key = newKey();
    const other = orderBody({ currency: 'USD' });
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => place(i % 2 ? other : orderBody(), key, user)));
    const created = responses.filter((r) => r.statusCode === 201);
    const refused = responses.filter((r) => r.statusCode === 422);
    expect(created.length + refused.length).toBe(10);
    expect(new Set(created.map((r) => r.json().id)).size).toBe(1);
    expect(new Set(created.map((r) => r.json().currency)).size).toBe(1);
    expect(refused).toHaveLength(5);
    expect(await countFor(user.id)).toEqual({ orders: 1, events: 1 });
  });

  it('when a key is repeated later with the same body, then the original status and body come back and nothing new is created', async () => {
    const key = newKey();
    const first = await place(orderBody(), key);
    const before = await countFor(alice.id);
    const again = await place({ currency: 'EUR', items: orderBody().items }, key);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await countFor(alice.id)).toEqual(before);
  });

  it('when the order changed since, then the replay still returns the original response', async () => {
    const key = newKey();
    const first = await place(orderBody(), key);
    await ctx.http('POST', `/v1/orders/${first.json().id}/cancel`, { token: alice.token });
    const again = await place(orderBody(), key);
    expect(again.json()).toEqual(first.json());
  });

  it('when a key is reused with a different body, then it answers a 422 problem and creates nothing', async () => {
    const key = newKey();
    await place(orderBody(), key);
    const before = await countFor(alice.id);
    const res = await place(orderBody({ items: [{ sku: 'OTHER', quantity: 1, unitPriceCents: 1 }] }), key);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 422, type: expect.stringContaining('idempotency-key-reused') });
    expect(await countFor(alice.id)).toEqual(before);
  });

  it('when another user sends the same key, then it is a different key', async () => {
    const key = newKey();
    const bob = await ctx.newUser();
    const mine = await place(orderBody(), key);
    const theirs = await place(orderBody(), key, bob);
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(mine.json().id);
    expect(theirs.json().userId).toBe(bob.id);
  });

  it('when no key is sent, then every request creates an order', async () => {
    const before = await countFor(alice.id);
    await place(orderBody(), undefined);
    await place(orderBody(), undefined);
    expect((await countFor(alice.id)).orders).toBe(before.orders + 2);
  });

  it.each([
    ['empty', ''],
    ['256 characters long', 'k'.repeat(256)],
    ['holding a control character', 'abc\tdef'],
  ])('when the key is %s, then it answers 400 and creates nothing', async (_case, key) => {
    const before = await countFor(alice.id);
    const res = await place(orderBody(), key);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: '/headers/idempotency-key' })]);
    expect(await countFor(alice.id)).toEqual(before);
  });

  it('when the key is 255 printable characters, then it is accepted', async () => {
    expect((await place(orderBody(), `${'k'.repeat(250)} ~!@#`)).statusCode).toBe(201);
  });

  it('when a key is stored, then it is kept for at least 24 hours', async () => {
    const key = newKey();
    await place(orderBody(), key);
    const { rows } = await ctx.admin.query(
      'SELECT extract(epoch FROM expires_at - created_at)::int AS kept FROM orders.idempotency_keys WHERE user_id = $1 AND key = $2',
      [alice.id, key],
    );
    expect(rows[0].kept).toBeGreaterThanOrEqual(24 * 3600);
  });

  it('when a key has expired, then it may be used again for a new order', async () => {
    const key = newKey();
    const first = await place(orderBody(), key);
    await ctx.admin.query("UPDATE orders.idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1", [key]);
    const second = await place(orderBody({ currency: 'GBP' }), key);
    expect(second.statusCode).toBe(201);
    expect(second.json().id).not.toBe(first.json().id);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
  });

  it('when the cleanup runs by itself, then it deletes expired keys only', async () => {
    const [expired, live] = [newKey(), newKey()];
    await place(orderBody(), expired);
    await place(orderBody(), live);
    await ctx.admin.query("UPDATE orders.idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key = $1", [expired]);
    const cleanup = startIdempotencyKeyCleanup({ pool: ctx.deps.pool, intervalMs: 50, logger: pino({ level: 'silent' }), batchSize: 2 });
    try {
      await waitFor(async () => (await keysNamed([expired, live])).length === 1);
    } finally {
      await cleanup.stop();
    }
    expect(await keysNamed([expired, live])).toEqual([live]);
  });
});

async function keysNamed(keys: string[]): Promise<string[]> {
  const { rows } = await ctx.admin.query('SELECT key FROM orders.idempotency_keys WHERE key = ANY($1)', [keys]);
  return rows.map((r) => r.key as string);
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
