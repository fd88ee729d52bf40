import { orderBody, startOrdersForTest, type OrdersTestContext, type TestUser } from '../../test/orders-harness.ts';

let ctx: OrdersTestContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = await startOrdersForTest();
  alice = await ctx.newUser();
});
afterAll(() => ctx.close());

const count = async (table: string) => Number((await ctx.admin.query(`SELECT count(*) AS n FROM orders.${table}`)).rows[0].n);
const place = (body: unknown, token = alice.token, headers: Record<string, string> = {}) =>
  ctx.http('POST', '/v1/orders', { token, body, headers });

describe('POST /v1/orders', () => {
  it('when the order is valid, then it answers 201 with the pending order, its exact total and an order.created event', async () => {
    const res = await place(orderBody());
    expect(res.statusCode).toBe(201);
    const order = res.json();
    expect(order).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/),
      userId: alice.id,
      status: 'pending',
      items: [
        { sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 },
        { sku: 'PEN-7', quantity: 1, unitPriceCents: 199 },
      ],
      totalCents: 2699,
      currency: 'EUR',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      updatedAt: order.createdAt,
    });
    const { rows } = await ctx.admin.query('SELECT type, payload FROM orders.outbox WHERE subject = $1', [order.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].type).toBe('orderly.order.created.v1');
    expect(rows[0].payload).toMatchObject({ source: '/orders', subject: order.id, correlationid: res.headers['x-request-id'], data: { order } });
  });

  it('when the order is the largest SPEC allows (100 × 10 000 × 10^9), then its total is exactly 10^15', async () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ sku: `MAX-${i}`, quantity: 10_000, unitPriceCents: 1_000_000_000 }));
    const res = await place({ items, currency: 'JPY' });
    expect(res.statusCode).toBe(201);
    expect(res.body).toContain('"totalCents":1000000000000000');
    expect(res.json().totalCents).toBe(1_000_000_000_000_000);
    const { rows } = await ctx.admin.query('SELECT total_cents::text AS total FROM orders.orders WHERE id = $1', [res.json().id]);
    expect(rows[0].total).toBe('1000000000000000');
  });

  it('when prices are zero, then the total is zero', async () => {
    const res = await place({ items: [{ sku: 'FREE', quantity: 3, unitPriceCents: 0 }], currency: 'USD' });
    expect(res.statusCode).toBe(201);
    expect(res.json().totalCents).toBe(0);
  });

  it('when SKUs are printable Unicode and at the limits, then they are kept as sent', async () => {
    const items = [{ sku: 'x'.repeat(64), quantity: 10_000, unitPriceCents: 1_000_000_000 }, { sku: 'Café-Ünïcode 1', quantity: 1, unitPriceCents: 1 }];
    const res = await place({ items, currency: 'EUR' });
    expect(res.statusCode).toBe(201);
    expect(res.json().items).toEqual(items);
  });

  const item = { sku: 'A', quantity: 1, unitPriceCents: 100 };
  it.each([
    ['no items', { items: [], currency: 'EUR' }, '/body/items'],
    ['101 items', { items: Array.from({ length: 101 }, () => item), currency: 'EUR' }, '/body/items'],
    ['a negative quantity', { items: [{ ...item, quantity: -1 }], currency: 'EUR' }, '/body/items/0/quantity'],
    ['a zero quantity', { items: [{ ...item, quantity: 0 }], currency: 'EUR' }, '/body/items/0/quantity'],
    ['a quantity over 10 000', { items: [{ ...item, quantity: 10_001 }], currency: 'EUR' }, '/body/items/0/quantity'],
    ['a fractional quantity', { items: [{ ...item, quantity: 1.5 }], currency: 'EUR' }, '/body/items/0/quantity'],
    ['a negative price', { items: [{ ...item, unitPriceCents: -1 }], currency: 'EUR' }, '/body/items/0/unitPriceCents'],
    ['a fractional price', { items: [{ ...item, unitPriceCents: 9.99 }], currency: 'EUR' }, '/body/items/0/unitPriceCents'],
    ['a price over 10^9', { items: [{ ...item, unitPriceCents: 1_000_000_001 }], currency: 'EUR' }, '/body/items/0/unitPriceCents'],
    ['a string quantity', { items: [{ ...item, quantity: '2' }], currency: 'EUR' }, '/body/items/0/quantity'],
    ['a string price', { items: [{ ...item, unitPriceCents: '100' }], currency: 'EUR' }, '/body/items/0/unitPriceCents'],
    ['a null price', { items: [{ ...item, unitPriceCents: null }], currency: 'EUR' }, '/body/items/0/unitPriceCents'],
    ['an empty SKU', { items: [{ ...item, sku: '' }], currency: 'EUR' }, '/body/items/0/sku'],
    ['a 65-character SKU', { items: [{ ...item, sku: 'x'.repeat(65) }], currency: 'EUR' }, '/body/items/0/sku'],
    ['a SKU with a control character', { items: [{ ...item, sku: 'A\nB' }], currency: 'EUR' }, '/body/items/0/sku'],
    ['a numeric SKU', { items: [{ ...item, sku: 42 }], currency: 'EUR' }, '/body/items/0/sku'],
    ['an unknown item field', { items: [{ ...item, discountCents: 5 }], currency: 'EUR' }, '/body/items/0/discountCents'],
    ['an unknown top-level field', { items: [item], currency: 'EUR', status: 'delivered' }, '/body/status'],
    ['a client-chosen total', { items: [item], currency: 'EUR', totalCents: 1 }, '/body/totalCents'],
    ['no currency', { items: [item] }, '/body/currency'],
    ['a lower-case currency', { items: [item], currency: 'eur' }, '/body/currency'],
    ['a four-letter currency', { items: [item], currency: 'EURO' }, '/body/currency'],
    ['items that are not an array', { items: item, currency: 'EUR' }, '/body/items'],
  ])('when the body has %s, then it answers a 400 problem naming the field and stores and emits nothing', async (_case, body, path) => {
    const [orders, outbox] = [await count('orders'), await count('outbox')];
    const res = await place(body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ type: expect.stringContaining('validation-error'), status: 400, title: 'Bad Request', instance: '/v1/orders' });
    expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect([await count('orders'), await count('outbox')]).toEqual([orders, outbox]);
  });

  it.each([
    ['malformed JSON', '{"items": ['],
    ['an array', '[1,2]'],
    ['a bare string', '"order"'],
  ])('when the body is %s, then it answers 400 and stores nothing', async (_case, raw) => {
    const orders = await count('orders');
    const res = await place(raw);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await count('orders')).toBe(orders);
  });

  it('when no or a bad bearer token is sent, then it answers 401 and stores nothing', async () => {
    const orders = await count('orders');
    const missing = await ctx.http('POST', '/v1/orders', { body: orderBody() });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect((await place(orderBody(), `${alice.token}x`)).statusCode).toBe(401);
    expect(await count('orders')).toBe(orders);
  });

  it('when an anonymous request also has an invalid body, then authentication answers first with 401', async () => {
    const res = await ctx.http('POST', '/v1/orders', { body: { items: [] } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).not.toHaveProperty('errors');
  });

  it('when a token carries identity headers, then only the token counts', async () => {
    const res = await place(orderBody(), alice.token, { 'x-user-id': '00000000-0000-7000-8000-000000000000', 'x-user-roles': 'admin' });
    expect(res.statusCode).toBe(201);
    expect(res.json().userId).toBe(alice.id);
  });
});
