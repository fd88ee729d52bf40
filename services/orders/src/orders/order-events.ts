/** The events of an order (SPEC §5), as CloudEvents ready for the outbox. */
import { EventTypes, type CloudEvent } from '@orderly/contracts';
import { buildEvent } from '@orderly/messaging';
import type { Order, OrderStatus } from './order.ts';

const SOURCE = '/orders';

export function orderCreatedEvent(order: Order, correlationId: string | undefined): CloudEvent {
  return buildEvent({ type: EventTypes.orderCreated, source: SOURCE, subject: order.id, data: { order }, correlationId });
}

export function orderStatusChangedEvent(from: OrderStatus, order: Order, correlationId: string | undefined): CloudEvent {
  return buildEvent({
    type: EventTypes.orderStatusChanged,
    source: SOURCE,
    subject: order.id,
    data: { orderId: order.id, userId: order.userId, from, to: order.status, totalCents: order.totalCents, currency: order.currency },
    correlationId,
  });
}
