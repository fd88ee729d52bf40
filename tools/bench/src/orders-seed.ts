/** Orders for the uncached reads, written straight into the bench database, and the order they are read in. */
import pg from 'pg';
import type { PlaceOrderItem } from './pgbench.ts';

/** Inserts `count` orders of `userId` with one item each; returns their ids. */
export async function seedOrders(adminUrl: string, userId: string, count: number, item: PlaceOrderItem, currency: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `WITH o AS (
         INSERT INTO orders.orders (id, user_id, currency, total_cents)
         SELECT gen_random_uuid(), $1, $3, $4 FROM generate_series(1, $2) RETURNING id
       )
       INSERT INTO orders.order_items (order_id, position, sku, quantity, unit_price_cents)
       SELECT id, 1, $5, $6, $7 FROM o RETURNING order_id AS id`,
      [userId, count, currency, item.quantity * item.unitPriceCents, item.sku, item.quantity, item.unitPriceCents],
    );
    return rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}

export async function countOrders(adminUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM orders.orders')).rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Fisher–Yates with a fixed seed: a scattered order, the same on every run. */
export function shuffled<T>(items: readonly T[], seed = 42): T[] {
  const out = [...items];
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x80000000;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
