import { AppError } from '@orderly/service-kit';
import type { OrdersDeps } from '../deps.ts';
import type { Actor, Order, OrderStatus } from './order.ts';
import { decodeCursor, encodeCursor } from './order-cursor.ts';
import { listOrders as selectOrders } from './orders.repository.ts';

export interface ListOrdersQuery {
  status?: OrderStatus | undefined;
  userId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface OrderPage {
  items: Order[];
  nextCursor: string | null;
}

/**
 * A page of orders, newest first. Customers list their own; `userId` naming someone else is an
 * admin filter (403 for a customer, as the filter itself is the admin feature). Admins list all.
 */
export async function listOrders(query: ListOrdersQuery, actor: Actor, deps: OrdersDeps): Promise<OrderPage> {
  if (!actor.isAdmin && query.userId && query.userId !== actor.userId) {
    throw new AppError(403, 'forbidden', "Listing another user's orders requires the admin role.");
  }
  const userId = actor.isAdmin ? query.userId : actor.userId;
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await selectOrders(deps.pool, { userId, status: query.status, after, limit: query.limit + 1 });
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}
