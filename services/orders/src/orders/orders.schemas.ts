import { Order, OrderItem, OrderStatus } from '@orderly/contracts';
import { Type } from '@sinclair/typebox';

export const OrderSchema = Type.Object(Order.properties, { additionalProperties: false });

/** An item as a client sends it: the contract's limits, printable SKUs, nothing else. */
const OrderItemInput = Type.Object(
  {
    ...OrderItem.properties,
    sku: Type.String({ minLength: 1, maxLength: 64, pattern: '^\\P{C}+$', description: '1..64 printable characters' }),
  },
  { additionalProperties: false },
);

export const PlaceOrderBody = Type.Object(
  {
    items: Type.Array(OrderItemInput, { minItems: 1, maxItems: 100 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' }),
  },
  { additionalProperties: false },
);

export const PlaceOrderHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x20-\\x7E]+$',
      description: 'Repeating a request with the same key replays its response for at least 24 h.',
    }),
  ),
});

export const ListOrdersQuery = Type.Object(
  {
    status: Type.Optional(OrderStatus),
    userId: Type.Optional(Type.String({ format: 'uuid', description: 'Admins only: the orders of this user' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "The previous page's nextCursor" })),
  },
  { additionalProperties: false },
);

export const OrderPageSchema = Type.Object({
  items: Type.Array(OrderSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const OrderIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ChangeStatusBody = Type.Object({ status: OrderStatus }, { additionalProperties: false });
