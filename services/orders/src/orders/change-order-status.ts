import { enqueueEvent } from '@orderly/messaging';
import { withTransaction } from '@orderly/postgres';
import type { OrdersDeps } from '../deps.ts';
import { assertCanMove, isVisibleTo, orderNotFound, type Actor, type Order, type OrderStatus } from './order.ts';
import { orderStatusChangedEvent } from './order-events.ts';
import { findOrderForUpdate, updateOrderStatus } from './orders.repository.ts';

export interface ChangeOrderStatusInput {
  orderId: string;
  to: OrderStatus;
  actor: Actor;
}

/**
 * Moves an order along its lifecycle and enqueues `order.status_changed`, in one transaction that
 * holds the order's row lock: of two concurrent moves, the second sees the first's result (and is
 * a 409 if its move is no longer legal). The cached copy is invalidated before returning.
 */
export async function changeOrderStatus(input: ChangeOrderStatusInput, deps: OrdersDeps, correlationId?: string): Promise<Order> {
  const order = await withTransaction(deps.pool, async (tx) => {
    const current = await findOrderForUpdate(tx, input.orderId);
    if (!current || !isVisibleTo(current, input.actor)) throw orderNotFound();
    assertCanMove(current.status, input.to);
    const updated = await updateOrderStatus(tx, current.id, input.to);
    await enqueueEvent(tx, orderStatusChangedEvent(current.status, updated, correlationId));
    return updated;
  });
  await deps.cache.invalidate(order);
  return order;
}
