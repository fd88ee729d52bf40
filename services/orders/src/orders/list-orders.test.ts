import { orderBody, startOrdersForTest, type OrdersTestContext, type TestUser } from '../../test/orders-harness.ts';

let ctx: OrdersTestContext;
let admin: TestUser;

beforeAll(async () => {
  ctx = await startOrdersForTest();
  admin = await ctx.newUser({ admin: true });
});
afterAll(() => ctx.close());

interface OrderJson {
  id: string;
  userId: string;
  status: string;
  createdAt: string;
}

async function placeOrders(user: TestUser, count: number): Promise<OrderJson[]> {
  const orders: OrderJson[] = [];
  for (let i = 0; i < count; i++) {
    const res = await ctx.http('POST', '/v1/orders', { token: user.token, body: orderBody() });
    expect(res.statusCode).toBe(201);
    orders.push(res.json());
  }
  return orders;
}

const list = (token: string, query = '') => ctx.http('GET', `/v1/orders${query}`, { token });
const ids = (orders: { id: string }[]) => orders.map((o) => o.id);
const newestFirst = (orders: OrderJson[]) =>
  [...orders].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));

async function allPages(token: string, query: string, between?: () => Promise<void>): Promise<OrderJson[]> {
  const seen: OrderJson[] = [];
  let cursor: string | null = null;
  do {
    const res = await list(token, `${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode).toBe(200);
    seen.push(...res.json().items);
    cursor = res.json().nextCursor;
    await between?.();
  } while (cursor);
  return seen;
}

describe('GET /v1/orders', () => {
  it("when a customer lists, then they get only their own orders, newest first, in the page shape", async () => {
    const [alice, bob] = [await ctx.newUser(), await ctx.newUser()];
    const mine = await placeOrders(alice, 3);
    await placeOrders(bob, 2);
    const res = await list(alice.token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: newestFirst(mine), nextCursor: null });
  });

  it('when no limit is given, then a page holds 20 orders', async () => {
    const user = await ctx.newUser();
    await placeOrders(user, 21);
    const page = (await list(user.token)).json();
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('when paging while new orders arrive, then every order that existed is seen exactly once, in order', async () => {
    const user = await ctx.newUser();
    const existing = await placeOrders(user, 12);
    const seen = await allPages(user.token, '?limit=5', async () => {
      await placeOrders(user, 2);
    });
    expect(ids(seen)).toEqual(ids(newestFirst(existing)));
  });

  it('when orders share a creation millisecond, then the id breaks the tie and no page repeats or skips one', async () => {
    const user = await ctx.newUser();
    const orders = await placeOrders(user, 6);
    await ctx.admin.query("UPDATE orders.orders SET created_at = '2026-01-01T00:00:00.000Z' WHERE user_id = $1", [user.id]);
    const seen = await allPages(user.token, '?limit=2');
    expect(ids(seen)).toEqual(ids(orders).sort().reverse());
  });

  it('when filtered by status, then only orders in that status come back', async () => {
    const user = await ctx.newUser();
    const [a, b, c] = await placeOrders(user, 3);
    await ctx.http('POST', `/v1/orders/${b!.id}/cancel`, { token: user.token });
    await ctx.http('PATCH', `/v1/orders/${c!.id}/status`, { token: admin.token, body: { status: 'confirmed' } });
    expect(ids((await list(user.token, '?status=cancelled')).json().items)).toEqual([b!.id]);
    expect(ids((await list(user.token, '?status=pending')).json().items)).toEqual([a!.id]);
    expect(ids((await list(user.token, '?status=delivered')).json().items)).toEqual([]);
  });

  it('when an admin lists, then they see every user, and ?userId= narrows to one user', async () => {
    const [alice, bob] = [await ctx.newUser(), await ctx.newUser()];
    const [aliceOrders, bobOrders] = [await placeOrders(alice, 2), await placeOrders(bob, 2)];
    const everything = await allPages(admin.token, '?limit=100');
    expect(ids(everything)).toEqual(expect.arrayContaining([...ids(aliceOrders), ...ids(bobOrders)]));
    expect(new Set(everything.map((o) => o.userId)).size).toBeGreaterThan(2);
    const bobs = (await list(admin.token, `?userId=${bob.id}`)).json();
    expect(bobs.items).toEqual(newestFirst(bobOrders));
    const bobsCancelled = (await list(admin.token, `?userId=${bob.id}&status=cancelled`)).json();
    expect(bobsCancelled.items).toEqual([]);
  });

  it("when a customer asks for another user's orders, then it answers 403; their own id is fine", async () => {
    const [alice, bob] = [await ctx.newUser(), await ctx.newUser()];
    const res = await list(alice.token, `?userId=${bob.id}`);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await list(alice.token, `?userId=${alice.id}`)).statusCode).toBe(200);
  });

  it.each([
    ['limit=0', '/querystring/limit'],
    ['limit=101', '/querystring/limit'],
    ['limit=abc', '/querystring/limit'],
    ['limit=1.5', '/querystring/limit'],
    ['status=lost', '/querystring/status'],
    ['userId=not-a-uuid', '/querystring/userId'],
    ['sort=asc', '/querystring/sort'],
  ])('when the query has %s, then it answers a 400 problem naming it', async (query, path) => {
    const user = await ctx.newUser();
    const res = await list(user.token, `?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it.each(['garbage', Buffer.from('["2026-01-01T00:00:00.000Z","x"]').toString('base64url'), 'x'.repeat(201)])(
    'when the cursor is malformed (%#), then it answers a 400 problem',
    async (cursor) => {
      const user = await ctx.newUser();
      const res = await list(user.token, `?cursor=${cursor}`);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    },
  );

  it('when no token is sent, then it answers 401', async () => {
    expect((await ctx.http('GET', '/v1/orders')).statusCode).toBe(401);
  });
});

describe('orders list indexes', () => {
  it.each([
    ['a customer page', "user_id = '00000000-0000-7000-8000-000000000001'", 'orders_user_created_idx'],
    ['an admin page', 'true', 'orders_created_idx'],
    ['an admin page by status', "status = 'pending'", 'orders_status_created_idx'],
  ])('when %s after a cursor is planned, then an index serves order and cursor', async (_case, condition, index) => {
    const client = await ctx.admin.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_sort = off');
      const { rows } = await client.query(
        `EXPLAIN SELECT id FROM orders.orders o WHERE ${condition}
           AND (o.created_at, o.id) < ('2026-01-01T00:00:00.000Z'::timestamptz, '00000000-0000-7000-8000-000000000001'::uuid)
         ORDER BY o.created_at DESC, o.id DESC LIMIT 21`,
      );
      const plan = rows.map((r) => r['QUERY PLAN'] as string).join('\n');
      expect(plan).toContain(index);
      expect(plan).toMatch(/Index Cond: .*created_at, o?\.?id\) < /);
      expect(plan).not.toContain('Sort');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
