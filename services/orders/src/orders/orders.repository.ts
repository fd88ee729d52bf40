import type { Queryable } from '@orderly/postgres';
import { exactCents, type Order, type OrderStatus } from './order.ts';
import type { OrderCursor } from './order-cursor.ts';

export interface NewOrder {
  id: string;
  userId: string;
  currency: string;
  items: Order['items'];
}

export interface OrderFilter {
  userId?: string | undefined;
  status?: OrderStatus | undefined;
  after?: OrderCursor | undefined;
  limit: number;
}

type OrderRow = Omit<Order, 'totalCents'> & { totalCents: string };

// The order shape of the API, items in request order; `o` is the orders row.
const COLUMNS = `o.id, o.user_id AS "userId", o.status,
  (SELECT json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity, 'unitPriceCents', i.unit_price_cents) ORDER BY i.position)
   FROM order_items i WHERE i.order_id = o.id) AS items,
  o.total_cents::text AS "totalCents", o.currency, o.created_at AS "createdAt", o.updated_at AS "updatedAt"`;

const toOrder = (row: OrderRow): Order => ({ ...row, totalCents: exactCents(row.totalCents) });

/**
 * Inserts the order and its items in one statement. The total is computed here, by Postgres: each
 * line in bigint (at most 10^13), their sum in numeric, assigned to the bigint column, which with
 * its CHECK refuses anything out of range instead of rounding it.
 */
export async function insertOrder(db: Queryable, order: NewOrder): Promise<Order> {
  const { rows } = await db.query<OrderRow>(
    `WITH line AS (
       SELECT * FROM unnest($4::text[], $5::integer[], $6::bigint[]) WITH ORDINALITY AS l(sku, quantity, unit_price_cents, position)
     ), inserted AS (
       INSERT INTO orders (id, user_id, currency, total_cents)
       SELECT $1, $2, $3, sum(quantity::bigint * unit_price_cents) FROM line
       RETURNING *
     ), items AS (
       INSERT INTO order_items (order_id, position, sku, quantity, unit_price_cents)
       SELECT $1, position, sku, quantity, unit_price_cents FROM line
     )
     SELECT o.id, o.user_id AS "userId", o.status,
       (SELECT json_agg(json_build_object('sku', sku, 'quantity', quantity, 'unitPriceCents', unit_price_cents) ORDER BY position) FROM line) AS items,
       o.total_cents::text AS "totalCents", o.currency, o.created_at AS "createdAt", o.updated_at AS "updatedAt"
     FROM inserted o`,
    [
      order.id,
      order.userId,
      order.currency,
      order.items.map((i) => i.sku),
      order.items.map((i) => i.quantity),
      order.items.map((i) => i.unitPriceCents),
    ],
  );
  return toOrder(rows[0]!);
}

export async function findOrderById(db: Queryable, id: string): Promise<Order | null> {
  const { rows } = await db.query<OrderRow>(`SELECT ${COLUMNS} FROM orders o WHERE o.id = $1`, [id]);
  return rows[0] ? toOrder(rows[0]) : null;
}

/** Reads the order and locks its row until the transaction ends: concurrent moves take turns. */
export async function findOrderForUpdate(db: Queryable, id: string): Promise<Order | null> {
  const { rows } = await db.query<OrderRow>(`SELECT ${COLUMNS} FROM orders o WHERE o.id = $1 FOR UPDATE OF o`, [id]);
  return rows[0] ? toOrder(rows[0]) : null;
}

/**
 * Sets the status. `updated_at` strictly increases on every change, even within one millisecond,
 * so it versions the order for the read cache.
 */
export async function updateOrderStatus(db: Queryable, id: string, status: OrderStatus): Promise<Order> {
  const { rows } = await db.query<OrderRow>(
    `UPDATE orders o SET status = $2,
       updated_at = greatest(date_trunc('milliseconds', clock_timestamp()), o.updated_at + interval '1 millisecond')
     WHERE o.id = $1 RETURNING ${COLUMNS}`,
    [id, status],
  );
  return toOrder(rows[0]!);
}

/** Newest first, after the cursor; served by the (…, created_at DESC, id DESC) indexes. */
export async function listOrders(db: Queryable, filter: OrderFilter): Promise<Order[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.userId) where.push(`o.user_id = ${param(filter.userId)}`);
  if (filter.status) where.push(`o.status = ${param(filter.status)}`);
  if (filter.after) where.push(`(o.created_at, o.id) < (${param(filter.after.createdAt)}::timestamptz, ${param(filter.after.id)}::uuid)`);
  const { rows } = await db.query<OrderRow>(
    `SELECT ${COLUMNS} FROM orders o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY o.created_at DESC, o.id DESC LIMIT ${param(filter.limit)}`,
    params,
  );
  return rows.map(toOrder);
}
