// Valid events for tests, built the way producers build them.
import { randomUUID } from 'node:crypto';
import { EventTypes, type CloudEvent } from '@orderly/contracts';
import { buildEvent } from '../src/index.ts';

export function orderStatusChanged(subject: string = randomUUID(), correlationId?: string): CloudEvent {
  return buildEvent({
    type: EventTypes.orderStatusChanged,
    source: '/orders',
    subject,
    data: { orderId: subject, userId: randomUUID(), from: 'pending', to: 'confirmed', totalCents: 1200, currency: 'EUR' },
    correlationId,
  });
}

export function userRegistered(subject: string = randomUUID()): CloudEvent {
  return buildEvent({
    type: EventTypes.userRegistered,
    source: '/auth',
    subject,
    data: { userId: subject, email: 'someone@example.com', name: null },
  });
}
