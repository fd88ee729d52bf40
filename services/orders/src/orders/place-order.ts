import { enqueueEvent } from '@orderly/messaging';
import { uuidv7, withTransaction } from '@orderly/postgres';
import type { OrdersDeps } from '../deps.ts';
import { claimIdempotencyKey, requestHash, type PlaceOrderRequest } from './idempotency.ts';
import { saveIdempotentResponse } from './idempotency.repository.ts';
import type { Order } from './order.ts';
import { orderCreatedEvent } from './order-events.ts';
import { insertOrder } from './orders.repository.ts';

export interface PlaceOrderInput extends PlaceOrderRequest {
  userId: string;
  idempotencyKey?: string | undefined;
}

export interface PlaceOrderResult {
  statusCode: number;
  order: Order;
  /** True when an earlier request with the same Idempotency-Key produced this response. */
  replayed: boolean;
}

/**
 * Creates a pending order and enqueues `order.created` in one transaction. With an Idempotency-Key,
 * the key is claimed first in that same transaction, and the response is stored with it.
 */
export async function placeOrder(input: PlaceOrderInput, deps: OrdersDeps, correlationId?: string): Promise<PlaceOrderResult> {
  const { userId, idempotencyKey: key } = input;
  return withTransaction(deps.pool, async (tx) => {
    if (key) {
      const claim = await claimIdempotencyKey(tx, { userId, key, requestHash: requestHash(input), ttlHours: deps.idempotencyTtlHours });
      if (claim.kind === 'replay') return { statusCode: claim.statusCode, order: claim.body as Order, replayed: true };
    }
    const order = await insertOrder(tx, { id: uuidv7(), userId, currency: input.currency, items: input.items });
    await enqueueEvent(tx, orderCreatedEvent(order, correlationId));
    if (key) await saveIdempotentResponse(tx, userId, key, 201, order);
    return { statusCode: 201, order, replayed: false };
  });
}
