import type { OrdersDeps } from '../deps.ts';
import type { Actor, Order } from './order.ts';
import { changeOrderStatus } from './change-order-status.ts';

/** Cancels a pending or confirmed order for its owner or an admin; any other status is a 409. */
export async function cancelOrder(orderId: string, actor: Actor, deps: OrdersDeps, correlationId?: string): Promise<Order> {
  return changeOrderStatus({ orderId, to: 'cancelled', actor }, deps, correlationId);
}
