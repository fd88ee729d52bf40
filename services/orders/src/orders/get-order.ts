import type { OrdersDeps } from '../deps.ts';
import { isVisibleTo, orderNotFound, type Actor, type Order } from './order.ts';
import { findOrderById } from './orders.repository.ts';

/** One order for its owner or an admin, read through the cache. */
export async function getOrder(orderId: string, actor: Actor, deps: OrdersDeps): Promise<Order> {
  let order = await deps.cache.get(orderId);
  if (!order) {
    order = await findOrderById(deps.pool, orderId);
    if (order) await deps.cache.fill(order);
  }
  if (!order || !isVisibleTo(order, actor)) throw orderNotFound();
  return order;
}
