import { orderBody, startOrdersForTest, type OrdersTestContext, type TestUser } from '../../test/orders-harness.ts';

let ctx: OrdersTestContext;
let admin: TestUser;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  ctx = await startOrdersForTest();
  [admin, alice, bob] = [await ctx.newUser({ admin: true }), await ctx.newUser(), await ctx.newUser()];
});
afterAll(() => ctx.close());

async function newOrder(user = alice): Promise<{ id: string; status: string; updatedAt: string; totalCents: number }> {
  const res = await ctx.http('POST', '/v1/orders', { token: user.token, body: orderBody() });
  expect(res.statusCode).toBe(201);
  return res.json();
}

const get = (id: string, token: string) => ctx.http('GET', `/v1/orders/${id}`, { token });
const cancel = (id: string, token: string) => ctx.http('POST', `/v1/orders/${id}/cancel`, { token });
const patch = (id: string, status: unknown, token = admin.token) => ctx.http('PATCH', `/v1/orders/${id}/status`, { token, body: { status } });

async function moveTo(id: string, path: string[]): Promise<void> {
  for (const status of path) expect((await patch(id, status)).statusCode).toBe(200);
}

async function statusEvents(orderId: string): Promise<Array<{ from: string; to: string }>> {
  const { rows } = await ctx.admin.query(
    "SELECT payload->'data' AS data FROM orders.outbox WHERE subject = $1 AND type = 'orderly.order.status_changed.v1' ORDER BY position",
    [orderId],
  );
  return rows.map((r) => ({ from: r.data.from, to: r.data.to }));
}

describe('GET /v1/orders/:id', () => {
  it('when the owner or an admin asks, then it answers 200 with the order', async () => {
    const order = await newOrder();
    for (const token of [alice.token, admin.token]) {
      const res = await get(order.id, token);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(order);
    }
  });

  it("when another customer asks, or the order does not exist, then it answers the same 404", async () => {
    const order = await newOrder();
    const foreign = await get(order.id, bob.token);
    const missing = await get('0195a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b', bob.token);
    expect([foreign.statusCode, missing.statusCode]).toEqual([404, 404]);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    const { requestId: _a, instance: _b, ...foreignProblem } = foreign.json();
    const { requestId: _c, instance: _d, ...missingProblem } = missing.json();
    expect(foreignProblem).toEqual(missingProblem);
  });

  it('when the id is not a UUID, then it answers 400; without a token, 401', async () => {
    expect((await get('42', alice.token)).statusCode).toBe(400);
    expect((await ctx.http('GET', '/v1/orders/0195a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b')).statusCode).toBe(401);
  });
});

describe('POST /v1/orders/:id/cancel', () => {
  it.each([[[]], [['confirmed']]])('when the owner cancels an order after %j, then it answers 200 cancelled and emits one event', async (path) => {
    const order = await newOrder();
    await moveTo(order.id, path);
    const from = path.at(-1) ?? 'pending';
    const res = await cancel(order.id, alice.token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: order.id, status: 'cancelled', totalCents: order.totalCents });
    expect(res.json().updatedAt > order.updatedAt).toBe(true);
    expect((await statusEvents(order.id)).at(-1)).toEqual({ from, to: 'cancelled' });
  });

  it('when an admin cancels a customer order, then it answers 200', async () => {
    const order = await newOrder();
    expect((await cancel(order.id, admin.token)).json().status).toBe('cancelled');
  });

  it.each([[['confirmed', 'shipped'], 'shipped'], [['confirmed', 'shipped', 'delivered'], 'delivered']])(
    'when the order went through %j, then cancelling is a 409 naming %s and changes nothing',
    async (path, current) => {
      const order = await newOrder();
      await moveTo(order.id, path);
      const res = await cancel(order.id, alice.token);
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 409, type: expect.stringContaining('order-not-cancellable') });
      expect(res.json().detail).toContain(current);
      expect((await get(order.id, alice.token)).json().status).toBe(current);
      expect(await statusEvents(order.id)).toHaveLength(path.length);
    },
  );

  it('when an order is cancelled twice, then the second is a 409 naming cancelled', async () => {
    const order = await newOrder();
    await cancel(order.id, alice.token);
    const again = await cancel(order.id, alice.token);
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain('cancelled');
    expect(await statusEvents(order.id)).toHaveLength(1);
  });

  it("when a customer cancels someone else's order, then it answers 404 and nothing changes", async () => {
    const order = await newOrder();
    expect((await cancel(order.id, bob.token)).statusCode).toBe(404);
    expect((await get(order.id, alice.token)).json().status).toBe('pending');
    expect(await statusEvents(order.id)).toEqual([]);
  });
});

