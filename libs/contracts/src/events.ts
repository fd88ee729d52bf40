/**
 * Event contracts (SPEC §5): the CloudEvents 1.0 envelope and the payload of every event type.
 * Producers and consumers import these schemas; nothing else of ours is imported here.
 * Payload objects allow additional properties so that additive changes are not breaking.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Uuid = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });

export const OrderStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('confirmed'),
  Type.Literal('shipped'),
  Type.Literal('delivered'),
  Type.Literal('cancelled'),
]);
export type OrderStatus = Static<typeof OrderStatus>;

export const OrderItem = Type.Object({
  sku: Type.String({ minLength: 1, maxLength: 64 }),
  quantity: Type.Integer({ minimum: 1, maximum: 10_000 }),
  unitPriceCents: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
});
export type OrderItem = Static<typeof OrderItem>;

export const Order = Type.Object({
  id: Uuid,
  userId: Uuid,
  status: OrderStatus,
  items: Type.Array(OrderItem, { minItems: 1, maxItems: 100 }),
  totalCents: Type.Integer({ minimum: 0 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Order = Static<typeof Order>;

export const UserRegisteredV1 = Type.Object({
  userId: Uuid,
  email: Type.String({ minLength: 3, maxLength: 254 }),
  name: Type.Union([Type.String(), Type.Null()]),
});
export type UserRegisteredV1 = Static<typeof UserRegisteredV1>;

export const OrderCreatedV1 = Type.Object({ order: Order });
export type OrderCreatedV1 = Static<typeof OrderCreatedV1>;

export const OrderStatusChangedV1 = Type.Object({
  orderId: Uuid,
  userId: Uuid,
  from: OrderStatus,
  to: OrderStatus,
  totalCents: Type.Integer({ minimum: 0 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
});
export type OrderStatusChangedV1 = Static<typeof OrderStatusChangedV1>;

/** Every event type, its routing key, and the schema of its `data`. */
export const EventTypes = {
  userRegistered: 'orderly.user.registered.v1',
  orderCreated: 'orderly.order.created.v1',
  orderStatusChanged: 'orderly.order.status_changed.v1',
} as const;
export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

export const EventDataSchemas = {
  [EventTypes.userRegistered]: UserRegisteredV1,
  [EventTypes.orderCreated]: OrderCreatedV1,
  [EventTypes.orderStatusChanged]: OrderStatusChangedV1,
} as const satisfies Record<EventType, TSchema>;

export interface EventDataMap {
  'orderly.user.registered.v1': UserRegisteredV1;
  'orderly.order.created.v1': OrderCreatedV1;
  'orderly.order.status_changed.v1': OrderStatusChangedV1;
}

/** CloudEvents 1.0 structured-mode envelope; `data` is checked per type. */
export const CloudEventEnvelope = Type.Object({
  specversion: Type.Literal('1.0'),
  id: Uuid,
  source: Type.String({ minLength: 1 }),
  type: Type.String({ minLength: 1 }),
  time: Timestamp,
  datacontenttype: Type.Literal('application/json'),
  subject: Type.String({ minLength: 1 }),
  correlationid: Type.Optional(Type.String()),
  dataschema: Type.Optional(Type.String()),
  data: Type.Unknown(),
});

export type CloudEvent<T extends EventType = EventType> = Omit<Static<typeof CloudEventEnvelope>, 'type' | 'data'> & {
  type: T;
  data: EventDataMap[T];
};

/** The `dataschema` attribute for an event type: a versioned URN, resolvable in the contracts library. */
export function dataSchemaOf(type: EventType): string {
  return `urn:orderly:schema:${type}`;
}