describe('PATCH /v1/orders/:id/status', () => {
  it('when an admin moves an order through its lifecycle, then each step answers 200 and emits one event', async () => {
    const order = await newOrder();
    for (const status of ['confirmed', 'shipped', 'delivered']) {
      const res = await patch(order.id, status);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: order.id, status });
    }
    expect(await statusEvents(order.id)).toEqual([
      { from: 'pending', to: 'confirmed' },
      { from: 'confirmed', to: 'shipped' },
      { from: 'shipped', to: 'delivered' },
    ]);
  });

  it.each([
    [[], 'shipped', 'pending'],
    [[], 'delivered', 'pending'],
    [[], 'pending', 'pending'],
    [['confirmed'], 'pending', 'confirmed'],
    [['confirmed'], 'delivered', 'confirmed'],
    [['confirmed', 'shipped'], 'confirmed', 'shipped'],
    [['confirmed', 'shipped'], 'cancelled', 'shipped'],
    [['confirmed', 'shipped', 'delivered'], 'shipped', 'delivered'],
  ])('when the order went through %j and is moved to %s, then it is a 409 naming %s', async (path, to, current) => {
    const order = await newOrder();
    await moveTo(order.id, path);
    const res = await patch(order.id, to);
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toContain(`The order is ${current}`);
    expect(await statusEvents(order.id)).toHaveLength(path.length);
  });

  it('when an admin sets a pending order to cancelled, then it is the same legal move as /cancel', async () => {
    const order = await newOrder();
    expect((await patch(order.id, 'cancelled')).json().status).toBe('cancelled');
    expect(await statusEvents(order.id)).toEqual([{ from: 'pending', to: 'cancelled' }]);
  });

  it('when a cancelled order is moved anywhere, then it is a 409', async () => {
    const order = await newOrder();
    await cancel(order.id, alice.token);
    for (const to of ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled']) {
      expect((await patch(order.id, to)).statusCode).toBe(409);
    }
  });

  it('when a customer calls it, even on their own order, then it answers 403 and nothing changes', async () => {
    const order = await newOrder();
    const res = await patch(order.id, 'confirmed', alice.token);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await get(order.id, alice.token)).json().status).toBe('pending');
  });

  it('when a customer calls it with an invalid body, then the answer is still 403', async () => {
    const order = await newOrder();
    expect((await ctx.http('PATCH', `/v1/orders/${order.id}/status`, { token: alice.token, body: { status: 'lost' } })).statusCode).toBe(403);
  });

  it('when the order does not exist, then it answers 404', async () => {
    expect((await patch('0195a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b', 'confirmed')).statusCode).toBe(404);
  });

  it.each([
    ['an unknown status', { status: 'lost' }, '/body/status'],
    ['no status', {}, '/body/status'],
    ['an unknown field', { status: 'confirmed', note: 'x' }, '/body/note'],
    ['a number', { status: 1 }, '/body/status'],
  ])('when the body has %s, then it answers a 400 problem and changes nothing', async (_case, body, path) => {
    const order = await newOrder();
    const res = await ctx.http('PATCH', `/v1/orders/${order.id}/status`, { token: admin.token, body });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(await statusEvents(order.id)).toEqual([]);
  });

  it('when ten admins confirm one order at once, then exactly one wins and one event is emitted', async () => {
    const order = await newOrder();
    const results = await Promise.all(Array.from({ length: 10 }, () => patch(order.id, 'confirmed')));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(9);
    expect(await statusEvents(order.id)).toEqual([{ from: 'pending', to: 'confirmed' }]);
  });

  it('when a cancel and a ship race on a confirmed order, then the loser sees the winner’s status', async () => {
    const order = await newOrder();
    await moveTo(order.id, ['confirmed']);
    const [cancelled, shipped] = await Promise.all([cancel(order.id, alice.token), patch(order.id, 'shipped')]);
    expect([cancelled.statusCode, shipped.statusCode].sort()).toEqual([200, 409]);
    const events = await statusEvents(order.id);
    expect(events).toHaveLength(2);
    expect(events[1]!.from).toBe('confirmed');
  });
});
